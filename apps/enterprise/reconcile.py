"""对账: the reconciliation board of my organisation's chains (as seller, buyer or carrier), its xlsx
and the chains with their states and reasons.

    GET /api/enterprise/reconcile/board?contract_id=&group=day|month&from=&to=
    GET /api/enterprise/reconcile/board.xlsx?contract_id=&from=&to=
    GET /api/enterprise/reconcile/orders?state=mismatch|all&contract_id=&from=&to=&offset=&limit=
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from litestar import Response, Router, get
from litestar.params import FromQuery, QueryParameter

from backend.domain.reconcile import service as reconcile
from backend.domain.reconcile.schemas import BoardOut, ChainPage
from backend.http.auth import signed_in
from backend.http.deps import Db, Limit, Me, Offset

From = Annotated[date | None, QueryParameter(name="from")]
To = Annotated[date | None, QueryParameter(name="to")]
# "state" is a reserved handler argument in Litestar: the query key is named explicitly.
StateParam = Annotated[reconcile.ChainFilter, QueryParameter(name="state")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@get(
    "/reconcile/board",
    summary="对账看板: ordered → loaded → delivered → settled → invoiced → paid, per contract",
)
async def board(
    me: Me,
    db: Db,
    contract_id: FromQuery[uuid.UUID | None] = None,
    group: FromQuery[Literal["day", "month"]] = "day",
    date_from: From = None,
    date_to: To = None,
) -> BoardOut:
    return await reconcile.enterprise_board(
        db, actor=me, contract_id=contract_id, group=group, date_from=date_from, date_to=date_to
    )


@get("/reconcile/board.xlsx", summary="The board as xlsx (by day, by month, mismatches)", media_type=XLSX)
async def board_xlsx(
    me: Me,
    db: Db,
    contract_id: FromQuery[uuid.UUID | None] = None,
    date_from: From = None,
    date_to: To = None,
) -> Response[bytes]:
    data = await reconcile.enterprise_board_xlsx(
        db, actor=me, contract_id=contract_id, date_from=date_from, date_to=date_to
    )
    return Response(
        content=data,
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="reconcile-board.xlsx"'},
    )


@get("/reconcile/orders", summary="Chains of my orders with each link's state and the reasons")
async def chains(
    me: Me,
    db: Db,
    chain_state: StateParam = reconcile.ChainFilter.MISMATCH,
    contract_id: FromQuery[uuid.UUID | None] = None,
    date_from: From = None,
    date_to: To = None,
    offset: FromQuery[Offset] = 0,
    limit: FromQuery[Limit] = 50,
) -> ChainPage:
    return await reconcile.enterprise_chains(
        db,
        actor=me,
        state=chain_state,
        contract_id=contract_id,
        date_from=date_from,
        date_to=date_to,
        offset=offset,
        limit=limit,
    )


router = Router(
    path="/api/enterprise", route_handlers=[board, board_xlsx, chains], guards=[signed_in], tags=["reconcile"]
)
