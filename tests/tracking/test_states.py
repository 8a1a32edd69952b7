"""The pipeline's per-vehicle states in SQL: saved with their batch, read back whole, updated in place,
and only for the vehicles a batch touched."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from backend.context import Context
from backend.domain.tracking import states
from backend.domain.tracking.models import VehicleTrackState
from geo.pipeline.model import Gap, VehicleState

T0 = 1_790_000_000.0


async def _save(ctx: Context, saved: dict[str, VehicleState], touched: set[str]) -> None:
    async with ctx.sessions() as session:
        await states.save(session, states=saved, vehicle_ids=touched)
        await session.commit()


async def test_a_state_comes_back_exactly_as_saved(ctx: Context) -> None:
    v = str(uuid.uuid4())
    state = VehicleState(vehicle_id=v, last_fix_at_s=T0, last_lon=107.5, last_lat=38.2, sites=[str(uuid.uuid4())],
                         in_corridor=False, stop_since_s=T0 - 60, overspeed_since_s=None, waybill_id=str(uuid.uuid4()),
                         gaps=[Gap(from_s=T0 - 900, lon=107.4, lat=38.1, to_s=None, waybill_id=None)],
                         fills_s=[T0 - 800.5, T0 - 700.0], jumps_in_row=2, jump_at_s=T0 - 5)
    await _save(ctx, {v: state}, {v})
    async with ctx.sessions() as session:
        assert await states.load(session, vehicle_ids={v}) == {v: state}
        assert await states.load(session, vehicle_ids={str(uuid.uuid4())}) == {}
        assert await states.load(session, vehicle_ids=set()) == {}


async def test_only_touched_vehicles_are_written_and_rows_are_updated_in_place(ctx: Context) -> None:
    v, w = str(uuid.uuid4()), str(uuid.uuid4())
    await _save(ctx, {v: VehicleState(vehicle_id=v, last_fix_at_s=T0)}, {v})
    moved = {v: VehicleState(vehicle_id=v, last_fix_at_s=T0 + 30), w: VehicleState(vehicle_id=w, last_fix_at_s=T0)}
    await _save(ctx, moved, {v})  # w is in memory but the batch did not touch it
    await _save(ctx, moved, set())
    async with ctx.sessions() as session:
        loaded = await states.load_all(session)
        rows = (await session.execute(select(func.count()).select_from(VehicleTrackState))).scalar_one()
    assert rows == 1 and {k: s.last_fix_at_s for k, s in loaded.items()} == {v: T0 + 30}
    await _save(ctx, moved, {v, w})
    async with ctx.sessions() as session:
        assert {k: s.last_fix_at_s for k, s in (await states.load_all(session)).items()} == {v: T0 + 30, w: T0}
