"""Helpers for the queue tests: a mine with a site whose check-in zone lies on the access road,
tickets for orders that need not exist (the queue keeps order ids as plain uuids), staff and drivers."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from backend.context import Context
from backend.db.base import utcnow
from backend.db.unit import unit_of_work
from backend.domain.identity import service as identity
from backend.domain.identity.schemas import Principal
from backend.domain.notices.models import Notice
from backend.domain.queue import rules
from backend.domain.queue import service as queue
from backend.domain.queue.schemas import QueueCardOut, QueueSettingsIn, QueueTicket
from backend.domain.sites import service as sites
from backend.domain.sites.schemas import SiteCreate
from tests import factories as f
from tests.sites import helpers as sh

# Inside the check-in zone (300 m x 350 m on the road south of the yard), and 3.2 km south of it.
INSIDE = sh.offset(sh.LON, sh.LAT, east_m=150.0, north_m=-150.0)
FAR_SOUTH = sh.offset(sh.LON, sh.LAT, east_m=150.0, north_m=-300.0 - 3200.0)
NEAR_SOUTH = sh.offset(sh.LON, sh.LAT, east_m=150.0, north_m=-300.0 - 420.0)
# Inside the yard's fence but outside the check-in zone.
IN_YARD = sh.offset(sh.LON, sh.LAT, east_m=450.0, north_m=200.0)
T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 Beijing time
_numbers = itertools.count(1)


@dataclass(frozen=True)
class Mine:
    org_id: uuid.UUID
    site_id: uuid.UUID
    dispatcher: Principal
    dispatcher_id: uuid.UUID


async def mine(ctx: Context, *, zone: bool = True) -> Mine:
    org_id = await sh.new_org(ctx)
    async with unit_of_work(ctx) as session:
        site = await sites.create_site(session, actor=sh.PLATFORM, org_id=org_id, data=SiteCreate(
            name=f"测试储煤场{next(_numbers)}", kind="mine_yard", fence=sh.SITE_FENCE,
            checkin_zone=sh.CHECKIN_ZONE if zone else None))
    user_id, dispatcher = await sh.backstage_member(ctx, role="dispatcher", org_id=org_id)
    return Mine(org_id=org_id, site_id=site.id, dispatcher=dispatcher, dispatcher_id=user_id)


async def driver_user(ctx: Context) -> uuid.UUID:
    """A user to notify (no password: never logs in)."""
    async with unit_of_work(ctx) as session:
        user_id = await identity.create_user(session, phone=f.phone(), name="司机", password=None)
        await session.commit()
    return user_id


def ticket(site_id: uuid.UUID, driver_user_id: uuid.UUID, *, line: str = "lump_coal", nev: bool = False,
           order_id: uuid.UUID | None = None) -> QueueTicket:
    n = next(_numbers)
    return QueueTicket(order_id=order_id or uuid.uuid4(), order_no=f"TD2026{n:08d}", site_id=site_id, line=line,
                       plate=f"蒙K{n % 100000:05d}" + ("D" if nev else ""), new_energy=nev,
                       driver_user_id=driver_user_id)


async def check_in(ctx: Context, t: QueueTicket, *, at: tuple[float, float] = INSIDE, now: datetime | None = None,
                   accuracy_m: float | None = 12.0) -> QueueCardOut:
    """As the orders feature does it: check in, commit, then mirror."""
    async with unit_of_work(ctx) as session:
        card = await queue.check_in(session, ctx=ctx, ticket=t, lon=at[0], lat=at[1], accuracy_m=accuracy_m, now=now)
        await session.commit()
    return card


async def card(ctx: Context, order_id: uuid.UUID, *, now: datetime | None = None) -> QueueCardOut:
    async with unit_of_work(ctx) as session:
        out = await queue.card(session, ctx=ctx, order_id=order_id, now=now)
    assert out is not None
    return out


async def settings(ctx: Context, m: Mine, **values: object) -> None:
    body = {"nev_first": True, "call_deadline_s": 1200, "appointments_required": False, "hourly_quota": None, **values}
    async with unit_of_work(ctx) as session:
        await queue.update_settings(session, ctx=ctx, actor=m.dispatcher, site_id=m.site_id,
                                    data=QueueSettingsIn(**body))  # type: ignore[arg-type]


async def notices_of(ctx: Context, user_id: uuid.UUID) -> list[Notice]:
    async with unit_of_work(ctx) as session:
        rows = await session.execute(select(Notice).where(Notice.user_id == user_id).order_by(Notice.created_at))
        return list(rows.scalars())


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def rules_today_plus(days: int) -> date:
    """The date in Beijing `days` from now."""
    return (rules.china_time(utcnow()) + timedelta(days=days)).date()
