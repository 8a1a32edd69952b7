"""JSON API of e-contracts (电子合同), the first link of the chain contract → pickup order → weigh ticket.

Signed-in callers only; the services decide row by row (404 for contracts the caller may not see,
403 for those it may see but not act on, 409 for a move the contract's status does not allow).

    POST   /api/enterprise/contracts                          draft one (seller's enterprise_admin or sales)
    GET    /api/enterprise/contracts                          mine as seller or buyer (status, role, q, offset, limit)
    GET    /api/enterprise/contracts/{contract_id}            one contract with its execution progress
    PATCH  /api/enterprise/contracts/{contract_id}            change a draft
    DELETE /api/enterprise/contracts/{contract_id}            delete a draft
    PUT    /api/enterprise/contracts/{contract_id}/pdf        the signed scan: raw PDF bytes, ≤ 20 MB (draft)
    GET    /api/enterprise/contracts/{contract_id}/pdf        the scan (application/pdf)
    POST   /api/enterprise/contracts/{contract_id}/file       备案: draft → filed (needs the scan)
    POST   /api/enterprise/contracts/{contract_id}/confirm    the buyer's admin: filed → active
    POST   /api/enterprise/contracts/{contract_id}/terminate  either side's admin, {reason}: → terminated
    POST   /api/enterprise/contracts/{contract_id}/complete   the seller, once delivered: active → completed
    GET    /api/enterprise/contracts/{contract_id}/events     the status history
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Router, delete, get, patch, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import File

from backend.domain.contracts import service as contracts
from backend.domain.contracts.schemas import (
    ContractCreate,
    ContractEventOut,
    ContractOut,
    ContractPage,
    ContractStatus,
    ContractTerminate,
    ContractUpdate,
    PartyRole,
)
from backend.http.auth import signed_in
from backend.http.deps import Ctx, Db, Limit, Me, Offset, Search
from backend.http.stored import stored_file


@post("/contracts", status_code=201, summary="Draft a contract (the seller's enterprise_admin or sales)")
async def create_contract(data: JSONBody[ContractCreate], me: Me, db: Db) -> ContractOut:
    return await contracts.create_contract(db, actor=me, data=data)


@get("/contracts", summary="My contracts as seller or buyer")
async def list_contracts(
    me: Me, db: Db, status: FromQuery[ContractStatus | None] = None, role: FromQuery[PartyRole | None] = None,
    q: Search = None, offset: FromQuery[Offset] = 0, limit: FromQuery[Limit] = 50,
) -> ContractPage:
    return await contracts.list_contracts(db, actor=me, status=status, role=role, q=q, offset=offset, limit=limit)


@get("/contracts/{contract_id:uuid}")
async def get_contract(contract_id: FromPath[uuid.UUID], me: Me, db: Db) -> ContractOut:
    return await contracts.get_contract(db, actor=me, contract_id=contract_id)


@patch("/contracts/{contract_id:uuid}", summary="Change a draft")
async def update_contract(contract_id: FromPath[uuid.UUID], data: JSONBody[ContractUpdate], me: Me, db: Db) -> ContractOut:
    return await contracts.update_contract(db, actor=me, contract_id=contract_id, data=data)


@delete("/contracts/{contract_id:uuid}", status_code=204, summary="Delete a draft")
async def delete_contract(contract_id: FromPath[uuid.UUID], me: Me, db: Db) -> None:
    await contracts.delete_contract(db, actor=me, contract_id=contract_id)


@put("/contracts/{contract_id:uuid}/pdf", status_code=200,
     summary="Upload the signed scan: the raw PDF bytes as the body, Content-Type: application/pdf, at most 20 MB")
async def upload_pdf(contract_id: FromPath[uuid.UUID], request: Request[Any, Any, Any], me: Me, db: Db,
                     ctx: Ctx) -> ContractOut:
    return await contracts.upload_pdf(db, ctx=ctx, actor=me, contract_id=contract_id, data=await request.body())


@get("/contracts/{contract_id:uuid}/pdf", summary="The signed scan (application/pdf)", media_type="application/pdf")
async def download_pdf(contract_id: FromPath[uuid.UUID], me: Me, db: Db, ctx: Ctx) -> File:
    pdf = await contracts.pdf_file(db, ctx=ctx, actor=me, contract_id=contract_id)
    return stored_file(pdf.path, media_type="application/pdf", sha256=pdf.sha256, filename=pdf.filename)


@post("/contracts/{contract_id:uuid}/file", status_code=200, summary="备案: draft → filed (the scan is required)")
async def file_contract(contract_id: FromPath[uuid.UUID], me: Me, db: Db) -> ContractOut:
    return await contracts.file_contract(db, actor=me, contract_id=contract_id)


@post("/contracts/{contract_id:uuid}/confirm", status_code=200, summary="The buyer's admin confirms: filed → active")
async def confirm_contract(contract_id: FromPath[uuid.UUID], me: Me, db: Db) -> ContractOut:
    return await contracts.confirm_contract(db, actor=me, contract_id=contract_id)


@post("/contracts/{contract_id:uuid}/terminate", status_code=200, summary="Either side's admin terminates, with a reason")
async def terminate_contract(contract_id: FromPath[uuid.UUID], data: JSONBody[ContractTerminate], me: Me,
                             db: Db) -> ContractOut:
    return await contracts.terminate_contract(db, actor=me, contract_id=contract_id, data=data)


@post("/contracts/{contract_id:uuid}/complete", status_code=200,
      summary="The seller closes a delivered contract: active → completed")
async def complete_contract(contract_id: FromPath[uuid.UUID], me: Me, db: Db) -> ContractOut:
    return await contracts.complete_contract(db, actor=me, contract_id=contract_id)


@get("/contracts/{contract_id:uuid}/events", summary="The contract's status history")
async def list_events(contract_id: FromPath[uuid.UUID], me: Me, db: Db) -> list[ContractEventOut]:
    return await contracts.list_events(db, actor=me, contract_id=contract_id)


router = Router(
    path="/api/enterprise",
    route_handlers=[
        create_contract, list_contracts, get_contract, update_contract, delete_contract, upload_pdf, download_pdf,
        file_contract, confirm_contract, terminate_contract, complete_contract, list_events,
    ],
    guards=[signed_in], tags=["enterprise", "contracts"],
)
