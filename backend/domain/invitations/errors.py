from __future__ import annotations

from backend.errors import Conflict, NotFound


def invitation_not_found() -> NotFound:
    return NotFound("邀请", "invitation")


_STATUS = {"accepted": ("已接受", "accepted"), "declined": ("已拒绝", "declined"), "cancelled": ("已撤回", "cancelled"),
           "expired": ("已过期", "expired"), "pending": ("待处理", "pending")}


def not_pending(status: str) -> Conflict:
    zh, en = _STATUS.get(status, (status, status))
    return Conflict("invitation_not_pending", f"该邀请{zh}，不能再处理", f"This invitation is {en} and can no longer be answered")


def already_pending() -> Conflict:
    return Conflict("invitation_pending", "已向该手机号发出相同的邀请，正在等待对方处理",
                    "The same invitation to this phone is already waiting for an answer", field="phone")


def driver_record_required() -> Conflict:
    return Conflict("driver_record_required", "请先用本手机号完成司机实名注册，再接受车队邀请",
                    "Register as a driver with this phone first, then accept the fleet invitation")
