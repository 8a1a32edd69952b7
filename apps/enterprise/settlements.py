"""JSON API of e-settlements (电子结算单): the buyer issues (or the seller uploads the buyer's signed
scan), the platform recomputes beside it, the other party confirms; corrections are new versions.

Signed-in callers only; the services decide row by row (404 for settlements the caller may not see,
403 for those it may see but not act on, 409 for a move the status does not allow, 409
`ticket_already_settled` for a load another settlement holds).

    GET    /api/enterprise/settlements                            mine as seller or buyer (status, offset, limit)
    POST   /api/enterprise/settlements                            issue (buyer) or upload (seller, with `scan`)
    GET    /api/enterprise/settlements/{settlement_id}            one, with its lines and the recomputation
    POST   /api/enterprise/settlements/{settlement_id}/confirm    the other party confirms
    POST   /api/enterprise/settlements/{settlement_id}/versions   the issuer's correction: a new version
    POST   /api/enterprise/settlements/{settlement_id}/withdraw   the issuer withdraws a pending one
    GET    /api/enterprise/settlements/{settlement_id}/pdf        the settlement as a PDF, rendered now
    GET    /api/enterprise/settlements/{settlement_id}/scan       the buyer's signed scan (a seller's upload)
"""

from __future__ import annotations

import uuid
from typing import Literal

from litestar import Response, Router, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import File

from backend.domain.settlements import service as settlements
from backend.domain.settlements.schemas import SettlementIssue, SettlementOut, SettlementPage
from backend.http.auth import signed_in
from backend.http.deps import Ctx, Db, Limit, Me, Offset
from backend.http.stored import stored_file

StatusFilter = Literal["pending", "confirmed", "superseded", "withdrawn"]


@get("/settlements", summary="My settlements as seller or buyer")
async def list_settlements(
    me: Me,
    db: Db,
    status: FromQuery[StatusFilter | None] = None,
    offset: FromQuery[Offset] = 0,
    limit: FromQuery[Limit] = 50,
) -> SettlementPage:
    return await settlements.list_settlements(db, actor=me, status=status, offset=offset, limit=limit)


@post(
    "/settlements",
    status_code=201,
    summary="Issue a settlement (the buyer), or upload one with the buyer's scan (the seller)",
)
async def issue(data: JSONBody[SettlementIssue], me: Me, db: Db, ctx: Ctx) -> SettlementOut:
    return await settlements.issue(db, ctx=ctx, actor=me, data=data)


@get(
    "/settlements/{settlement_id:uuid}",
    summary="One settlement with its lines beside the platform's recomputation",
)
async def get_settlement(settlement_id: FromPath[uuid.UUID], me: Me, db: Db) -> SettlementOut:
    return await settlements.get_settlement(db, actor=me, settlement_id=settlement_id)


@post("/settlements/{settlement_id:uuid}/confirm", status_code=200, summary="The other party confirms")
async def confirm(settlement_id: FromPath[uuid.UUID], me: Me, db: Db) -> SettlementOut:
    return await settlements.confirm(db, actor=me, settlement_id=settlement_id)


@post("/settlements/{settlement_id:uuid}/versions", status_code=201, summary="A correction: the next version")
async def new_version(
    settlement_id: FromPath[uuid.UUID], data: JSONBody[SettlementIssue], me: Me, db: Db, ctx: Ctx
) -> SettlementOut:
    return await settlements.new_version(db, ctx=ctx, actor=me, settlement_id=settlement_id, data=data)


@post(
    "/settlements/{settlement_id:uuid}/withdraw",
    status_code=200,
    summary="The issuer withdraws a pending settlement",
)
async def withdraw(settlement_id: FromPath[uuid.UUID], me: Me, db: Db) -> SettlementOut:
    return await settlements.withdraw(db, actor=me, settlement_id=settlement_id)


@get("/settlements/{settlement_id:uuid}/pdf", summary="The settlement as a PDF", media_type="application/pdf")
async def settlement_pdf(settlement_id: FromPath[uuid.UUID], me: Me, db: Db) -> Response[bytes]:
    pdf = await settlements.settlement_pdf(db, actor=me, settlement_id=settlement_id)
    return Response(
        content=pdf.data,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{pdf.filename}"',
            "Cache-Control": "private, no-store",
        },
    )


@get("/settlements/{settlement_id:uuid}/scan", summary="The buyer's signed scan of a seller's upload")
async def scan(settlement_id: FromPath[uuid.UUID], me: Me, db: Db, ctx: Ctx) -> File:
    found = await settlements.scan_file(db, ctx=ctx, actor=me, settlement_id=settlement_id)
    return stored_file(found.path, media_type=found.media_type, sha256=found.sha256)


router = Router(
    path="/api/enterprise",
    route_handlers=[
        list_settlements,
        issue,
        get_settlement,
        confirm,
        new_version,
        withdraw,
        settlement_pdf,
        scan,
    ],
    guards=[signed_in],
    tags=["enterprise", "settlements"],
)
