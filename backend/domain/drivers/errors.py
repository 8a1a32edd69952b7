from __future__ import annotations

from backend.errors import Conflict, Forbidden, NotFound


def id_number_taken() -> Conflict:
    # Says only that the number is registered, never by whom.
    return Conflict(
        "id_number_taken", "该身份证号已注册司机档案，如非本人操作请联系平台",
        "A driver record already exists for this ID number; contact the platform if it is not yours",
        field="idNumber",
    )


def phone_taken() -> Conflict:
    return Conflict("phone_taken", "该手机号已注册", "This phone number is already registered", field="phone")


def no_driver_record() -> NotFound:
    return NotFound("司机档案", "driver record")


def driver_blacklisted() -> Forbidden:
    return Forbidden("driver_blacklisted", "司机已列入失信黑名单，无法办理", "The driver is blacklisted")


def driver_not_found_by_phone() -> NotFound:
    return NotFound("该手机号的司机", "driver with this phone", field="phone")


def driver_has_carrier() -> Conflict:
    return Conflict(
        "driver_has_carrier", "该司机已挂靠其他承运企业", "The driver is already bound to another carrier",
        field="phone",
    )


def status_not_allowed() -> Forbidden:
    return Forbidden("driver_status_forbidden", "无权变更该司机状态", "Not allowed to change this driver's status")
