"""E-settlements through the signed machine interface (docs/machine-interface.md), with the
buyer's organisation key (the key acts as the buyer's sales desk).

    PUT /open/v1/settlements/{settlementNo}   the settlement, idempotent: the same body again answers
                                              the standing version (200, no new row); a changed body
                                              is a new version (201); a new number is issued (201)
    GET /open/v1/settlements/{settlementNo}   its standing version with the platform's recomputation
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Response, Router, get, put
from litestar.di import Provide
from litestar.params import FromPath, JSONBody, Parameter

from backend.domain.settlements import service as settlements
from backend.domain.settlements.schemas import SettlementIssue, SettlementOut
from backend.http.deps import Ctx, Db
from backend.http.signing import MachineActor, provide_machine, provide_machine_actor, signed_machine

SettlementNoPath = Annotated[
    str, Parameter(min_length=2, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
]


@put("/settlements/{settlement_no:str}", summary="Issue or correct a settlement by its number (idempotent)")
async def upsert(
    caller: MachineActor,
    settlement_no: FromPath[SettlementNoPath],
    data: JSONBody[SettlementIssue],
    db: Db,
    ctx: Ctx,
) -> Response[Any]:
    out, created = await settlements.upsert_by_machine(
        db, ctx=ctx, actor=caller, settlement_no=settlement_no, data=data
    )
    return Response(content=out, status_code=201 if created else 200)


@get("/settlements/{settlement_no:str}", summary="A settlement's standing version")
async def read(caller: MachineActor, settlement_no: FromPath[SettlementNoPath], db: Db) -> SettlementOut:
    return await settlements.get_by_no(db, actor=caller, settlement_no=settlement_no)


router = Router(
    path="/open/v1",
    route_handlers=[upsert, read],
    tags=["open", "settlements"],
    guards=[signed_machine],
    dependencies={"machine": Provide(provide_machine), "caller": Provide(provide_machine_actor)},
)
