"""The world the GPS pipeline tags against: active sites with their gates as exits, the
regulators' zones, and one corridor per vehicle on an open waybill."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.sites import service as sites
from backend.domain.sites.schemas import GateSpot, SiteShape
from backend.domain.tracking import service as tracking
from backend.domain.waybills.models import Waybill
from backend.domain.waybills.schemas import WaybillStatus
from geo.pipeline import model as m


def _exit(g: GateSpot) -> m.Exit:
    # An "in" gate is no legal way out, whatever its designation.
    return m.Exit(lon=g.lon, lat=g.lat, designated=g.designated and g.direction != "in", direction=g.direction,
                  name=g.name)


async def load_world(session: AsyncSession) -> tuple[m.World, dict[str, SiteShape]]:
    shapes = await sites.active_sites(session)
    world_sites = tuple(m.Site(id=str(s.id), name=s.name, fence=s.fence, exits=tuple(_exit(g) for g in s.gates),
                               org_id=str(s.org_id)) for s in shapes)
    rows = (await session.execute(select(Waybill).where(Waybill.status == WaybillStatus.OPEN).order_by(Waybill.departed_at))).scalars()
    corridors: dict[str, m.Corridor] = {}
    for w in rows:  # one per vehicle: the newest open waybill
        corridors[str(w.vehicle_id)] = m.Corridor(
            waybill_id=str(w.id), vehicle_id=str(w.vehicle_id), route=w.route, width_m=w.corridor_width_m,
            origin_site_id=str(w.origin_site_id),
            destination_site_id=str(w.destination_site_id) if w.destination_site_id else None)
    world = m.World(sites=world_sites, zones=tuple(await tracking.world_zones(session)), corridors=tuple(corridors.values()))
    return world, {str(s.id): s for s in shapes}
