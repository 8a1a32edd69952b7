"""Errors of the tracking feature (zones, phone uploads)."""

from __future__ import annotations

from backend.errors import Invalid, NotFound


def zone_not_found() -> NotFound:
    return NotFound("区域", "zone")


def region_out_of_scope() -> NotFound:
    return NotFound("行政区划", "region", field="regionCode")


def bad_geometry(code: str, zh: str, en: str) -> Invalid:
    return Invalid(code, zh, en, field="geometry")


def bad_position(index: int, name: str, zh: str, en: str) -> Invalid:
    return Invalid("position_invalid", f"第 {index + 1} 个定位点：{zh}", f"Position {index}: {en}",
                   field=f"positions[{index}].{name}")


def no_vehicle() -> NotFound:
    return NotFound("可上传定位的车辆（没有进行中的运单或提煤单，也没有自有车辆）",
                    "vehicle to upload for (no open waybill or order, and no own vehicle)", field="vehicleId")


def vehicle_not_driven() -> NotFound:
    return NotFound("车辆", "vehicle", field="vehicleId")
