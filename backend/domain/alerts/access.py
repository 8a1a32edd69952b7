"""Who may read an alert (issue 13, points 2, 3 and 7). Missing and not visible answer alike: 404.

- the handling organisation's members (alert.org_id: the site's enterprise, or the carrier for
  carrier-handled kinds);
- regulators whose scope holds the alert's region, from the grade their level sees at once by that
  region's routing: a district regulator the grades routed to the district, a city (or province)
  regulator those routed to the city;
- platform admins.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.checks.regions import REGIONS, is_within, region_level
from backend.domain.alerts import routing
from backend.domain.alerts.models import Alert
from backend.domain.alerts.rows import out
from backend.domain.alerts.schemas import AlertOut, AlertPage, AlertState, Grade, Routing
from backend.domain.identity.schemas import Principal
from backend.errors import NotFound

__all__ = ["access_alert", "my_alerts", "read_alert", "region_alerts"]


def _not_found() -> NotFound:
    return NotFound("告警", "Alert")


def _level(scope: str) -> str:
    return "district" if region_level(scope) == "district" else "city"


def _grades_seen(route: Routing, level: str) -> list[str]:
    return [g.value for g in Grade if level in route.of(g).audience]


async def _regulator_filter(session: AsyncSession, actor: Principal) -> ColumnElement[bool]:
    """Per region inside the actor's scopes: the grades its level sees there (regions' settings differ)."""
    terms: list[ColumnElement[bool]] = []
    for scope in actor.regulator_scopes:
        codes = [c for c in REGIONS if is_within(c, scope)]
        routes = await routing.effective_many(session, region_codes=codes)
        level = _level(scope)
        for code in codes:
            grades = _grades_seen(routes[code], level)
            if grades:
                terms.append(and_(Alert.region_code == code, Alert.grade.in_(grades)))
    return or_(*terms) if terms else false()


async def access_alert(session: AsyncSession, actor: Principal, alert_id: uuid.UUID) -> Alert:
    alert = await session.get(Alert, alert_id)
    if alert is None:
        raise _not_found()
    if actor.is_platform_admin or actor.is_member(alert.org_id):
        return alert
    scopes = [s for s in actor.regulator_scopes if is_within(alert.region_code, s)]
    if scopes:
        route = (await routing.effective(session, region_code=alert.region_code)).routing
        if any(alert.grade in _grades_seen(route, _level(s)) for s in scopes):
            return alert
    raise _not_found()


async def read_alert(session: AsyncSession, *, actor: Principal, alert_id: uuid.UUID) -> AlertOut:
    return out(await access_alert(session, actor, alert_id))


async def _page(session: AsyncSession, where: list[ColumnElement[bool]], *, offset: int, limit: int) -> AlertPage:
    total = (await session.execute(select(func.count()).select_from(Alert).where(*where))).scalar_one()
    rows = (await session.execute(select(Alert).where(*where).order_by(Alert.raised_at.desc(), Alert.id)
                                  .offset(offset).limit(limit))).scalars().all()
    return AlertPage(total=total, offset=offset, limit=limit, items=[out(a) for a in rows])


def _filters(grade: Grade | None, state: AlertState | None, kind: str | None) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if grade is not None:
        where.append(Alert.grade == grade.value)
    if state is not None:
        where.append(Alert.status == state)
    if kind is not None:
        where.append(Alert.kind == kind)
    return where


async def my_alerts(session: AsyncSession, *, actor: Principal, grade: Grade | None = None,
                    state: AlertState | None = None, kind: str | None = None, offset: int = 0,
                    limit: int = 50) -> AlertPage:
    """The alerts my organisations handle (the mine app's 告警), newest first."""
    where = [Alert.org_id.in_(actor.org_ids()), *_filters(grade, state, kind)]
    return await _page(session, where, offset=offset, limit=limit)


async def region_alerts(session: AsyncSession, *, actor: Principal, district: str | None = None,
                        grade: Grade | None = None, state: AlertState | None = None, kind: str | None = None,
                        offset: int = 0, limit: int = 50) -> AlertPage:
    """The alerts of my regions that my level sees (platform admins: all), newest first."""
    where = _filters(grade, state, kind)
    if not actor.is_platform_admin:
        where.append(await _regulator_filter(session, actor))
    if district is not None:
        where.append(Alert.region_code == district)
    return await _page(session, where, offset=offset, limit=limit)
