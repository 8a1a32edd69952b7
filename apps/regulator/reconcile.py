"""The regulator's reconciliation board per district of his scope, its xlsx and the mismatches.

GET /api/regulator/reconcile/board?district=&group=day|month&from=&to=
GET /api/regulator/reconcile/board.xlsx?district=&from=&to=
GET /api/regulator/reconcile/mismatches?district=&from=&to=&offset=&limit=
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from litestar import Response, Router, get
from litestar.params import FromQuery, QueryParameter

from backend.domain.identity.schemas import Role
from backend.domain.reconcile import service as reconcile
from backend.domain.reconcile.schemas import BoardOut, ChainPage
from backend.http.auth import any_role
from backend.http.deps import Db, Limit, Me, Offset

From = Annotated[date | None, QueryParameter(name="from")]
To = Annotated[date | None, QueryParameter(name="to")]
District = Annotated[str | None, QueryParameter(pattern=r"^[0-9]{6}$")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@get("/reconcile/board", summary="对账看板 per district of my scope")
async def board(
    me: Me,
    db: Db,
    district: District = None,
    group: FromQuery[Literal["day", "month"]] = "day",
    date_from: From = None,
    date_to: To = None,
) -> BoardOut:
    return await reconcile.regulator_board(
        db, actor=me, district=district, group=group, date_from=date_from, date_to=date_to
    )


@get("/reconcile/board.xlsx", summary="The district board as xlsx", media_type=XLSX)
async def board_xlsx(
    me: Me, db: Db, district: District = None, date_from: From = None, date_to: To = None
) -> Response[bytes]:
    data = await reconcile.regulator_board_xlsx(
        db, actor=me, district=district, date_from=date_from, date_to=date_to
    )
    return Response(
        content=data,
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="reconcile-districts.xlsx"'},
    )


@get("/reconcile/mismatches", summary="Chains with a finding in my districts")
async def mismatches(
    me: Me,
    db: Db,
    district: District = None,
    date_from: From = None,
    date_to: To = None,
    offset: FromQuery[Offset] = 0,
    limit: FromQuery[Limit] = 50,
) -> ChainPage:
    return await reconcile.regulator_chains(
        db,
        actor=me,
        district=district,
        state=reconcile.ChainFilter.MISMATCH,
        date_from=date_from,
        date_to=date_to,
        offset=offset,
        limit=limit,
    )


router = Router(
    path="/api/regulator",
    route_handlers=[board, board_xlsx, mismatches],
    guards=[any_role(Role.REGULATOR)],
    tags=["regulator", "reconcile"],
)
