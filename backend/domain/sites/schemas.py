"""Sites, gates, lanes and devices on the wire (camelCase JSON)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from backend.domain.organisations.schemas import OrgOut
from backend.structs import Out, Struct

SiteKind = Literal["mine_yard", "washing_plant", "loading_station", "consumer_yard", "rail_yard"]
SITE_KIND_LABELS: dict[str, tuple[str, str]] = {
    "mine_yard": ("煤矿储煤场", "Mine yard"),
    "washing_plant": ("洗选煤厂", "Washing plant"),
    "loading_station": ("集装站", "Loading station"),
    "consumer_yard": ("用户煤场", "Consumer yard"),
    "rail_yard": ("铁路货场", "Rail yard"),
}
SiteStatus = Literal["active", "closed"]
Direction = Literal["in", "out", "both"]
DeviceKind = Literal[
    "camera", "weighbridge", "barrier", "io_module", "led", "speaker", "edge_agent", "qr_scanner",
    "belt_scale", "rail_scale", "lane_controller",
]
# A device is "online" when its last heartbeat is at most this old.
ONLINE_WINDOW_S = 300

# No control characters in names: they print as nothing, and PostgreSQL refuses NUL outright.
_PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
Name = Annotated[str, msgspec.Meta(min_length=2, max_length=128, pattern=_PRINTABLE)]
ShortName = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=_PRINTABLE)]
RegionCode = Annotated[str, msgspec.Meta(min_length=1, max_length=12, pattern=_PRINTABLE)]
GeoJson = dict[str, Any]
# Serial-number style: what the device itself sends in its heartbeat, so kept exactly as given.
DeviceCode = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]{2,63}$")]
Lon = Annotated[float, msgspec.Meta(ge=-180, le=180)]
# An approved daily capacity in tonnes: the largest mines are approved for ~100,000 t a day.
CapacityT = Annotated[int, msgspec.Meta(ge=1, le=1_000_000)]
Lat = Annotated[float, msgspec.Meta(ge=-90, le=90)]


class SiteCreate(Struct):
    name: Name
    kind: SiteKind
    fence: GeoJson
    region_code: RegionCode | None = None
    checkin_zone: GeoJson | None = None


class SiteUpdate(Struct):
    """Only the fields given change; `checkinZone: null` removes the check-in zone."""

    name: Name | None = None
    kind: SiteKind | None = None
    region_code: RegionCode | None = None
    status: SiteStatus | None = None
    fence: GeoJson | None = None
    checkin_zone: GeoJson | None | msgspec.UnsetType = msgspec.UNSET
    # `approvedCapacityTPerDay: null` removes it.
    approved_capacity_t_per_day: CapacityT | None | msgspec.UnsetType = msgspec.UNSET


class GateCreate(Struct):
    name: ShortName
    direction: Direction
    designated: bool = True
    lon: Lon | None = None
    lat: Lat | None = None


class LaneCreate(Struct):
    name: ShortName
    direction: Direction
    gate_id: uuid.UUID | None = None
    has_weighbridge: bool = False


class DeviceCreate(Struct):
    kind: DeviceKind
    code: DeviceCode
    name: Annotated[str, msgspec.Meta(max_length=128, pattern=_PRINTABLE)] = ""
    vendor: Annotated[str, msgspec.Meta(max_length=64, pattern=_PRINTABLE)] = ""
    lane_id: uuid.UUID | None = None


class GateOut(Out):
    id: uuid.UUID
    site_id: uuid.UUID
    name: str
    direction: str
    designated: bool
    lon: float | None
    lat: float | None


class LaneOut(Out):
    id: uuid.UUID
    site_id: uuid.UUID
    gate_id: uuid.UUID | None
    name: str
    direction: str
    has_weighbridge: bool


class DeviceOut(Out):
    id: uuid.UUID
    site_id: uuid.UUID
    lane_id: uuid.UUID | None
    kind: str
    code: str
    name: str
    vendor: str
    status: str
    last_seen_at: datetime | None
    online: bool
    last_status: dict[str, Any] | None


class SiteOut(Out):
    id: uuid.UUID
    org_id: uuid.UUID
    name: str
    kind: str
    region_code: str
    region_name: str
    status: str
    fence: GeoJson
    fence_area_m2: float
    centroid_lon: float
    centroid_lat: float
    checkin_zone: GeoJson | None
    approved_capacity_t_per_day: int | None
    created_at: datetime
    updated_at: datetime


class SiteDetailOut(SiteOut):
    """A site with its equipment (active devices only; retired ones stay in the audit trail)."""

    gates: list[GateOut]
    lanes: list[LaneOut]
    devices: list[DeviceOut]


class SiteMapOut(SiteOut):
    org_name: str


class OrgWithSites(Out):
    org: OrgOut
    sites: list[SiteOut]


class RegulatorSummary(Out):
    """Counts inside the caller's regions: what the big screen's first tiles show."""

    orgs_total: int
    orgs_by_kind: dict[str, int]
    orgs_by_status: dict[str, int]
    sites_total: int
    sites_by_kind: dict[str, int]
    devices_total: int
    devices_online: int


class SiteBrief(msgspec.Struct, frozen=True, kw_only=True):
    """What other features need of a site (GPS fences, gates, passes): no equipment, no audit."""

    id: uuid.UUID
    org_id: uuid.UUID
    name: str
    kind: str
    region_code: str
    status: str
    centroid_lon: float
    centroid_lat: float
    fence: GeoJson
    checkin_zone: GeoJson | None


class GateSpot(msgspec.Struct, frozen=True, kw_only=True):
    """A located gate, as the GPS pipeline sees it (a way in or out of the fence)."""

    name: str
    lon: float
    lat: float
    designated: bool
    direction: str


class SiteShape(msgspec.Struct, frozen=True, kw_only=True):
    """An active site's fence and located gates: what GPS tagging and the live maps need."""

    id: uuid.UUID
    org_id: uuid.UUID
    name: str
    region_code: str
    fence: GeoJson
    centroid_lon: float
    centroid_lat: float
    gates: tuple[GateSpot, ...]


class DeviceLane(msgspec.Struct, frozen=True, kw_only=True):
    """Where an active device stands: its site and lane (None when it is not on a lane)."""

    device_id: uuid.UUID
    device_code: str
    device_kind: str
    site_id: uuid.UUID
    org_id: uuid.UUID
    lane_id: uuid.UUID | None
    lane_name: str | None
    has_weighbridge: bool


class SilentDevice(msgspec.Struct, frozen=True, kw_only=True):
    """An active device of an active site that has reported, but not since the watchdog's cutoff."""

    device_id: uuid.UUID
    kind: str
    code: str
    name: str
    lane_id: uuid.UUID | None
    site_id: uuid.UUID
    site_name: str
    org_id: uuid.UUID
    region_code: str
    last_seen_at: datetime


class SilentSite(msgspec.Struct, frozen=True, kw_only=True):
    """An active site every reporting device of which is silent (power or network cut?)."""

    site_id: uuid.UUID
    site_name: str
    org_id: uuid.UUID
    region_code: str
    devices: int
    last_seen_at: datetime  # the newest report of any of its devices


class LaneLive(msgspec.Struct, frozen=True, kw_only=True):
    """A lane with the newest status its devices reported (the lane controller's heartbeat)."""

    lane_id: uuid.UUID
    name: str
    direction: str
    has_weighbridge: bool
    device_code: str | None
    last_seen_at: datetime | None
    status: dict[str, Any] | None
