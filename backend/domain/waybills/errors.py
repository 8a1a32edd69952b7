"""Errors of the waybill feature; codes are API."""

from __future__ import annotations

from backend.errors import Conflict, Invalid, NotFound


def waybill_not_found() -> NotFound:
    return NotFound("运单", "waybill")


def no_current_waybill() -> NotFound:
    return NotFound("进行中的运单（当前没有运输任务）", "current waybill (no load on the road now)")


def order_not_found() -> NotFound:
    return NotFound("提煤单", "pickup order", field="orderNo")


def order_not_ticketed() -> Conflict:
    return Conflict("order_not_ticketed", "提煤单尚未出具磅单（未完成过磅），不能开运单",
                    "The pickup order has no weigh ticket yet: no waybill before the load is weighed",
                    field="orderNo")


def bad_route(zh: str, en: str) -> Invalid:
    return Invalid("route_invalid", f"计划路线无效：{zh}", f"Invalid planned route: {en}", field="route")


def already_received() -> Conflict:
    return Conflict("waybill_received", "运单已签收", "The waybill has already been received", field="status")


def cancelled() -> Conflict:
    return Conflict("waybill_cancelled", "运单已作废", "The waybill has been cancelled", field="status")


def bad_time() -> Invalid:
    return Invalid("time_without_offset", "时间必须带时区（如 +08:00）", "The time must carry its UTC offset (e.g. +08:00)",
                   field="weighedAt")


def site_not_found() -> NotFound:
    return NotFound("场地", "site", field="siteId")


def region_not_found() -> NotFound:
    return NotFound("行政区划", "region", field="regionCode")
