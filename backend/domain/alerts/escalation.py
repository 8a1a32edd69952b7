"""Escalation (issue 13, point 4): an alert not acknowledged, or not closed, by its deadline goes one
level up (the district, then the city) and is notified there, exactly once.

Exactly once, with any number of sweepers and across restarts: the step is one conditional UPDATE
keyed on what the sweeper read (the escalation count, the state and a passed deadline). On PostgreSQL
a second sweeper's UPDATE waits for the first's row lock, re-reads the row and matches nothing; on
SQLite the UPDATE is the transaction's first write (its reads ran outside it), so it waits for the
database's write lock (busy_timeout) until the other sweeper's COMMIT, then reads afresh and matches
nothing (tests/alerts/test_escalation.py runs two processes on one file). Only the winner writes the timeline step and the
notices, in the same transaction, so a crash before COMMIT leaves nothing to undo and the next sweep
tries again. Deadlines come from the region's routing at the moment of each step.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import Select, case, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.alerts import notify, routing
from backend.domain.alerts.models import Alert
from backend.domain.alerts.schemas import AlertStatus, Grade, Level, StepAction
from backend.domain.alerts.workflow import add_step

MAX_ESCALATION = 2  # the district, then the city
SWEEP_BATCH = 500


def next_level(region_code: str, escalation: int) -> tuple[Level, int] | None:
    """The level the next escalation reaches and the count it leaves; a city's own alert goes straight
    to the city (it has no district)."""
    if escalation >= MAX_ESCALATION:
        return None
    if escalation == 0 and notify.level_codes(region_code, Level.DISTRICT):
        return Level.DISTRICT, 1
    return Level.CITY, MAX_ESCALATION


async def escalate_one(session: AsyncSession, *, alert_id: uuid.UUID, escalation: int, status: str,
                       now: datetime) -> bool:
    """One step up for an alert read with `escalation` and `status`; False when another sweeper (or a
    person acknowledging meanwhile) got there first."""
    alert = await session.get(Alert, alert_id)
    if alert is None:
        return False
    step = next_level(alert.region_code, escalation)
    if step is None:
        return False
    level, count = step
    route = (await routing.effective(session, region_code=alert.region_code)).routing.of(Grade(alert.grade))
    missed = "ack" if status == AlertStatus.OPEN.value else "close"
    minutes = route.ack_min if missed == "ack" else route.close_min
    reach = Level.CITY.value if level == Level.CITY else case((Alert.reach == Level.CITY.value, Level.CITY.value),
                                                                    else_=Level.DISTRICT.value)
    result = await session.execute(
        update(Alert).where(Alert.id == alert_id, Alert.escalation == escalation, Alert.status == status,
                            Alert.due_at <= now)
        .values(escalation=count, reach=reach, due_at=now + timedelta(minutes=minutes))
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    await session.refresh(alert)
    told = await notify.escalated(session, alert, level=level, missed=missed,
                                  sms=Grade(alert.grade) == Grade.RED and "sms" in route.channels)
    await add_step(session, alert, StepAction.ESCALATED, at=now,
                   note=f"{'未按时确认' if missed == 'ack' else '未按时关闭'}，升级至{'旗区' if level == Level.DISTRICT else '市'}能源局",
                   data={"level": level.value, "missed": missed, "notified": told,
                         "noteEn": f"{'Not acknowledged' if missed == 'ack' else 'Not closed'} in time: escalated to the "
                                   f"{level.value} energy bureau"})
    return True


def due_query(*, now: datetime, batch: int = SWEEP_BATCH) -> Select[uuid.UUID, int, str]:
    """The sweep's read: live alerts past their deadline with a level still above them, most overdue
    first (its condition is the partial index's, so it reads the index alone; bench/alerts.py)."""
    return (select(Alert.id, Alert.escalation, Alert.status)
            .where(Alert.status != AlertStatus.CLOSED.value, Alert.due_at <= now, Alert.escalation < MAX_ESCALATION)
            .order_by(Alert.due_at).limit(batch))


async def sweep(session: AsyncSession, *, now: datetime | None = None, batch: int = SWEEP_BATCH) -> int:
    """Escalate every live alert whose deadline passed (at most `batch` per call, most overdue first);
    returns how many this sweeper escalated. The partial index ix_alerts_live_due keeps the read to
    the live alerts whatever the closed history holds."""
    now = now or utcnow()
    rows = (await session.execute(due_query(now=now, batch=batch))).all()
    done = 0
    for alert_id, escalation, status in rows:
        done += await escalate_one(session, alert_id=alert_id, escalation=escalation, status=status, now=now)
    return done
