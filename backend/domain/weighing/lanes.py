"""Shared lookups of the weighing feature: the caller's lane, the site's rules, the order's standing
weighings and overrides."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.machines.schemas import MachineCaller
from backend.domain.sites import service as sites
from backend.domain.sites.schemas import DeviceLane
from backend.domain.weighing import errors
from backend.domain.weighing.models import Weighing, WeighOverride, WeighSiteRules
from backend.domain.weighing.rules import DEFAULTS, SiteRules

LANE_DEVICE_KIND = "lane_controller"


async def lane_of(session: AsyncSession, *, machine: MachineCaller) -> DeviceLane:
    """The lane the signing device stands on; an org-wide key or a device off any weighbridge
    lane is 403: a weighing must say which scale made it."""
    lane = None if machine.device_id is None else await sites.device_lane(session, device_id=machine.device_id)
    if lane is None or lane.lane_id is None or not lane.has_weighbridge:
        raise errors.lane_device_required()
    return lane


async def site_rules(session: AsyncSession, *, site_id: uuid.UUID) -> SiteRules:
    row = await session.get(WeighSiteRules, site_id)
    if row is None:
        return DEFAULTS
    return SiteRules(plate_only=row.plate_only, division_kg=row.division_kg, min_loading_s=row.min_loading_s,
                     tare_tolerance_pct=row.tare_tolerance_pct, tare_tolerance_min_kg=row.tare_tolerance_min_kg,
                     max_speed_kmh=row.max_speed_kmh)


async def standing(session: AsyncSession, *, order_id: uuid.UUID) -> dict[str, Weighing]:
    """The order's accepted weighings by kind (one each at most)."""
    rows = (await session.execute(select(Weighing).where(Weighing.order_id == order_id,
                                                         Weighing.status == "accepted"))).scalars().all()
    return {w.kind: w for w in rows}


async def open_override(session: AsyncSession, *, order_id: uuid.UUID, kind: str, now: datetime) -> WeighOverride | None:
    return (await session.execute(
        select(WeighOverride).where(WeighOverride.order_id == order_id, WeighOverride.kind == kind,
                                    WeighOverride.used_by_weighing_id.is_(None), WeighOverride.valid_until > now)
        .order_by(WeighOverride.created_at.desc()).limit(1)
    )).scalars().first()


async def next_kind(session: AsyncSession, *, order_id: uuid.UUID, now: datetime) -> str | None:
    """What a supervisor's open override asks to redo (gross first: a disputed load is the usual
    reason), else tare, then gross; None when nothing is left to weigh."""
    have = await standing(session, order_id=order_id)
    for kind in ("gross", "tare"):
        if kind in have and await open_override(session, order_id=order_id, kind=kind, now=now) is not None:
            return kind
    if "tare" not in have:
        return "tare"
    return "gross" if "gross" not in have else None


async def set_site_rules(session: AsyncSession, *, site_id: uuid.UUID, rules: SiteRules) -> None:
    """Replace the site's weighing rules (flushes; the caller commits)."""
    row = await session.get(WeighSiteRules, site_id) or WeighSiteRules(site_id=site_id)
    row.plate_only, row.division_kg, row.min_loading_s = rules.plate_only, rules.division_kg, rules.min_loading_s
    row.tare_tolerance_pct, row.tare_tolerance_min_kg = rules.tare_tolerance_pct, rules.tare_tolerance_min_kg
    row.max_speed_kmh = rules.max_speed_kmh
    session.add(row)
    await session.flush()
