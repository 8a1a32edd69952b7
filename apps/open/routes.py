"""The signed machine interface (docs/machine-interface.md). Every route sits behind the signature
guard, which runs before any input is parsed: an unsigned call is a 401, whatever its body."""

from __future__ import annotations

from litestar import Router, get, post
from litestar.di import Provide
from litestar.params import JSONBody

from backend.domain.machines import service as machines
from backend.domain.machines.schemas import Heartbeat, HeartbeatOut, PingOut
from backend.http.deps import Db
from backend.http.signing import Machine, provide_machine, signed_machine


@get("/ping", summary="Check your signature and clock")
async def ping(machine: Machine, db: Db) -> PingOut:
    return await machines.ping(db, machine=machine)


@post("/devices/heartbeat", status_code=200, summary="Device heartbeat")
async def heartbeat(machine: Machine, data: JSONBody[Heartbeat], db: Db) -> HeartbeatOut:
    return await machines.heartbeat(db, machine=machine, data=data)


router = Router(
    path="/open/v1", route_handlers=[ping, heartbeat], tags=["open"], guards=[signed_machine],
    dependencies={"machine": Provide(provide_machine)},
)
