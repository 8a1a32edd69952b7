"""The pipeline's per-vehicle state, persisted with each batch (same transaction as its positions
and events), so that a restarted worker carries on exactly where the last commit left it."""

from __future__ import annotations

import uuid

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.tracking.models import VehicleTrackState
from geo.pipeline.model import VehicleState


async def load(session: AsyncSession, *, vehicle_ids: set[str]) -> dict[str, VehicleState]:
    """Stored states of these vehicles (a vehicle never seen has none: the pipeline starts it)."""
    if not vehicle_ids:
        return {}
    ids = [uuid.UUID(v) for v in vehicle_ids]
    rows = (await session.execute(select(VehicleTrackState).where(VehicleTrackState.vehicle_id.in_(ids)))).scalars()
    return {str(r.vehicle_id): msgspec.convert(r.state, VehicleState) for r in rows}


async def load_all(session: AsyncSession) -> dict[str, VehicleState]:
    rows = (await session.execute(select(VehicleTrackState))).scalars()
    return {str(r.vehicle_id): msgspec.convert(r.state, VehicleState) for r in rows}


async def save(session: AsyncSession, *, states: dict[str, VehicleState], vehicle_ids: set[str]) -> None:
    """Write the states of `vehicle_ids` (those the batch touched); flushes, never commits."""
    if not vehicle_ids:
        return
    ids = [uuid.UUID(v) for v in vehicle_ids if v in states]
    existing = {r.vehicle_id: r for r in (await session.execute(
        select(VehicleTrackState).where(VehicleTrackState.vehicle_id.in_(ids)))).scalars()}
    now = utcnow()
    for vid in ids:
        doc = msgspec.to_builtins(states[str(vid)])
        row = existing.get(vid)
        if row is None:
            session.add(VehicleTrackState(vehicle_id=vid, state=doc, updated_at=now))
        else:
            row.state = doc
            row.updated_at = now
    await session.flush()
