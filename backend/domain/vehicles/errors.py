from __future__ import annotations

from backend.errors import Conflict, Invalid, NotFound


def plate_taken(field: str = "plate") -> Conflict:
    return Conflict(
        "plate_taken", "该车牌已有在用车辆登记", "An active vehicle with this plate is already registered",
        field=field,
    )


def vehicle_not_found() -> NotFound:
    return NotFound("车辆", "vehicle")


def terminal_phone_format(field: str = "terminalPhone") -> Invalid:
    return Invalid(
        "terminal_phone_format", "终端手机号应为 11–20 位数字（JT/T 808 终端标识）",
        "A terminal phone (JT/T 808 terminal id) has 11-20 digits", field=field,
    )
