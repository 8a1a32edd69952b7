"""Writing and reading stored positions.

Batches are inserted with the dialect's INSERT … ON CONFLICT DO NOTHING: a fix already stored
(same vehicle, same fix time) is ignored, so replaying a stream entry is harmless. On PostgreSQL
each month gets its own partition, made the first time a batch reaches into it; a DEFAULT
partition takes whatever a partition could not be made for (and is there before the first month).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.unit import after_commit, savepoint
from backend.domain.tracking.models import GpsPosition
from geo.position import Position

# Months (year, month) whose partition this process has made or seen: DDL once per month.
_PARTITIONS_MADE: set[tuple[str, int, int]] = set()
_DEFAULT_MADE: set[str] = set()
# SQLite caps bound parameters per statement (32,766 on modern builds); 14 columns a row.
_ROWS_PER_INSERT = 1_000


def at(epoch_s: float) -> datetime:
    return datetime.fromtimestamp(epoch_s, UTC)


def epoch_s(value: datetime) -> float:
    return value.timestamp()


def _row(p: Position, now_s: float) -> dict[str, Any]:
    return {
        "vehicle_id": uuid.UUID(p.vehicle_id), "fix_at": at(p.fix_at_s), "lon": p.lon, "lat": p.lat,
        "speed_kmh": float(p.speed_kmh), "course_deg": int(p.course_deg) % 360, "altitude_m": int(p.altitude_m),
        "valid": bool(p.valid), "source": p.source[:8], "archive": bool(p.archive),
        "received_at": at(p.received_at_s or now_s), "alarm": int(p.alarm), "status": int(p.status),
        "mileage_m": p.mileage_m,
    }


def _month_bounds(year: int, month: int) -> tuple[str, str]:
    nxt = (year + 1, 1) if month == 12 else (year, month + 1)
    return f"{year:04d}-{month:02d}-01 00:00:00+00", f"{nxt[0]:04d}-{nxt[1]:02d}-01 00:00:00+00"


async def ensure_partitions(session: AsyncSession, *, fix_times: list[datetime]) -> None:
    """PostgreSQL only: the DEFAULT partition and one partition per month the batch touches.

    A month whose rows already sit in DEFAULT (written before its partition existed) cannot get a
    partition without moving them; that case stays in DEFAULT (a savepoint keeps the batch alive).
    """
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return
    db = str(bind.engine.url)
    if db not in _DEFAULT_MADE:
        await session.execute(text("CREATE TABLE IF NOT EXISTS gps_positions_default PARTITION OF gps_positions DEFAULT"))
        _remember(session, _DEFAULT_MADE, db)
    for year, month in sorted({(t.astimezone(UTC).year, t.astimezone(UTC).month) for t in fix_times}):
        if (db, year, month) in _PARTITIONS_MADE:
            continue
        lo, hi = _month_bounds(year, month)
        name = f"gps_positions_y{year:04d}m{month:02d}"
        exists = (await session.execute(text("SELECT to_regclass(:n) IS NOT NULL"), {"n": name})).scalar_one()
        if not exists:
            try:
                async with savepoint(session):
                    await session.execute(text(
                        f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF gps_positions "
                        f"FOR VALUES FROM ('{lo}') TO ('{hi}')"))
            except Exception:  # rows of that month already in DEFAULT, or a concurrent creator: fine
                pass
        _remember(session, _PARTITIONS_MADE, (db, year, month))


def _remember(session: AsyncSession, made: set[Any], key: Any) -> None:
    """Cache a partition as made only once its CREATE TABLE is committed: a batch that rolls back
    (one bad position) takes its DDL with it, and the batches after it must make the table again."""

    async def remember() -> None:
        made.add(key)

    after_commit(session, remember, key=("gps_partition", key))


async def insert_positions(session: AsyncSession, *, positions: list[Position], now_s: float) -> None:
    """Store a batch; fixes already stored are ignored. Flushes, never commits."""
    if not positions:
        return
    rows = [_row(p, now_s) for p in positions]
    await ensure_partitions(session, fix_times=[r["fix_at"] for r in rows])
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    for start in range(0, len(rows), _ROWS_PER_INSERT):
        chunk = rows[start:start + _ROWS_PER_INSERT]
        await session.execute(insert(GpsPosition).values(chunk).on_conflict_do_nothing(
            index_elements=["vehicle_id", "fix_at"]))


def _position(row: GpsPosition) -> Position:
    return Position(
        vehicle_id=str(row.vehicle_id), fix_at_s=epoch_s(row.fix_at), lon=row.lon, lat=row.lat,
        speed_kmh=row.speed_kmh, course_deg=row.course_deg, altitude_m=row.altitude_m, valid=row.valid,
        source=row.source, archive=row.archive, received_at_s=epoch_s(row.received_at), alarm=row.alarm,
        status=row.status, mileage_m=row.mileage_m,
    )


async def track(session: AsyncSession, *, vehicle_id: uuid.UUID, start: datetime, end: datetime,
                valid_only: bool = True) -> list[Position]:
    """The stored fixes of one vehicle in [start, end], oldest first."""
    where = [GpsPosition.vehicle_id == vehicle_id, GpsPosition.fix_at >= start, GpsPosition.fix_at <= end]
    if valid_only:
        where.append(GpsPosition.valid.is_(True))
    rows = (await session.execute(select(GpsPosition).where(*where).order_by(GpsPosition.fix_at))).scalars()
    return [_position(r) for r in rows]


async def count(session: AsyncSession, *, vehicle_id: uuid.UUID | None = None) -> int:
    stmt = select(func.count()).select_from(GpsPosition)
    if vehicle_id is not None:
        stmt = stmt.where(GpsPosition.vehicle_id == vehicle_id)
    return int((await session.execute(stmt)).scalar_one())


async def newest_per_vehicle(session: AsyncSession, *, since: datetime | None = None) -> list[Position]:
    """The newest stored fix of every vehicle (of those with a fix at or after `since`): what the
    Redis `latest` hash is rebuilt from."""
    query = select(GpsPosition.vehicle_id, func.max(GpsPosition.fix_at).label("fix_at"))
    if since is not None:
        query = query.where(GpsPosition.fix_at >= since)
    newest = query.group_by(GpsPosition.vehicle_id).subquery()
    rows = (await session.execute(select(GpsPosition).join(
        newest, (GpsPosition.vehicle_id == newest.c.vehicle_id) & (GpsPosition.fix_at == newest.c.fix_at)))).scalars()
    return [_position(r) for r in rows]
