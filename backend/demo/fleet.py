"""`make run`'s demo trucks on the road: JT/T 808 terminals over real TCP, driving loads from the
demo mine to the power plant and back.

Each demo truck (backend/demo/seed.py DEMO_FLEET) has a simulated terminal that connects to the in-app
gateway at 127.0.0.1:settings.jt808_port, registers once (auth code kept in var/demo-fleet.json, a
demo secret), authenticates on every connection and sends heartbeats; parked, it reports now and
then. The demo lane weighs a free truck before 王师傅's and calls `depart` after the ticket; the
truck then follows one round trip (backend/demo/road.py): out through 北门, along the waybill's
corridor to the plant, and back. The waybill opens and closes through the real chain (the GPS
worker sees the ticketed truck leave the mine and enter the plant). In the coverage hole the
terminal has no network: silent, it uploads its buffered fixes as 0x0704 blind-area batches after.

The trip's fixes are a function of its start time, so after a restart a truck resumes where the
clock puts it: the fixes since its newest stored position go up as a blind-area batch, then live.
Errors are logged and retried, like the demo lane. Tune with MEITONG_DEMO_YARD_KMH (15),
MEITONG_DEMO_ROAD_KMH (65) and MEITONG_DEMO_FIX_PERIOD_S (10).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import shapely
from shapely.geometry import shape

from backend.context import Context
from backend.db.base import utcnow
from backend.db.unit import unit_of_work
from backend.demo.lane import LaneTruck
from backend.demo.road import (
    PLANT,
    YARD,
    Line,
    Pace,
    crossings,
    first_at_or_after,
    origin_of,
    round_trip,
    terminal_fix,
    yard_duration_s,
    zones,
)
from backend.demo.seed import DEMO_FLEET, MINE_SITE, OTHER_SITES
from backend.domain.orders import service as orders
from backend.domain.orders.schemas import OrderStatus
from backend.domain.tracking import service as tracking
from backend.domain.vehicles import service as vehicles
from backend.domain.waybills import service as waybills
from devices.sim.jt808_terminal import Fix, SimTerminal
from devices.sim.route import RouteFix

log = logging.getLogger("meitong.demo_fleet")
STATE_FILE = "demo-fleet.json"
BATCH_FIXES = 25  # a 0x0704 of 25 fixes stays well inside one frame's 1,023-byte body
HEARTBEAT_S = 60.0
RETRY_S = 5.0
TICKET_WAIT_S = 120.0  # the lane's controller uploads the gross; the ticket follows within seconds


@dataclass
class Truck:
    plate: str
    driver_phone: str
    terminal_phone: str
    vehicle_id: uuid.UUID
    parked: tuple[float, float]
    auth_code: str | None = None
    trip_start: datetime | None = None
    fixes: list[RouteFix] = field(default_factory=list)
    sent_until: datetime | None = None  # the newest fix of the trip sent (or handed over as a batch)
    crossings: set[datetime] = field(default_factory=set)  # fixes of the trip that enter or leave a site
    departing: uuid.UUID | None = None  # the ticketed order it is about to carry


class DemoFleet:
    def __init__(self, ctx: Context, trucks: list[Truck], *, pace: Pace) -> None:
        self.ctx, self.trucks, self.pace = ctx, trucks, pace
        self.line = Line(origin_of(MINE_SITE["fence"]), PLANT)
        self.hole = next(shape(g) for kind, _, g in zones(self.line) if kind == "coverage_hole")
        self.fences = [shape(MINE_SITE["fence"]), shape(OTHER_SITES["plant"]["fence"])]
        for geometry in (self.hole, *self.fences):
            shapely.prepare(geometry)
        self.path = Path(ctx.settings.var_dir) / STATE_FILE
        self._tasks: list[asyncio.Task[None]] = []

    # --- what the demo lane asks -------------------------------------------------------------
    @property
    def lane_trucks(self) -> list[LaneTruck]:
        return [LaneTruck(t.plate, t.driver_phone) for t in self.trucks]

    async def free_trucks(self) -> list[LaneTruck]:
        """Trucks parked at the mine: no trip under way and no open waybill."""
        idle = [t for t in self.trucks if t.trip_start is None and t.departing is None]
        if not idle:
            return []
        async with unit_of_work(self.ctx) as session:
            busy = await waybills.open_waybills(session, vehicle_ids={t.vehicle_id for t in idle})
        return [LaneTruck(t.plate, t.driver_phone) for t in idle if t.vehicle_id not in busy]

    def depart(self, plate: str, order_id: uuid.UUID) -> None:
        """The lane weighed `plate` loaded: it drives off once the order's ticket is there."""
        for truck in self.trucks:
            if truck.plate == plate and truck.trip_start is None:
                truck.departing = order_id

    # --- state kept in var/ ------------------------------------------------------------------
    def _load(self) -> dict[str, dict[str, str | None]]:
        try:
            return dict(json.loads(self.path.read_text()))
        except (OSError, ValueError):
            return {}

    def _save(self) -> None:
        state = {t.plate: {"authCode": t.auth_code, "tripStart": t.trip_start.isoformat() if t.trip_start else None}
                 for t in self.trucks}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, ensure_ascii=False))
        tmp.chmod(0o600)
        tmp.replace(self.path)

    def _plan(self, truck: Truck, start: datetime, *, sent_until: datetime | None = None) -> None:
        truck.trip_start = start
        truck.fixes = round_trip(self.line, start=start, yard_kmh=self.pace.yard_kmh, road_kmh=self.pace.road_kmh,
                                 period_s=self.pace.period_s)
        truck.sent_until = sent_until if sent_until is not None else start - timedelta(seconds=1)
        truck.crossings = crossings(truck.fixes, self.fences)

    async def restore(self) -> None:
        """Auth codes and trips from var/; a trip resumes after the truck's newest stored fix."""
        saved = self._load()
        async with unit_of_work(self.ctx) as session:
            newest = {p.vehicle_id: p.fix_at_s for p in await tracking.newest_per_vehicle(session)}
            open_now = await waybills.open_waybills(session, vehicle_ids={t.vehicle_id for t in self.trucks})
        for truck in self.trucks:
            entry = saved.get(truck.plate) or {}
            truck.auth_code = entry.get("authCode")
            trip_start = entry.get("tripStart")
            start = datetime.fromisoformat(trip_start) if trip_start else None
            if start is None and truck.vehicle_id in open_now:  # var/ lost its trip: the waybill knows when it left
                waybill = open_now[truck.vehicle_id]
                start = waybill.departed_at - timedelta(seconds=yard_duration_s(yard_kmh=self.pace.yard_kmh))
            if start is not None:
                last_s = newest.get(str(truck.vehicle_id))
                last = datetime.fromtimestamp(last_s, start.tzinfo) if last_s is not None else None
                self._plan(truck, start, sent_until=last if last is not None and last >= start else None)

    # --- driving -----------------------------------------------------------------------------
    async def _online(self, truck: Truck, term: SimTerminal | None) -> SimTerminal:
        if term is not None and not term.closed.is_set():
            return term
        if term is not None:
            await term.close()
        term = SimTerminal("127.0.0.1", self.ctx.settings.jt808_port, phone=truck.terminal_phone, plate=truck.plate,
                           imei=f"86{truck.terminal_phone[-13:]:0>13}", terminal_hw_id=f"DEMO{truck.terminal_phone[-3:]}")
        try:
            await self._login(truck, term)
        except BaseException:
            await term.close()
            raise
        return term

    async def _login(self, truck: Truck, term: SimTerminal) -> None:
        await term.connect()
        if truck.auth_code and await term.authenticate(truck.auth_code) == 0:
            return
        truck.auth_code = None  # lost or rotated: register again (the gateway gives a new code)
        self._save()
        result, code = await term.register()
        if result != 0 or not code:
            raise RuntimeError(f"{truck.plate}: registration refused ({result})")
        truck.auth_code = code
        self._save()
        if await term.authenticate(code) != 0:
            raise RuntimeError(f"{truck.plate}: authentication refused")

    async def _ticketed(self, order_id: uuid.UUID) -> bool:
        deadline = asyncio.get_running_loop().time() + TICKET_WAIT_S
        while asyncio.get_running_loop().time() < deadline:
            async with unit_of_work(self.ctx) as session:
                order = await orders.order_brief(session, order_id=order_id)
            if order is not None and order.status == OrderStatus.COMPLETED:
                return True
            await asyncio.sleep(1.0)
        return False

    async def _send(self, term: SimTerminal, truck: Truck, fixes: list[RouteFix], *, live: RouteFix) -> None:
        if len(fixes) <= 1:
            fixes = [*fixes, live]
        else:  # silent a while (coverage hole, restart): the blind-area re-upload. The pipeline
            # raises no event from re-uploaded fixes, so a fix that left the mine or reached the plant
            # meanwhile goes live between the batches: the waybill opens or closes as it would have.
            batch: list[RouteFix] = []
            for f in fixes:
                if f.at in truck.crossings:
                    await self._upload(term, batch)
                    batch = []
                    _check(await term.send_location(terminal_fix(f)), "0x0200")
                else:
                    batch.append(f)
            await self._upload(term, batch)
            fixes = [live]
        for f in fixes:
            _check(await term.send_location(terminal_fix(f)), "0x0200")

    async def _upload(self, term: SimTerminal, fixes: list[RouteFix]) -> None:
        for i in range(0, len(fixes), BATCH_FIXES):
            _check(await term.send_batch([terminal_fix(f) for f in fixes[i:i + BATCH_FIXES]]), "0x0704")

    async def _tick(self, truck: Truck, term: SimTerminal | None, now: datetime) -> SimTerminal | None:
        """Send what the trip's clock says is due; returns the connection (None: no network here)."""
        assert truck.sent_until is not None
        due = truck.fixes[first_at_or_after(truck.fixes, truck.sent_until + timedelta(microseconds=1)):
                          first_at_or_after(truck.fixes, now + timedelta(microseconds=1))]
        if due and self.hole.contains(shapely.Point(due[-1].lon, due[-1].lat)):
            if term is not None:
                await term.close()  # no coverage: the connection drops, the terminal buffers its fixes
            return None
        if due:
            term = await self._online(truck, term)
            await self._send(term, truck, due[:-1], live=due[-1])
            truck.sent_until = due[-1].at
        if truck.sent_until >= truck.fixes[-1].at:  # back at the mine: free for the next load
            truck.trip_start, truck.fixes, truck.sent_until = None, [], None
            self._save()
        return term

    async def _session(self, truck: Truck) -> None:
        term: SimTerminal | None = None
        loop = asyncio.get_running_loop()
        last_report = last_heartbeat = float("-inf")
        try:
            while True:
                now = utcnow()
                if truck.departing is not None and truck.trip_start is None:
                    order_id, truck.departing = truck.departing, None
                    if await self._ticketed(order_id):
                        self._plan(truck, now.replace(microsecond=0))
                        self._save()
                    else:
                        log.warning("demo truck's order has no ticket; it stays at the mine",
                                    extra={"plate": truck.plate, "order_id": str(order_id)})
                if truck.trip_start is not None:
                    term = await self._tick(truck, term, now)
                elif loop.time() - last_report >= self.pace.idle_report_s:
                    term = await self._online(truck, term)
                    lon, lat = truck.parked
                    _check(await term.send_location(Fix(lon, lat, now.replace(microsecond=0))), "0x0200")
                    last_report = loop.time()
                if term is not None and loop.time() - last_heartbeat >= HEARTBEAT_S:
                    _check(await term.heartbeat(), "0x0002")
                    last_heartbeat = loop.time()
                await asyncio.sleep(min(1.0, self.pace.period_s / 2))
        finally:
            if term is not None:
                await term.close()

    async def _drive(self, truck: Truck) -> None:
        while True:
            try:
                await self._session(truck)
            except asyncio.CancelledError:
                raise
            except Exception:  # the demo must keep going: log, reconnect, resume from the clock
                log.exception("demo truck failed; retrying", extra={"plate": truck.plate})
            await asyncio.sleep(RETRY_S)

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._drive(t), name=f"demo truck {t.plate}") for t in self.trucks]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        raise RuntimeError(f"the gateway answered {what} with result {result}")


async def load_trucks(ctx: Context, *, count: int) -> list[Truck]:
    trucks: list[Truck] = []
    async with unit_of_work(ctx) as session:
        for i, spec in enumerate(DEMO_FLEET[:count]):
            brief = await vehicles.brief_by_plate(session, plate=spec["plate"])
            if brief is None:
                log.warning("demo truck not seeded; run `meitong seed`", extra={"plate": spec["plate"]})
                continue
            # Parked in a row beside the weighbridge, ~25 m apart.
            parked = (YARD[0][0] - 0.0003 * (i + 1), YARD[0][1] - 0.0002)
            trucks.append(Truck(spec["plate"], spec["phone"], spec["terminal"], brief.id, parked))
    return trucks


@contextlib.asynccontextmanager
async def demo_fleet(ctx: Context) -> AsyncIterator[DemoFleet]:
    """Drive settings.demo_trucks demo trucks for the life of the web process (in-app gateway)."""
    fleet = DemoFleet(ctx, await load_trucks(ctx, count=ctx.settings.demo_trucks), pace=Pace.from_env())
    await fleet.restore()
    fleet.start()
    try:
        yield fleet
    finally:
        await fleet.stop()
