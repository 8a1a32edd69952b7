"""Contracts and pickup orders through the signed machine interface (an enterprise's own ERP).

The signing key's organisation acts as its sales desk: the same services, rules and refusals as
the enterprise app (see backend.domain.machines.acting). Organisation keys only; device keys 403.

    POST /open/v1/contracts                       draft a contract (the key's organisation sells)
    GET  /open/v1/contracts/{contract_id}         one contract with its execution progress
    PUT  /open/v1/contracts/{contract_id}/pdf     the signed scan (raw PDF bytes; signed like any body)
    POST /open/v1/contracts/{contract_id}/file    备案: draft → filed
    POST /open/v1/orders                          issue pickup orders on an active contract
    GET  /open/v1/orders/{order_id}               one order with its transitions
    POST /open/v1/orders/{order_id}/cancel        void an order, releasing its tonnage
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Router, get, post, put
from litestar.di import Provide
from litestar.params import FromPath, JSONBody

from backend.domain.contracts import service as contracts
from backend.domain.contracts.schemas import ContractCreate, ContractOut
from backend.domain.orders import service as orders
from backend.domain.orders.schemas import OrderCancel, OrderDetail, OrderIssue, OrderOut
from backend.http.deps import Ctx, Db
from backend.http.signing import MachineActor, provide_machine, provide_machine_actor, signed_machine


@post("/contracts", status_code=201, summary="Draft a contract as the key's organisation (seller)")
async def create_contract(data: JSONBody[ContractCreate], caller: MachineActor, db: Db) -> ContractOut:
    return await contracts.create_contract(db, actor=caller, data=data)


@get("/contracts/{contract_id:uuid}")
async def get_contract(contract_id: FromPath[uuid.UUID], caller: MachineActor, db: Db) -> ContractOut:
    return await contracts.get_contract(db, actor=caller, contract_id=contract_id)


@put("/contracts/{contract_id:uuid}/pdf", status_code=200, summary="The signed scan (raw PDF bytes)")
async def upload_pdf(contract_id: FromPath[uuid.UUID], request: Request[Any, Any, Any], caller: MachineActor, db: Db,
                     ctx: Ctx) -> ContractOut:
    return await contracts.upload_pdf(db, ctx=ctx, actor=caller, contract_id=contract_id, data=await request.body())


@post("/contracts/{contract_id:uuid}/file", status_code=200, summary="备案: draft → filed")
async def file_contract(contract_id: FromPath[uuid.UUID], caller: MachineActor, db: Db) -> ContractOut:
    return await contracts.file_contract(db, actor=caller, contract_id=contract_id)


@post("/orders", status_code=201, summary="Issue pickup orders (one or a batch)")
async def issue_orders(data: JSONBody[OrderIssue], caller: MachineActor, db: Db, ctx: Ctx) -> list[OrderOut]:
    return await orders.issue_orders(db, ctx=ctx, actor=caller, data=data)


@get("/orders/{order_id:uuid}")
async def get_order(order_id: FromPath[uuid.UUID], caller: MachineActor, db: Db) -> OrderDetail:
    return await orders.get_order(db, actor=caller, order_id=order_id)


@post("/orders/{order_id:uuid}/cancel", status_code=200)
async def cancel_order(order_id: FromPath[uuid.UUID], data: JSONBody[OrderCancel], caller: MachineActor, db: Db,
                       ctx: Ctx) -> OrderOut:
    return await orders.cancel_order(db, ctx=ctx, actor=caller, order_id=order_id, data=data)


router = Router(
    path="/open/v1",
    route_handlers=[create_contract, get_contract, upload_pdf, file_contract, issue_orders, get_order, cancel_order],
    tags=["open"], guards=[signed_machine],
    dependencies={"machine": Provide(provide_machine), "caller": Provide(provide_machine_actor)},
)
