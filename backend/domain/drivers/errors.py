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


def driver_has_carrier() -> Conflict:
    # Said to the driver himself (accepting an invitation), never to the inviting carrier.
    return Conflict(
        "driver_has_carrier", "您已挂靠其他承运企业；确认转挂（leaveCurrentCarrier）后才能接受此邀请",
        "You are bound to another carrier; confirm the move (leaveCurrentCarrier) to accept this invitation",
        field="leaveCurrentCarrier",
    )


def fleet_changed() -> Conflict:
    return Conflict("fleet_changed", "您的挂靠关系刚刚发生了变化，请刷新后再试",
                    "Your carrier binding changed a moment ago; refresh and try again")


def status_not_allowed() -> Forbidden:
    return Forbidden("driver_status_forbidden", "无权变更该司机状态", "Not allowed to change this driver's status")
