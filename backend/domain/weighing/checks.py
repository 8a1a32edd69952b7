"""The anti-cheating checks of a submitted weighing (issue 5, point 3), in the order they run.
Each returns None or the Finding that refuses the weighing; the alerts catalogue says which also
raise an alert (and how loud). Physical evidence first (plate, gratings, the trace), then the sequence
(re-weigh), the truck's history (tare range, another site), and the load itself."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.orders.schemas import OrderBrief
from backend.domain.sites import service as sites
from backend.domain.vehicles import service as vehicles
from backend.domain.weighing import errors, rules
from backend.domain.weighing.models import Weighing
from backend.domain.weighing.rules import Finding, SiteRules

# Refusals after which the truck must not leave as it is (the order's exit_block).
EXIT_BLOCKS = {"overweight": "overweight", "net_exceeds_order": "net_exceeds"}


def plain(code: str) -> Finding:
    zh, en = errors.REFUSALS[code]
    return Finding(code, zh, en)


def physical(w: Weighing, order: OrderBrief, site: SiteRules) -> Finding | None:
    if not w.plate_read:
        return plain("plate_unread")
    if w.plate_read != order.plate:
        return Finding("plate_mismatch", f"摄像机识别车牌 {w.plate_read} 与提煤单车牌 {order.plate} 不符",
                       f"The camera read {w.plate_read}; the pickup order names {order.plate}",
                       {"plateRead": w.plate_read, "plate": order.plate})
    if w.gratings.get("inBlocked") or w.gratings.get("outBlocked"):
        return plain("grating_blocked")
    return rules.weight_jump(w.trace, weight_kg=w.weight_kg, division_kg=site.division_kg)


async def elsewhere(session: AsyncSession, w: Weighing, site: SiteRules, site_lon_lat: tuple[float, float]) -> Finding | None:
    """The plate's latest accepted weighing at another site, against the time between the two."""
    last = (await session.execute(
        select(Weighing.site_id, Weighing.weighed_at).where(Weighing.plate == w.plate, Weighing.site_id != w.site_id,
                                                            Weighing.status == "accepted")
        .order_by(Weighing.weighed_at.desc()).limit(1)
    )).first()
    if last is None:
        return None
    other = await sites.site_brief(session, site_id=last[0])
    if other is None:
        return None
    distance_m = rules.geodesic_m(other.centroid_lon, other.centroid_lat, *site_lon_lat)
    seconds = abs((w.weighed_at - last[1]).total_seconds())
    return rules.too_fast(distance_m=distance_m, seconds=seconds, max_speed_kmh=site.max_speed_kmh,
                          other_site=other.name)


async def tare_history(session: AsyncSession, w: Weighing, site: SiteRules) -> Finding | None:
    """Against this truck's accepted tares at every mine (not only here): a water tank filled for
    the tare, a person in the cab, another truck's body."""
    history = (await session.execute(
        select(Weighing.weight_kg).where(Weighing.plate == w.plate, Weighing.kind == "tare",
                                         Weighing.status == "accepted", Weighing.order_id != w.order_id)
        .order_by(Weighing.weighed_at.desc()).limit(rules.TARE_HISTORY)
    )).scalars().all()
    return rules.tare_out_of_range(w.weight_kg, list(history), pct=site.tare_tolerance_pct,
                                   min_kg=site.tare_tolerance_min_kg)


async def load(session: AsyncSession, w: Weighing, tare: Weighing, order: OrderBrief, site: SiteRules) -> Finding | None:
    if w.weight_kg <= tare.weight_kg:
        return plain("gross_below_tare")
    short = rules.loading_too_short(tare_at=tare.weighed_at, gross_at=w.weighed_at, min_loading_s=site.min_loading_s)
    if short is not None:
        return short
    vehicle = await vehicles.brief_by_plate(session, plate=order.plate or "")
    if vehicle is not None and w.weight_kg > vehicle.legal_gross_kg:
        return Finding("overweight", f"毛重 {w.weight_kg / 1000:.2f} 吨超过该车核定总质量 {vehicle.legal_gross_kg / 1000:.0f} 吨，禁止出场",
                       f"Gross {w.weight_kg / 1000:.2f} t exceeds this truck's legal {vehicle.legal_gross_kg / 1000:.0f} t: "
                       "exit refused", {"grossKg": w.weight_kg, "legalGrossKg": vehicle.legal_gross_kg})
    net_kg = w.weight_kg - tare.weight_kg
    if net_kg > order.planned_kg:
        return Finding("net_exceeds_order", f"净重 {net_kg / 1000:.2f} 吨超过提煤单剩余 {order.planned_kg / 1000:.2f} 吨",
                       f"Net {net_kg / 1000:.2f} t exceeds the {order.planned_kg / 1000:.2f} t left on the order",
                       {"netKg": net_kg, "remainingKg": order.planned_kg})
    return None

