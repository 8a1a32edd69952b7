"""JSON API of the driver app: self-registration, my record, my vehicles."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, Router, get, patch, post
from litestar.params import FromPath, JSONBody

from backend.domain.drivers import service as drivers
from backend.domain.drivers.schemas import DriverOut, DriverRegister, DriverUpdate, Registration
from backend.domain.vehicles import service as vehicles
from backend.domain.vehicles.schemas import VehicleCreate, VehicleOut
from backend.http.auth import client_label, signed_in, with_session_cookies
from backend.http.deps import Ctx, Db, Me


@post("/register", status_code=201, summary="Driver self-registration (real name), logs the driver in")
async def register(request: Request[Any, Any, Any], data: JSONBody[DriverRegister], db: Db, ctx: Ctx) -> Response[Registration]:
    result = await drivers.register(db, ctx=ctx, data=data, client=client_label(request.scope))
    return with_session_cookies(ctx, result, result.tokens, status_code=201)


@get("/me", guards=[signed_in])
async def get_me(me: Me, db: Db, ctx: Ctx) -> DriverOut:
    return await drivers.get_me(db, ctx=ctx, actor=me)


@patch("/me", guards=[signed_in])
async def update_me(me: Me, data: JSONBody[DriverUpdate], db: Db, ctx: Ctx) -> DriverOut:
    return await drivers.update_me(db, ctx=ctx, actor=me, data=data)


@get("/vehicles", guards=[signed_in])
async def my_vehicles(me: Me, db: Db) -> list[VehicleOut]:
    return await drivers.own_vehicles(db, actor=me)


@post("/vehicles", status_code=201, guards=[signed_in])
async def add_vehicle(me: Me, data: JSONBody[VehicleCreate], db: Db) -> VehicleOut:
    return await drivers.add_own_vehicle(db, actor=me, data=data)


@post("/vehicles/{vehicle_id:uuid}/retire", status_code=200, guards=[signed_in])
async def retire_vehicle(me: Me, vehicle_id: FromPath[uuid.UUID], db: Db) -> VehicleOut:
    return await vehicles.retire_for_driver(db, actor=me, vehicle_id=vehicle_id)


router = Router(
    path="/api/driver",
    route_handlers=[register, get_me, update_me, my_vehicles, add_vehicle, retire_vehicle],
    tags=["driver"],
)
