"""The demo's simulated weighbridge lane (`make run`): a newcomer watches trucks weighed and tickets
issued at the demo mine without any hardware.

The web process of `meitong run` (settings.demo_lane_url set) runs, beside the platform:
- devices.sim.lane.SimulatedLane: a pymodbus weighbridge, a Modbus I/O module (barriers, gratings)
  and a camera pushing ISAPI events, with the real lane controller driving them over the real
  adapters and calling the platform at demo_lane_url with its own device key, like a real lane;
- the traffic: 王师傅's truck (蒙K55177) gets a pickup order on the demo contract, checks in and is
  called like any truck, drives onto the scale empty (tare), loads for a while, drives on again
  loaded (gross → ticket) and leaves; then the next load.
- with `make run`'s demo trucks (backend/demo/fleet.py), a free fleet truck takes the next load
  before 王师傅's, the same way with its own driver; after its ticket the fleet drives it away.
The lane's key is issued once and kept in var/demo-lane.json (a demo secret, never a real one).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import random
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.db.unit import unit_of_work
from backend.demo.chain import DEMO_CONTRACT_NO, SIM_NOTE, principal
from backend.demo.seed import SIM_DRIVER
from backend.domain.contracts import service as contracts
from backend.domain.identity.schemas import Principal
from backend.domain.machines import service as machines
from backend.domain.machines.schemas import KeyCreate
from backend.domain.orders import service as orders
from backend.domain.orders.schemas import CheckIn, OrderDispatch, OrderIssue, OrderStatus
from backend.domain.queue import service as queue
from backend.domain.queue.schemas import QueueCall
from backend.domain.sites import service as sites
from backend.domain.weighing import service as weighing
from backend.domain.weighing.service import SiteRules
from backend.errors import DomainError
from devices.sim.lane import SimulatedLane
from devices.sim.truck import SimTruck

log = logging.getLogger("meitong.demo_lane")
DEVICE_CODE = "DEMO-LANE-01"
KEY_FILE = "demo-lane.json"
TARE_KG = 15_200
# The demo's loader is quick; the site's minimum loading time is set 5 s below it.
LOADING_S = int(os.environ.get("MEITONG_DEMO_LOADING_S", "25"))
PAUSE_S = 15
# Inside the demo mine's check-in zone (backend/demo/seed.py MINE_SITE).
CHECKIN_POINT = (107.5060, 38.2000)


@dataclass(frozen=True)
class LaneTruck:
    plate: str
    driver_phone: str


class Fleet(Protocol):
    """The demo trucks on the road (backend/demo/fleet.py), as the lane sees them."""

    @property
    def lane_trucks(self) -> list[LaneTruck]: ...

    async def free_trucks(self) -> list[LaneTruck]: ...

    def depart(self, plate: str, order_id: uuid.UUID) -> None: ...


SIM_TRUCK = LaneTruck(SIM_DRIVER["plate"], SIM_DRIVER["phone"])


@dataclass(frozen=True)
class LaneSetup:
    key_id: str
    secret: str
    site_id: uuid.UUID
    lane_id: uuid.UUID


async def ensure_setup(ctx: Context) -> LaneSetup | None:
    """The demo lane's rules (plate alone identifies a truck there; 20 s minimum loading) and its
    controller's device key, issued once by the mine's admin and kept in var/.

    None when a user has since taken the lane out of service: its controller retired (or never
    seeded), or its key revoked. Their decision stands: the platform starts without the demo lane
    rather than reviving the device or issuing a fresh key behind their back."""
    path = Path(ctx.settings.var_dir) / KEY_FILE
    async with unit_of_work(ctx) as session:
        device_id = await sites.device_id_by_code(session, code=DEVICE_CODE)
        lane = None if device_id is None else await sites.device_lane(session, device_id=device_id)
        if lane is None or lane.lane_id is None:
            log.warning("demo lane off: no active %s on a lane (retired, or run `meitong seed`)", DEVICE_CODE)
            return None
        await weighing.set_site_rules(session, site_id=lane.site_id,
                                   rules=SiteRules(plate_only=True, min_loading_s=LOADING_S - 5))
        await session.commit()
        saved = json.loads(path.read_text()) if path.exists() else {}
        if saved and await machines.signing_key(session, ctx=ctx, key_id=saved["key_id"]) is not None:
            return LaneSetup(saved["key_id"], saved["secret"], lane.site_id, lane.lane_id)
        admin = await principal(session, ctx, "13800000001")
        try:
            if saved and any(k.key_id == saved["key_id"] and k.status == "revoked"
                             for k in await machines.list_keys(session, actor=admin, org_id=lane.org_id)):
                log.warning("demo lane off: its key %s was revoked", saved["key_id"])
                return None
            issued = await machines.issue_key(session, ctx=ctx, actor=admin, org_id=lane.org_id,
                                              data=KeyCreate(name="1号磅道控制器（模拟）", device_id=device_id))
        except DomainError as exc:  # the mine suspended, its admin removed: no key is issued
            log.warning("demo lane off: %s", exc.message_en)
            return None
    path.write_text(json.dumps({"key_id": issued.key.key_id, "secret": issued.secret}))
    path.chmod(0o600)
    return LaneSetup(issued.key.key_id, issued.secret, lane.site_id, lane.lane_id)


async def _called_order(ctx: Context, setup: LaneSetup, fleet: Fleet | None) -> tuple[LaneTruck, uuid.UUID, int] | None:
    """The next load's truck and its open order, called to the scale (issued, dispatched, checked in
    first if need be): a load under way first, else a free fleet truck's, else 王师傅's. Returns
    (truck, order id, planned kg), or None while another truck waits ahead of it."""
    async with unit_of_work(ctx) as session:
        sales = await principal(session, ctx, "13800000002")
        dispatcher = await principal(session, ctx, "13800000003")
        order = None
        for truck in [*(fleet.lane_trucks if fleet else []), SIM_TRUCK]:
            driver = await principal(session, ctx, truck.driver_phone)
            mine = await orders.list_orders(session, actor=driver, mine_only=True, open_only=True, limit=5)
            order = next((o for o in mine.items if o.plate == truck.plate), None)
            if order is not None:
                break
        if order is None:
            free = await fleet.free_trucks() if fleet else []
            truck = free[0] if free else SIM_TRUCK
            plate, phone = truck.plate, truck.driver_phone
            driver = await principal(session, ctx, phone)
            contract = await _demo_contract(session, sales)
            issued = await orders.issue_orders(session, ctx=ctx, actor=sales, data=OrderIssue(
                contract_id=contract, site_id=setup.site_id, planned_kg=30_000, note=SIM_NOTE))
            order = await orders.dispatch_order(session, ctx=ctx, actor=dispatcher, order_id=issued[0].id,
                                                  data=OrderDispatch(plate=plate, driver_phone=phone))
        if order.status == OrderStatus.DISPATCHED:
            lon, lat = CHECKIN_POINT
            card = await orders.check_in(session, ctx=ctx, actor=driver, order_id=order.id,
                                          data=CheckIn(lon=lon, lat=lat, accuracy_m=10))
            if card.state == "waiting" and card.position != 1:
                return None  # someone else's truck is first in line: the dispatcher calls it, not us
            if card.state == "waiting":
                await queue.call_next(session, ctx=ctx, actor=dispatcher, site_id=setup.site_id,
                                      data=QueueCall(line=order.product, count=1))
        return truck, order.id, order.planned_kg


async def _settle(ctx: Context) -> None:
    """Once three loads are ticketed, the demo's settlements are issued (backend/demo/settlements.py)."""
    from backend.demo.settlements import ensure_settlements

    async with unit_of_work(ctx) as session:
        await ensure_settlements(session, ctx=ctx, created=[])
        await session.commit()


async def _demo_contract(session: AsyncSession, sales: Principal) -> uuid.UUID:
    found = await contracts.list_contracts(session, actor=sales, role="seller", q=DEMO_CONTRACT_NO, limit=1)
    return found.items[0].id


async def _traffic(ctx: Context, setup: LaneSetup, lane: SimulatedLane, fleet: Fleet | None) -> None:
    while True:
        try:
            called = await _called_order(ctx, setup, fleet)
            assert lane.physical is not None
            if called is not None:
                who, order_id, planned_kg = called
                truck = SimTruck(who.plate)
                if await truck.drive_through(lane.physical, kg=TARE_KG + random.randint(-60, 60)):
                    await asyncio.sleep(LOADING_S)
                    net_kg = planned_kg - random.randint(0, 40) * 20
                    if await truck.drive_through(lane.physical, kg=TARE_KG + net_kg) and fleet and who != SIM_TRUCK:
                        fleet.depart(who.plate, order_id)  # the fleet waits for the ticket, then drives off
                    await _settle(ctx)
        except Exception:  # the demo must keep going: log and try the next load
            log.exception("demo lane traffic failed; retrying")
        await asyncio.sleep(PAUSE_S)


@contextlib.asynccontextmanager
async def demo_lane(ctx: Context, *, fleet: Fleet | None = None) -> AsyncIterator[None]:
    """Run the simulated lane and its traffic for the life of the web process (loads for `fleet` first)."""
    setup = await ensure_setup(ctx)
    if setup is None:  # taken out of service by a user: the platform runs without it
        yield
        return
    lane = SimulatedLane(platform_url=ctx.settings.demo_lane_url, key_id=setup.key_id, secret=setup.secret,
                         device_code=DEVICE_CODE, site_id=setup.site_id, lane_id=str(setup.lane_id),
                         outbox_path=Path(ctx.settings.var_dir) / "demo-lane-outbox.sqlite", plate_only=True,
                         hold_s=2.0)
    await lane.start()
    traffic = asyncio.create_task(_traffic(ctx, setup, lane, fleet), name="demo lane traffic")
    try:
        yield
    finally:
        traffic.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await traffic
        await lane.stop()
