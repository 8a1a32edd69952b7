"""Site errors, each with its stable code, both languages and the JSON field it concerns."""

from __future__ import annotations

from backend.errors import Conflict, Invalid
from geo.fences import FenceError


def from_fence(exc: FenceError, *, field: str) -> Invalid:
    return Invalid(exc.code, exc.message_zh, exc.message_en, field=field)


def org_kind_has_no_sites(kind_zh: str, kind_en: str) -> Invalid:
    return Invalid(
        "org_kind_no_sites", f"{kind_zh}不登记场地", f"A {kind_en.lower()} organisation has no sites to register",
    )


def site_name_taken() -> Conflict:
    return Conflict("site_name_taken", "本机构已有同名场地", "This organisation already has a site of that name", field="name")


def checkin_zone_far(distance_m: float, limit_m: float) -> Invalid:
    return Invalid(
        "checkin_zone_far",
        f"签到区最远处距场地中心 {distance_m / 1000:.1f} km，超过 {limit_m / 1000:.0f} km",
        f"The check-in zone reaches {distance_m / 1000:.1f} km from the site centre; at most {limit_m / 1000:.0f} km",
        field="checkinZone",
    )


def gate_far_from_fence(distance_m: float, limit_m: float, *, field: str, gate: str | None = None) -> Invalid:
    which_zh, which_en = (f"闸口「{gate}」", f"Gate '{gate}'") if gate else ("闸口", "The gate")
    return Invalid(
        "gate_far_from_fence",
        f"{which_zh}距围栏 {distance_m:.0f} m，应在 {limit_m:.0f} m 以内",
        f"{which_en} is {distance_m:.0f} m from the fence; it must be within {limit_m:.0f} m",
        field=field,
    )


def position_incomplete(field: str) -> Invalid:
    return Invalid("position_incomplete", "经度和纬度须同时填写", "Give both lon and lat, or neither", field=field)


def position_bounds(lon: float, lat: float) -> Invalid:
    return Invalid(
        "position_bounds",
        f"坐标 [{lon}, {lat}] 不在中国范围内；请确认经纬度没有填反",
        f"Position [{lon}, {lat}] is outside China; check that lon and lat are not swapped",
        field="lon",
    )


def gate_name_taken() -> Conflict:
    return Conflict("gate_name_taken", "本场地已有同名闸口", "This site already has a gate of that name", field="name")


def lane_name_taken() -> Conflict:
    return Conflict("lane_name_taken", "本场地已有同名车道", "This site already has a lane of that name", field="name")


def device_code_taken() -> Conflict:
    return Conflict("device_code_taken", "该设备编码已登记", "This device code is already registered", field="code")


def gate_not_in_site() -> Invalid:
    # The same answer for a missing gate and another site's gate: ids of others reveal nothing.
    return Invalid("gate_not_in_site", "本场地没有该闸口", "No such gate at this site", field="gateId")


def lane_not_in_site() -> Invalid:
    return Invalid("lane_not_in_site", "本场地没有该车道", "No such lane at this site", field="laneId")


def lane_direction_mismatch(gate_direction: str) -> Invalid:
    return Invalid(
        "lane_direction_mismatch",
        f"闸口方向为「{gate_direction}」，车道方向须与之一致",
        f"The gate is '{gate_direction}' only; the lane's direction must match it",
        field="direction",
    )
