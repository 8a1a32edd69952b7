"""A carrier's fleet (承运企业车队): bound drivers and carrier-owned vehicles."""

from __future__ import annotations

import uuid

from litestar import Router, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from backend.domain.drivers import service as drivers
from backend.domain.drivers.schemas import DriverPage
from backend.domain.invitations import service as invitations
from backend.domain.invitations.schemas import FleetInvite, InvitationOut
from backend.domain.vehicles import service as vehicles
from backend.domain.vehicles.schemas import VehicleCreate, VehicleOut, VehiclePage
from backend.http.auth import signed_in
from backend.http.deps import Ctx, Db, Limit, Me, Offset


@get("/drivers")
async def list_drivers(org_id: FromPath[uuid.UUID], me: Me, db: Db, ctx: Ctx, offset: FromQuery[Offset] = 0,
                       limit: FromQuery[Limit] = 50) -> DriverPage:
    return await drivers.list_fleet_drivers(db, ctx=ctx, actor=me, org_id=org_id, offset=offset, limit=limit)


@post("/drivers", status_code=201,
      summary="Invite a driver (by phone) into this fleet: bound only once he accepts; the answer names no one")
async def bind_driver(org_id: FromPath[uuid.UUID], data: JSONBody[FleetInvite], me: Me, db: Db, ctx: Ctx) -> InvitationOut:
    return await invitations.invite_driver(db, ctx=ctx, actor=me, org_id=org_id, data=data)


@get("/invitations", summary="The fleet invitations this carrier sent, with their state")
async def fleet_invitations(org_id: FromPath[uuid.UUID], me: Me, db: Db) -> list[InvitationOut]:
    return await invitations.list_sent(db, actor=me, org_id=org_id, kind="fleet")


@delete("/drivers/{driver_id:uuid}", status_code=204)
async def unbind_driver(org_id: FromPath[uuid.UUID], driver_id: FromPath[uuid.UUID], me: Me, db: Db) -> None:
    await drivers.unbind_from_fleet(db, actor=me, org_id=org_id, driver_id=driver_id)


@get("/vehicles")
async def list_vehicles(org_id: FromPath[uuid.UUID], me: Me, db: Db, status: FromQuery[str | None] = None,
                        offset: FromQuery[Offset] = 0, limit: FromQuery[Limit] = 50) -> VehiclePage:
    return await vehicles.list_fleet(db, actor=me, org_id=org_id, status=status, offset=offset, limit=limit)


@post("/vehicles", status_code=201)
async def add_vehicle(org_id: FromPath[uuid.UUID], data: JSONBody[VehicleCreate], me: Me, db: Db) -> VehicleOut:
    return await vehicles.create_for_carrier(db, actor=me, org_id=org_id, data=data)


@post("/vehicles/{vehicle_id:uuid}/retire", status_code=200)
async def retire_vehicle(org_id: FromPath[uuid.UUID], vehicle_id: FromPath[uuid.UUID], me: Me, db: Db) -> VehicleOut:
    return await vehicles.retire_for_carrier(db, actor=me, org_id=org_id, vehicle_id=vehicle_id)


router = Router(
    path="/api/enterprise/orgs/{org_id:uuid}/fleet",
    route_handlers=[list_drivers, bind_driver, fleet_invitations, unbind_driver, list_vehicles, add_vehicle, retire_vehicle],
    guards=[signed_in], tags=["enterprise", "fleet"],
)
