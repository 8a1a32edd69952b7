"""Weighing errors (4xx) and the refusal messages a lane shows and speaks (200 answers)."""

from __future__ import annotations

from types import MappingProxyType

from backend.errors import Forbidden, Invalid, NotFound

# code -> (zh, en) for refusals without figures; checks with figures (rules.Finding) say their own.
REFUSALS: MappingProxyType[str, tuple[str, str]] = MappingProxyType({
    "plate_mismatch": ("车牌与提煤单不符", "The plate on camera differs from the pickup order's"),
    "plate_unread": ("未识别到车牌，请将车辆停正后重试", "No plate was read: position the truck and try again"),
    "plate_unknown": ("本场没有该车的有效提煤单", "No open pickup order at this site for this plate"),
    "code_required": ("请出示提煤单通行码", "Show the pickup order's pass code"),
    "grating_blocked": ("车辆位置错误，请正确停车（光栅被遮挡）", "Truck out of position: a grating is blocked"),
    "reweigh_not_allowed": ("该提煤单已过磅，复磅须经主管授权", "Already weighed: a re-weigh needs a supervisor's override"),
    "weighing_done": ("该提煤单已完成过磅", "This pickup order has been weighed"),
    "tare_missing": ("尚未过皮重，请先空车过磅", "No tare yet: weigh the empty truck first"),
    "gross_below_tare": ("毛重不大于皮重，请装车后再过磅", "Gross is not above the tare: load first"),
    "order_not_weighable": ("提煤单状态不允许过磅", "The pickup order cannot be weighed in its state"),
    "kind_mismatch": ("过磅类型与平台记录不符", "The weighing kind disagrees with the platform's record"),
})
OK_TARE = ("皮重 {t} 吨，请前往装车", "Tare {t} t: proceed to loading")
OK_GROSS = ("毛重 {g} 吨，净重 {n} 吨，磅单 {no}，请出场", "Gross {g} t, net {n} t, ticket {no}: proceed to exit")


def lane_device_required() -> Forbidden:
    return Forbidden("lane_device_required", "须使用地磅车道设备的密钥", "Use the key of a weighbridge lane's device")


def order_not_found() -> NotFound:
    return NotFound("提煤单", "pickup order", field="orderId")


def ticket_not_found() -> NotFound:
    return NotFound("磅单", "weigh ticket")


def photo_not_found() -> NotFound:
    return NotFound("磅单照片", "ticket photo")


def signature_invalid() -> Invalid:
    return Invalid("weighing_signature_invalid", "过磅记录签名无效（不是该设备签发的记录）",
                   "The weighing's signature is invalid (not made by this device)", field="signature")


def weighing_conflict() -> Invalid:
    return Invalid("weighing_id_taken", "该过磅编号已被其他设备使用", "This weighingId belongs to another device",
                   field="weighingId")


def picture_invalid(name: str) -> Invalid:
    return Invalid("weighing_picture_invalid", f"图片 {name} 不是有效的 base64 JPEG",
                   f"Picture {name} is not valid base64 JPEG", field="pictures")


def times_invalid() -> Invalid:
    return Invalid("weighing_times_invalid", "过磅时间不合理（晚于当前时间或早于上磅时间）",
                   "The weighing time is implausible (in the future or before the truck came on)", field="weighedAt")


def override_not_needed() -> Invalid:
    return Invalid("override_not_needed", "该提煤单尚无此类过磅记录，无需复磅授权",
                   "There is no such weighing to redo: no override needed", field="kind")
