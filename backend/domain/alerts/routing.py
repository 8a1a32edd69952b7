"""Graded routing per region (issue 13, point 2): per grade who sees an alert at once, the deadlines to
acknowledge and to close, and the channels. A region's own settings, else its city's, else the
platform default (the "000000" row, else DEFAULTS); set by a platform admin, or by a city regulator
for its city and the districts below it. Every change is audited."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.checks.regions import is_within, parent_code, region_level
from backend.domain.alerts.models import AlertRoute
from backend.domain.alerts.schemas import Grade, GradeRoute, Routing, RoutingOut
from backend.domain.audit import service as audit
from backend.domain.identity.schemas import Principal
from backend.domain.regions.service import require_region
from backend.errors import Invalid, forbidden

__all__ = ["DEFAULT_REGION", "DEFAULTS", "effective", "effective_many", "routing_of", "set_routing"]

DEFAULT_REGION = "000000"  # the platform default's row
_H = 60
DEFAULTS = Routing(
    red=GradeRoute(audience=["enterprise", "district", "city"], ack_min=15, close_min=4 * _H,
                   channels=["inbox", "push", "sms"]),
    orange=GradeRoute(audience=["enterprise", "district"], ack_min=_H, close_min=24 * _H, channels=["inbox", "push"]),
    yellow=GradeRoute(audience=["enterprise"], ack_min=4 * _H, close_min=72 * _H, channels=["inbox", "push"]),
    blue=GradeRoute(audience=["enterprise"], ack_min=24 * _H, close_min=7 * 24 * _H, channels=["inbox"]),
)


def _load(row: AlertRoute) -> Routing:
    return msgspec.convert(row.settings, Routing)


def _resolve(rows: dict[str, Routing], region_code: str) -> RoutingOut:
    if region_code in rows:
        return RoutingOut(region_code=region_code, source="own", routing=rows[region_code])
    if region_code != DEFAULT_REGION and region_level(region_code) == "district":
        city = parent_code(region_code)
        if city in rows:
            return RoutingOut(region_code=region_code, source="city", routing=rows[city])
    return RoutingOut(region_code=region_code, source="default", routing=rows.get(DEFAULT_REGION, DEFAULTS))


async def effective(session: AsyncSession, *, region_code: str) -> RoutingOut:
    """The settings that apply to alerts raised in `region_code` (any level)."""
    keys = {region_code, DEFAULT_REGION}
    if region_code != DEFAULT_REGION and region_level(region_code) == "district":
        keys.add(parent_code(region_code) or DEFAULT_REGION)
    rows = (await session.execute(select(AlertRoute).where(AlertRoute.region_code.in_(keys)))).scalars()
    return _resolve({r.region_code: _load(r) for r in rows}, region_code)


async def effective_many(session: AsyncSession, *, region_codes: Iterable[str]) -> dict[str, Routing]:
    """The settings of many regions in one read (the table holds a row per configured region at most)."""
    rows = {r.region_code: _load(r) for r in (await session.execute(select(AlertRoute))).scalars()}
    return {code: _resolve(rows, code).routing for code in region_codes}


async def routing_of(session: AsyncSession, *, actor: Principal, region_code: str) -> RoutingOut:
    """What applies in a region, for its regulators (any level within their scope) and the platform."""
    if region_code != DEFAULT_REGION:
        region_code = require_region(region_code)
    if not (actor.is_platform_admin or (region_code != DEFAULT_REGION
                                        and any(is_within(region_code, s) for s in actor.regulator_scopes))):
        raise forbidden()
    return await effective(session, region_code=region_code)


def _may_set(actor: Principal, region_code: str) -> bool:
    if actor.is_platform_admin:
        return True
    if region_code == DEFAULT_REGION:
        return False
    return any(region_level(scope) == "city" and is_within(region_code, scope) for scope in actor.regulator_scopes)


def _check(routing: Routing) -> None:
    for grade in Grade:
        route = routing.of(grade)
        if route.close_min < route.ack_min:
            raise Invalid("close_before_ack", "关闭时限不得早于确认时限", "The close deadline cannot come before the "
                          "acknowledge deadline", field=f"{grade.value}.closeMin")
        if "enterprise" not in route.audience:
            raise Invalid("audience_without_handler", "告警须始终推送给处置企业", "An alert always goes to the enterprise "
                          "that handles it", field=f"{grade.value}.audience")
        if "sms" in route.channels and grade != Grade.RED:
            raise Invalid("sms_red_only", "仅红色告警发送短信", "Only red alerts go by SMS", field=f"{grade.value}.channels")


async def set_routing(session: AsyncSession, *, actor: Principal, region_code: str, routing: Routing) -> RoutingOut:
    """Replace a region's settings ("000000": the platform default). Flushes only."""
    if region_code != DEFAULT_REGION:
        region_code = require_region(region_code)
    if not _may_set(actor, region_code):
        raise forbidden()
    _check(routing)
    doc = msgspec.to_builtins(routing)
    row = await session.get(AlertRoute, region_code)
    before = dict(row.settings) if row is not None else None
    if row is None:
        row = AlertRoute(region_code=region_code, settings=doc)
        session.add(row)
    else:
        row.settings = doc
    await session.flush()
    await audit.record(session, actor=actor.actor, action="alert_routing.set", entity="alert_routes",
                       entity_id=region_code, before={"settings": before}, after={"settings": doc})
    source: Literal["own"] = "own"
    return RoutingOut(region_code=region_code, source=source, routing=routing)
