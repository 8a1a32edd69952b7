"""Queue refusals, each with its stable code, both languages and the JSON field it concerns."""

from __future__ import annotations

from datetime import datetime

from backend.domain.queue import rules
from backend.errors import Conflict, Invalid, NotFound


def outside_zone(distance_m: float) -> Invalid:
    far = rules.distance_text(distance_m)
    return Invalid(
        "checkin_outside_zone",
        f"您距签到区还有 {far}，请进入签到区后再签到",
        f"You are {far} from the check-in zone; check in once you are inside it",
        field="position",
    )


def inaccurate(accuracy_m: float) -> Invalid:
    return Invalid(
        "checkin_position_inaccurate",
        f"定位精度 {accuracy_m:.0f} m 过低（须优于 {rules.MAX_ACCURACY_M:.0f} m），请打开 GPS 后重试",
        f"The position is only accurate to {accuracy_m:.0f} m (must be within {rules.MAX_ACCURACY_M:.0f} m); "
        "turn on GPS and try again",
        field="accuracyM",
    )


def position_invalid() -> Invalid:
    return Invalid("position_invalid", "坐标无效：应为中国境内的 [经度, 纬度]",
                   "Invalid position: a [lon, lat] inside China is expected", field="position")


def line_invalid(line: str) -> Invalid:
    return Invalid("queue_line_invalid", f"品种代码「{line[:40]}」无效", f"Invalid product line '{line[:40]}'",
                   field="line")


def site_missing() -> NotFound:
    return NotFound("场地", "site")


def site_closed() -> Conflict:
    return Conflict("site_closed", "该场地已停用，不能签到或预约", "This site is closed: no check-ins or bookings")


def entry_missing() -> NotFound:
    return NotFound("排队记录", "queue entry")


def appointment_required(hour_start: datetime | None) -> Conflict:
    if hour_start is None:
        return Conflict("appointment_required", "该场地须预约后签到，请先预约到场时段",
                        "This site takes check-ins by appointment only: book an hour first")
    zh, en = rules.hour_text(hour_start)
    return Conflict("appointment_not_now", f"您预约的时段是 {zh}，请在该时段内（前后 15 分钟）签到",
                    f"Your appointment is for {en}; check in within that hour (15 minutes either side)")


def slot_full(hour_start: datetime) -> Conflict:
    zh, en = rules.hour_text(hour_start)
    return Conflict("slot_full", f"{zh} 时段已约满，请选择其他时段", f"The hour {en} is fully booked; pick another",
                    field="hourStart")


def slot_hour_invalid() -> Invalid:
    return Invalid("slot_hour_invalid", "预约时段须为整点，且在未来 7 天之内",
                   "An appointment starts on the hour, within the next 7 days", field="hourStart")


def not_callable(state: str) -> Conflict:
    return Conflict("queue_state_conflict", f"该车当前状态为「{rules.state_label(state)[0]}」，不能执行此操作",
                    f"The truck is '{rules.state_label(state)[1]}' now; this is not possible")


def requeue_used() -> Conflict:
    return Conflict("queue_requeue_used", "该车已被移到队尾一次，再次误叫将被移出队列",
                    "This truck was already moved to the tail once; a further missed call drops it")
