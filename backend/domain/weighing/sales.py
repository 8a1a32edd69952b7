"""A site's sales of the Chinese day so far against its own history and its approved capacity
(issue 13, point 1: sales_above_baseline, sales_above_capacity).

A day's sales are the net of the valid tickets whose gross was weighed that day (China time): an
offline lane's late upload counts on the day the coal went out, not the day it reached us.
The baseline is the median of the site's daily sales over the previous `sales_baseline_days`,
counting only days it sold (a mine that rests on Sundays is not judged by its Sundays), and only
when it sold on at least `sales_baseline_min_days` of them: a new site has no baseline yet.
One grouped query per day of the look-back (each a range on ix_weigh_tickets_gross_at).
"""

from __future__ import annotations

import statistics
import uuid
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend import clock
from backend.db.base import utcnow
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertRaise
from backend.domain.sites import service as sites
from backend.domain.weighing.models import WeighTicket
from backend.domain.weighing.schemas import TicketStatus
from backend.settings import Settings


async def _day_sales(session: AsyncSession, start: datetime) -> dict[uuid.UUID, int]:
    rows = await session.execute(
        select(WeighTicket.site_id, func.sum(WeighTicket.net_kg))
        .where(WeighTicket.status == TicketStatus.VALID, WeighTicket.gross_at >= start,
               WeighTicket.gross_at < start + timedelta(days=1))
        .group_by(WeighTicket.site_id))
    return {site_id: int(kg or 0) for site_id, kg in rows.all()}


def day_start(day: date) -> datetime:
    """Midnight of a Chinese calendar day (sales count by the ticket's gross time in China)."""
    return datetime.combine(day, time(0), tzinfo=clock.CHINA_TZ)


async def site_history(session: AsyncSession, *, site_id: uuid.UUID, day: date, days: int) -> list[tuple[date, int]]:
    """(day, kg sold) of a site for `day` and the `days` before it, newest first (evidence of a sales alert)."""
    out: list[tuple[date, int]] = []
    for back in range(days + 1):
        d = day - timedelta(days=back)
        out.append((d, (await _day_sales(session, day_start(d))).get(site_id, 0)))
    return out


async def site_day_tickets(session: AsyncSession, *, site_id: uuid.UUID, day: date) -> list[WeighTicket]:
    """The valid tickets of a site on a Chinese day, by gross time (what made the day's figure)."""
    start = day_start(day)
    rows = await session.execute(select(WeighTicket).where(
        WeighTicket.site_id == site_id, WeighTicket.status == TicketStatus.VALID, WeighTicket.gross_at >= start,
        WeighTicket.gross_at < start + timedelta(days=1)).order_by(WeighTicket.gross_at))
    return list(rows.scalars())


def _t(kg: float) -> str:
    return f"{kg / 1000:.1f}"


async def check_day(session: AsyncSession, *, settings: Settings, now: datetime | None = None) -> dict[str, int]:
    """Raise for each site above its baseline or its capacity today; counts of each. The kinds'
    window is a day, so running hourly raises once and counts the later runs on the same alert."""
    now = now or utcnow()
    today = clock.china_time(now).date()
    start = day_start(today)
    sold = await _day_sales(session, start)
    if not sold:
        return {"aboveBaseline": 0, "aboveCapacity": 0}
    history: dict[uuid.UUID, list[int]] = {}
    for back in range(1, settings.sales_baseline_days + 1):
        for site_id, kg in (await _day_sales(session, start - timedelta(days=back))).items():
            if site_id in sold and kg > 0:
                history.setdefault(site_id, []).append(kg)
    capacities = await sites.site_capacities(session)
    above_baseline = above_capacity = 0
    for site_id, kg in sold.items():
        days = history.get(site_id, [])
        capacity_t = capacities.get(site_id)
        raises: list[tuple[str, str, str, dict[str, object]]] = []
        if len(days) >= settings.sales_baseline_min_days:
            baseline_kg = statistics.median(days)
            if kg > baseline_kg * settings.sales_baseline_factor:
                raises.append(("sales_above_baseline",
                               f"今日销量 {_t(kg)} 吨，超过近 {len(days)} 个销售日中位数 {_t(baseline_kg)} 吨的 "
                               f"{settings.sales_baseline_factor:g} 倍",
                               f"Sold {_t(kg)} t today, above {settings.sales_baseline_factor:g}x the median "
                               f"{_t(baseline_kg)} t of its last {len(days)} selling days",
                               {"baselineKg": baseline_kg, "historyDays": len(days),
                                "factor": settings.sales_baseline_factor}))
                above_baseline += 1
        if capacity_t is not None and kg > capacity_t * 1000:
            raises.append(("sales_above_capacity", f"今日销量 {_t(kg)} 吨，超过核定产能 {capacity_t} 吨/日",
                           f"Sold {_t(kg)} t today, above the approved {capacity_t} t a day",
                           {"approvedCapacityTPerDay": capacity_t}))
            above_capacity += 1
        if not raises:
            continue
        site = await sites.site_brief(session, site_id=site_id)
        if site is None:
            continue
        for kind, zh, en, figures in raises:
            await alerts.raise_alert(session, at=now, data=AlertRaise(
                kind=kind, org_id=site.org_id, site_id=site.id, region_code=site.region_code,
                ref=f"sales:{site.id}:{today.isoformat()}", message_zh=f"{site.name} {zh}", message_en=f"{site.name}: {en}",
                details={"day": today.isoformat(), "soldKg": kg, **figures}))
    return {"aboveBaseline": above_baseline, "aboveCapacity": above_capacity}
