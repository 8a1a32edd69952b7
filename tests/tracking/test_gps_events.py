"""Stored GPS events: an event's id comes from its content, so the same event stored twice (in one
batch, or a batch replayed after a crash) is one row; new events take the vehicle's open waybill;
gaps are withdrawn once; a waybill opened late collects the events since its departure; events of
one fix are listed in the order the pipeline raised them."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from backend.context import Context
from backend.domain.tracking import gps_events
from backend.domain.tracking.models import GpsEvent
from backend.domain.tracking.positions import at
from backend.domain.tracking.schemas import StoredEvent
from geo.pipeline import model as m

T0 = 1_790_000_000.0


def _event(vehicle: str, kind: str, t: float, *, site: str | None = None, waybill: str | None = None) -> m.Event:
    return m.Event(kind=kind, vehicle_id=vehicle, at_s=t, lon=107.5, lat=38.2, site_id=site, waybill_id=waybill,
                   details={"speed_kmh": 92.0} if kind == m.OVERSPEED else {})


async def _store(ctx: Context, events: list[m.Event], *, waybill_of: dict[str, uuid.UUID] | None = None,
                 plates: dict[str, str] | None = None) -> list[StoredEvent]:
    async with ctx.sessions() as session:
        stored = await gps_events.store(session, events=events, plates=plates or {}, waybill_of=waybill_of or {})
        await session.commit()
    return stored


async def _rows(ctx: Context) -> int:
    async with ctx.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(GpsEvent))).scalar_one())


async def test_the_same_event_twice_is_one_row(ctx: Context) -> None:
    v, site = str(uuid.uuid4()), str(uuid.uuid4())
    batch = [_event(v, m.SITE_EXIT, T0, site=site), _event(v, m.OVERSPEED, T0 + 60),
             _event(v, m.SITE_EXIT, T0, site=site)]  # repeated inside the batch
    first = await _store(ctx, batch, plates={v: "蒙K20001"})
    assert [(e.kind, e.plate, e.status) for e in first] == [("site_exit", "蒙K20001", "open"),
                                                            ("overspeed", "蒙K20001", "open")]
    assert first[1].details == {"speed_kmh": 92.0} and first[0].site_id == uuid.UUID(site)
    assert await _store(ctx, batch) == []  # the batch replayed: nothing new, nothing to alert
    assert await _rows(ctx) == 2
    # The id is the content: the same kind at another time, site or vehicle is another event.
    ids = {gps_events.event_id(e) for e in (batch[0], _event(v, m.SITE_EXIT, T0 + 1, site=site),
                                            _event(v, m.SITE_EXIT, T0, site=str(uuid.uuid4())),
                                            _event(str(uuid.uuid4()), m.SITE_EXIT, T0, site=site))}
    assert len(ids) == 4 and gps_events.event_id(batch[0]) == first[0].id


async def test_new_events_take_the_open_waybill_unless_the_pipeline_named_one(ctx: Context) -> None:
    v = str(uuid.uuid4())
    open_waybill, named = uuid.uuid4(), uuid.uuid4()
    stored = await _store(ctx, [_event(v, m.LONG_STOP, T0), _event(v, m.CORRIDOR_LEAVE, T0 + 5, waybill=str(named))],
                          waybill_of={v: open_waybill})
    assert [e.waybill_id for e in stored] == [open_waybill, named]


async def test_gaps_are_withdrawn_once_and_only_up_to_the_refill(ctx: Context) -> None:
    v = str(uuid.uuid4())
    await _store(ctx, [_event(v, m.SIGNAL_GAP, T0), _event(v, m.SIGNAL_GAP, T0 + 3_600), _event(v, m.OVERSPEED, T0)])
    async with ctx.sessions() as session:
        withdrawn = await gps_events.withdraw_gap(session, vehicle_id=uuid.UUID(v), before=at(T0 + 600))
        await session.commit()
    assert [(e.kind, e.at, e.status) for e in withdrawn] == [("signal_gap", at(T0), "withdrawn")]
    async with ctx.sessions() as session:
        assert await gps_events.withdraw_gap(session, vehicle_id=uuid.UUID(v), before=at(T0 + 600)) == []
        stored = await gps_events.of_vehicle(session, vehicle_id=uuid.UUID(v), kind=m.SIGNAL_GAP)
    assert [e.status for e in stored] == ["withdrawn", "open"]


async def test_a_late_waybill_collects_the_unattached_events_since_its_departure(ctx: Context) -> None:
    v, other = str(uuid.uuid4()), str(uuid.uuid4())
    earlier, waybill = uuid.uuid4(), uuid.uuid4()
    await _store(ctx, [_event(v, m.SITE_EXIT, T0 - 7_200)])  # yesterday's trip, never on a waybill
    await _store(ctx, [_event(v, m.CORRIDOR_LEAVE, T0 + 10)], waybill_of={v: earlier})
    await _store(ctx, [_event(v, m.SITE_EXIT, T0), _event(v, m.OVERSPEED, T0 + 20), _event(other, m.OVERSPEED, T0)])
    async with ctx.sessions() as session:
        await gps_events.attach(session, vehicle_id=uuid.UUID(v), waybill_id=waybill, since=at(T0 - 300))
        await session.commit()
    async with ctx.sessions() as session:
        mine = [(e.kind, e.at) for e in await gps_events.of_waybill(session, waybill_id=waybill)]
        kept = [e.kind for e in await gps_events.of_waybill(session, waybill_id=earlier)]
    assert mine == [("site_exit", at(T0)), ("overspeed", at(T0 + 20))] and kept == ["corridor_leave"]


async def test_events_of_one_fix_are_listed_in_the_order_they_were_raised(ctx: Context) -> None:
    v, a, b = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    # Stored in the reverse order: entering b, leaving a by no exit, leaving a, the gap before them ending.
    await _store(ctx, [_event(v, m.SITE_ENTER, T0, site=b), _event(v, m.EXIT_NOT_DESIGNATED, T0, site=a),
                       _event(v, m.SITE_EXIT, T0, site=a), _event(v, m.SIGNAL_GAP_WITHDRAWN, T0),
                       _event(v, m.OVERSPEED, T0 - 1)])
    async with ctx.sessions() as session:
        kinds = [e.kind for e in await gps_events.of_vehicle(session, vehicle_id=uuid.UUID(v))]
    assert kinds == ["overspeed", "signal_gap_withdrawn", "site_exit", "exit_not_designated", "site_enter"]
