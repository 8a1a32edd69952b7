"""JSON API of assays (化验).

GET  /api/enterprise/contracts/{contract_id}/assays   the contract's assays, newest test first (offset, limit)
POST /api/enterprise/contracts/{contract_id}/assays   one entered by hand by a party's staff
GET  /api/enterprise/assays/{assay_id}                one assay
PUT  /api/enterprise/assays/{assay_id}/scan           the report's scan: raw PDF, JPEG or PNG bytes, ≤ 10 MB
GET  /api/enterprise/assays/{assay_id}/scan           the scan
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Router, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import File

from backend.domain.assays import service as assays
from backend.domain.assays.schemas import AssayIn, AssayOut, AssayPage
from backend.http.auth import signed_in
from backend.http.deps import Ctx, Db, Limit, Me, Offset
from backend.http.stored import stored_file


@get("/contracts/{contract_id:uuid}/assays", summary="The contract's assays, newest test first")
async def list_assays(
    contract_id: FromPath[uuid.UUID],
    me: Me,
    db: Db,
    offset: FromQuery[Offset] = 0,
    limit: FromQuery[Limit] = 50,
) -> AssayPage:
    return await assays.list_assays(db, actor=me, contract_id=contract_id, offset=offset, limit=limit)


@post(
    "/contracts/{contract_id:uuid}/assays",
    status_code=201,
    summary="An assay entered by hand (a party's staff)",
)
async def record_assay(
    contract_id: FromPath[uuid.UUID], data: JSONBody[AssayIn], me: Me, db: Db, ctx: Ctx
) -> AssayOut:
    return await assays.record_assay(db, ctx=ctx, actor=me, contract_id=contract_id, data=data)


@get("/assays/{assay_id:uuid}", summary="One assay")
async def get_assay(assay_id: FromPath[uuid.UUID], me: Me, db: Db) -> AssayOut:
    return await assays.get_assay(db, actor=me, assay_id=assay_id)


@put(
    "/assays/{assay_id:uuid}/scan",
    status_code=200,
    summary="The report's scan: the raw PDF, JPEG or PNG bytes as the body, at most 10 MB",
)
async def upload_scan(
    assay_id: FromPath[uuid.UUID], request: Request[Any, Any, Any], me: Me, db: Db, ctx: Ctx
) -> AssayOut:
    return await assays.attach_scan(db, ctx=ctx, actor=me, assay_id=assay_id, data=await request.body())


@get(
    "/assays/{assay_id:uuid}/scan",
    summary="The report's scan (PDF, JPEG or PNG)",
    media_type="application/octet-stream",
)
async def download_scan(assay_id: FromPath[uuid.UUID], me: Me, db: Db, ctx: Ctx) -> File:
    scan = await assays.scan_file(db, ctx=ctx, actor=me, assay_id=assay_id)
    return stored_file(scan.path, media_type=scan.media_type, sha256=scan.sha256, filename=scan.filename)


router = Router(
    path="/api/enterprise",
    route_handlers=[list_assays, record_assay, get_assay, upload_scan, download_scan],
    guards=[signed_in],
    tags=["enterprise", "assays"],
)
