"""Who may read an alert, and who may act on it (issue 13, points 2, 3 and 7). Missing and not
visible answer alike: 404.

Readers:
- the handling organisation's members (alert.org_id: the site's enterprise, or the carrier for
  carrier-handled kinds);
- the driver of the truck it is about (alert.driver_user_id), who may appeal a GPS kind;
- regulators whose scope holds the alert's region, when the alert reaches their level: a district
  regulator from `reach` district, a city (or province) regulator from `reach` city. `reach` is the
  highest level the region's routing sent the grade to at once, raised when a disposal goes up for
  review and when a missed deadline escalates it (models.Alert.reach);
- platform admins.

Acting: the handling organisation's dispatchers and admins acknowledge and dispose; a regulator who
reads it (or a platform admin) reviews a disposal and decides an appeal.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.checks.regions import REGIONS, is_within, region_level
from backend.domain.alerts import catalogue
from backend.domain.alerts.models import Alert
from backend.domain.alerts.rows import out
from backend.domain.alerts.schemas import AlertOut, AlertPage, AlertStatus, Grade, Level
from backend.domain.identity.schemas import ALERT_AUDIENCE, TRADE_ALERT_AUDIENCE, Principal
from backend.errors import NotFound

__all__ = ["access_alert", "driver_alerts", "may_handle", "may_review", "my_alerts", "read_alert", "region_alerts",
           "visible_to_regulator"]


def _not_found() -> NotFound:
    return NotFound("告警", "Alert")


def levels_seen(scope: str) -> tuple[str, ...]:
    """The reaches a regulator of `scope` sees: a district's regulators what reached the district or
    above, a city's (or province's) what reached the city."""
    if region_level(scope) == "district":
        return (Level.DISTRICT.value, Level.CITY.value)
    return (Level.CITY.value,)


def _regulator_sees(actor: Principal, alert: Alert) -> bool:
    return any(is_within(alert.region_code, s) and alert.reach in levels_seen(s) for s in actor.regulator_scopes)


def may_handle(actor: Principal, alert: Alert) -> bool:
    """Acknowledge and dispose: the handling organisation's dispatchers and admins (or the platform's
    operators for the kinds only they can fix)."""
    kind = catalogue.KINDS.get(alert.kind)
    if kind is not None and kind.handler == catalogue.Handler.PLATFORM:
        return actor.is_platform_admin
    if actor.machine_key is not None:  # the enterprise's own system, signed with its key (/open/v1)
        return actor.is_member(alert.org_id)
    trade = kind is not None and kind.handler == catalogue.Handler.TRADE_PARTY
    return actor.is_member(alert.org_id, TRADE_ALERT_AUDIENCE if trade else ALERT_AUDIENCE)


def may_review(actor: Principal, alert: Alert) -> bool:
    """Review a disposal and decide an appeal: a regulator who sees it, or a platform admin."""
    return actor.is_platform_admin or _regulator_sees(actor, alert)


def _regulator_filter(actor: Principal) -> ColumnElement[bool]:
    terms: list[ColumnElement[bool]] = []
    for scope in actor.regulator_scopes:
        codes = [c for c in REGIONS if is_within(c, scope)]
        terms.append(and_(Alert.region_code.in_(codes), Alert.reach.in_(levels_seen(scope))))
    return or_(*terms) if terms else false()


def visible_to_regulator(actor: Principal) -> ColumnElement[bool]:
    """The board's filter (platform admins see all: they skip it), for the handling figures too."""
    return _regulator_filter(actor)


async def access_alert(session: AsyncSession, actor: Principal, alert_id: uuid.UUID) -> Alert:
    alert = await session.get(Alert, alert_id)
    if alert is None:
        raise _not_found()
    if (actor.is_platform_admin or actor.is_member(alert.org_id) or _regulator_sees(actor, alert)
            or (alert.driver_user_id is not None and alert.driver_user_id == actor.user_id and actor.machine_key is None)):
        return alert
    raise _not_found()


async def read_alert(session: AsyncSession, *, actor: Principal, alert_id: uuid.UUID) -> AlertOut:
    return out(await access_alert(session, actor, alert_id))


async def _page(session: AsyncSession, where: list[ColumnElement[bool]], *, offset: int, limit: int,
                overdue_first: bool = False) -> AlertPage:
    total = (await session.execute(select(func.count()).select_from(Alert).where(*where))).scalar_one()
    order: list[ColumnElement[object]] = []
    if overdue_first:
        # Live alerts by their deadline (the most overdue first), then closed ones newest first.
        order = [(Alert.status == AlertStatus.CLOSED.value).asc(), Alert.due_at.asc()]  # type: ignore[list-item]
    rows = (await session.execute(select(Alert).where(*where)
                                  .order_by(*order, Alert.raised_at.desc(), Alert.id)
                                  .offset(offset).limit(limit))).scalars().all()
    return AlertPage(total=total, offset=offset, limit=limit, items=[out(a) for a in rows])


def _filters(grade: Grade | None, state: AlertStatus | None, kind: str | None) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if grade is not None:
        where.append(Alert.grade == grade.value)
    if state is not None:
        where.append(Alert.status == state.value)
    if kind is not None:
        where.append(Alert.kind == kind)
    return where


async def my_alerts(session: AsyncSession, *, actor: Principal, grade: Grade | None = None,
                    state: AlertStatus | None = None, kind: str | None = None, offset: int = 0,
                    limit: int = 50) -> AlertPage:
    """The alerts my organisations handle (the mine app's 告警): live ones by deadline, overdue first."""
    where = [Alert.org_id.in_(actor.org_ids()), *_filters(grade, state, kind)]
    return await _page(session, where, offset=offset, limit=limit, overdue_first=True)


async def driver_alerts(session: AsyncSession, *, actor: Principal, offset: int = 0, limit: int = 50) -> AlertPage:
    """The alerts about the trucks I drove (the driver app), newest first."""
    return await _page(session, [Alert.driver_user_id == actor.user_id], offset=offset, limit=limit)


async def region_alerts(session: AsyncSession, *, actor: Principal, district: str | None = None,
                        grade: Grade | None = None, state: AlertStatus | None = None, kind: str | None = None,
                        offset: int = 0, limit: int = 50) -> AlertPage:
    """The alerts of my regions that reached my level (platform admins: all): live ones by deadline."""
    where = _filters(grade, state, kind)
    if not actor.is_platform_admin:
        where.append(_regulator_filter(actor))
    if district is not None:
        where.append(Alert.region_code == district)
    return await _page(session, where, offset=offset, limit=limit, overdue_first=True)
