"""How each enterprise handles its alerts, for its regulators (issue 13, point 7): per handling
organisation among the alerts the reader sees (the board's visibility, access.region_alerts), over
a period of China calendar days by the day an alert was raised.

- count: alerts raised in the period;
- time to acknowledge (median, p90) and to close (median), in minutes from raising, over the alerts
  that were acknowledged / closed;
- acknowledged in time: acked_at <= ack_due_at, of the alerts whose acknowledge deadline has come
  (acknowledged, or not acknowledged by the deadline while live or before an automatic close);
- closed in time: closed_at <= close_due_at (set at raise; escalation moves due_at, never the
  promise made then), of the alerts closed or past that deadline now;
- open overdue now: live alerts past their current deadline (due_at), raised at any time, since an
  alert overdue for two months is the worst case a regulator should still see.

Counts and shares are one grouped SQL query each (conditional sums, portable between SQLite and
PostgreSQL). Percentiles are not portable SQL (SQLite has none), so the durations are read as
timestamp pairs for the period and ranked here; a period is bounded to a year of one region's
alerts, so that read stays small.
"""

from __future__ import annotations

import math
import statistics
import uuid
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend import clock
from backend.db.base import utcnow
from backend.domain.alerts.access import visible_to_regulator
from backend.domain.alerts.models import Alert
from backend.domain.alerts.schemas import AlertFigures, AlertStatus, OrgFigures
from backend.domain.identity.schemas import Principal
from backend.domain.organisations import service as organisations
from backend.errors import Invalid

DEFAULT_DAYS = 30
MAX_DAYS = 366

__all__ = ["DEFAULT_DAYS", "MAX_DAYS", "handling_figures"]


# The platform's records begin long after the first and end long before the last; a date outside
# is a typo (and 9999-12-31 plus a day would overflow).
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


def _period(from_date: date | None, to_date: date | None) -> tuple[date, date]:
    for value, field in ((from_date, "from"), (to_date, "to")):
        if value is not None and not EARLIEST <= value <= LATEST:
            raise Invalid("invalid_date", f"日期须在 {EARLIEST} 至 {LATEST} 之间", f"A date must lie between {EARLIEST} "
                          f"and {LATEST}", field=field)
    to_date = to_date or clock.today_china()
    from_date = from_date or to_date - timedelta(days=DEFAULT_DAYS - 1)
    if from_date > to_date:
        raise Invalid("invalid_period", "开始日期不能晚于结束日期", "The start date is after the end date", field="from")
    if (to_date - from_date).days + 1 > MAX_DAYS:
        raise Invalid("invalid_period", f"统计区间最长 {MAX_DAYS} 天", f"A period is at most {MAX_DAYS} days", field="from")
    return from_date, to_date


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=clock.CHINA_TZ)


def _minutes(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 60


def nearest_rank(values: list[float], pct: float) -> float | None:
    """The nearest-rank percentile (p90 of ten values is the ninth): always one of the values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(pct / 100 * len(ordered)), 1) - 1]


def _median(values: list[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


async def handling_figures(session: AsyncSession, *, actor: Principal, from_date: date | None = None,
                           to_date: date | None = None) -> AlertFigures:
    """Per handling organisation in the alerts `actor` sees, worst first (most open overdue, then the
    lowest share closed in time)."""
    first, last = _period(from_date, to_date)
    now = utcnow()
    visible: list[ColumnElement[bool]] = [] if actor.is_platform_admin else [visible_to_regulator(actor)]
    in_period = [*visible, Alert.raised_at >= _start_of(first), Alert.raised_at < _start_of(last + timedelta(days=1))]
    live = Alert.status != AlertStatus.CLOSED.value

    def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.sum(case((condition, 1), else_=0))

    # Not acknowledged by the deadline: missed, unless the platform closed it before the deadline came.
    ack_due = or_(Alert.acked_at.is_not(None),
                  and_(Alert.closed_at.is_(None), Alert.ack_due_at <= now),
                  and_(Alert.closed_at.is_not(None), Alert.ack_due_at <= Alert.closed_at))
    close_due = or_(Alert.closed_at.is_not(None), Alert.close_due_at <= now)
    grouped = await session.execute(
        select(Alert.org_id, func.count(), count_if(ack_due), count_if(Alert.acked_at <= Alert.ack_due_at),
               count_if(close_due), count_if(Alert.closed_at <= Alert.close_due_at))
        .where(*in_period).group_by(Alert.org_id))
    counts = {row[0]: tuple(int(v or 0) for v in row[1:]) for row in grouped.all()}
    overdue: dict[uuid.UUID, int] = dict((await session.execute(
        select(Alert.org_id, func.count()).where(*visible, live, Alert.due_at <= now).group_by(Alert.org_id))).all())

    acks: dict[uuid.UUID, list[float]] = defaultdict(list)
    closes: dict[uuid.UUID, list[float]] = defaultdict(list)
    durations = await session.execute(
        select(Alert.org_id, Alert.raised_at, Alert.acked_at, Alert.closed_at)
        .where(*in_period, or_(Alert.acked_at.is_not(None), Alert.closed_at.is_not(None))))
    for org_id, raised_at, acked_at, closed_at in durations.all():
        if acked_at is not None:
            acks[org_id].append(_minutes(raised_at, acked_at))
        if closed_at is not None:
            closes[org_id].append(_minutes(raised_at, closed_at))

    org_ids = set(counts) | set(overdue)
    names = await organisations.org_names(session, org_ids=org_ids)
    items = []
    for org_id in org_ids:
        total, ack_due_n, ack_ok, close_due_n, close_ok = counts.get(org_id, (0, 0, 0, 0, 0))
        items.append(OrgFigures(
            org_id=org_id, org_name=names.get(org_id, str(org_id)), count=total,
            ack_median_min=_median(acks[org_id]), ack_p90_min=nearest_rank(acks[org_id], 90),
            close_median_min=_median(closes[org_id]), acked_in_time_share=_share(ack_ok, ack_due_n),
            closed_in_time_share=_share(close_ok, close_due_n), open_overdue=int(overdue.get(org_id, 0))))
    items.sort(key=lambda f: (-f.open_overdue, f.closed_in_time_share if f.closed_in_time_share is not None else 2.0,
                              f.org_name))
    return AlertFigures(from_date=first.isoformat(), to_date=last.isoformat(), items=items)
