"""Waybill rows as wire records: the list item and the detail with its map layers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shapely.geometry import mapping
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.sites import service as sites_service
from backend.domain.tracking import gps_events, positions
from backend.domain.waybills.models import Waybill
from backend.domain.waybills.schemas import STATUS_LABELS, DestinationOut, PlaceOut, WaybillDetail, WaybillOut
from geo.corridor import corridor_polygon
from geo.pipeline.model import Corridor
from geo.track import simplify_track, track_length_m

# Display simplification: 10 m keeps the shape of a road at any zoom a phone shows.
SIMPLIFY_TOLERANCE_M = 10.0


def _fields(w: Waybill) -> dict[str, Any]:
    zh, en = STATUS_LABELS.get(w.status, (w.status, w.status))
    return dict(
        id=w.id, waybill_no=w.waybill_no, order_id=w.order_id, order_no=w.order_no, ticket_no=w.ticket_no,
        vehicle_id=w.vehicle_id, plate=w.plate, driver_id=w.driver_id, carrier_org_id=w.carrier_org_id,
        seller_org_id=w.seller_org_id, buyer_org_id=w.buyer_org_id, origin_site_id=w.origin_site_id,
        destination_name=w.destination_name, destination_lon=w.destination_lon, destination_lat=w.destination_lat,
        destination_site_id=w.destination_site_id, corridor_width_m=w.corridor_width_m, status=w.status,
        status_zh=zh, status_en=en, opened_by=w.opened_by, departed_at=w.departed_at, arrived_at=w.arrived_at,
        received_at=w.received_at, distance_m=w.distance_m, duration_s=w.duration_s,
        received_net_kg=w.received_net_kg,
    )


def waybill_out(w: Waybill) -> WaybillOut:
    return WaybillOut(**_fields(w))


def corridor_geojson(w: Waybill) -> dict[str, Any]:
    corridor = Corridor(waybill_id=str(w.id), vehicle_id=str(w.vehicle_id), route=w.route, width_m=w.corridor_width_m)
    return dict(mapping(corridor_polygon(corridor)))


async def detail(session: AsyncSession, w: Waybill) -> WaybillDetail:
    events = await gps_events.of_waybill(session, waybill_id=w.id)
    # Every site the events name (a truck may cross a third site on the road), not only both ends.
    wanted = {w.origin_site_id} | ({w.destination_site_id} if w.destination_site_id else set())
    wanted |= {e.site_id for e in events if e.site_id is not None}
    sites = {s.id: s for s in await sites_service.active_sites(session, site_ids=wanted)}
    origin = sites.get(w.origin_site_id)
    dest_site = sites.get(w.destination_site_id) if w.destination_site_id else None
    end = w.arrived_at or utcnow()
    track = await positions.track(session, vehicle_id=w.vehicle_id, start=w.departed_at - timedelta(minutes=5), end=end)
    points = [(p.lon, p.lat) for p in track]
    names = {s.id: s.name for s in sites.values()}
    fields = _fields(w)
    if w.distance_m is None:  # still on the road: the distance so far, measured like the final one
        departed_s = w.departed_at.timestamp()
        fields["distance_m"] = round(track_length_m([(p.lon, p.lat) for p in track if p.fix_at_s >= departed_s]), 1)
    return WaybillDetail(
        **fields,
        origin=PlaceOut(id=origin.id, name=origin.name, fence=origin.fence) if origin else None,
        destination=DestinationOut(name=w.destination_name, lon=w.destination_lon, lat=w.destination_lat,
                                   site_id=w.destination_site_id, fence=dest_site.fence if dest_site else None),
        route=w.route, corridor=corridor_geojson(w), track=simplify_track(points, tolerance_m=SIMPLIFY_TOLERANCE_M),
        track_points=len(points),
        events=[gps_events.event_out(e, site_name=names.get(e.site_id) if e.site_id else None) for e in events],
    )
