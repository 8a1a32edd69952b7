"""Pickup-order errors, each with its stable code, both languages and the JSON field it concerns."""

from __future__ import annotations

from backend.domain.orders.schemas import STATUS_LABELS
from backend.errors import Conflict, Invalid, NotFound
from backend.errors import illegal_transition as shared_illegal_transition


def _t(kg: int) -> str:
    return f"{kg / 1000:g}"


def order_not_found() -> NotFound:
    return NotFound("提煤单", "pickup order")


def site_not_found() -> NotFound:
    return NotFound("场区", "site", field="siteId")


def illegal_transition(from_status: str, to_status: str) -> Conflict:
    return shared_illegal_transition("order_illegal_transition", what_zh="提煤单", what_en="pickup order",
                                     labels=STATUS_LABELS, from_status=from_status, to_status=to_status)


def planned_kg(min_kg: int, max_kg: int) -> Invalid:
    return Invalid("order_planned_kg", f"计划装载量须在 {_t(min_kg)} 至 {_t(max_kg)} 吨之间",
                   f"The planned load must be between {_t(min_kg)} t and {_t(max_kg)} t", field="plannedKg")


def count(limit: int) -> Invalid:
    return Invalid("order_count", f"一次开单数量须在 1 至 {limit} 之间", f"A batch holds 1 to {limit} orders",
                   field="count")


def site_not_sellers() -> Invalid:
    return Invalid("order_site_not_sellers", "该场区不属于合同卖方", "The site does not belong to the contract's seller",
                   field="siteId")


def site_closed() -> Conflict:
    return Conflict("order_site_closed", "该场区已关闭，不能开单", "The site is closed and cannot take orders",
                    field="siteId")


def carrier_invalid() -> Invalid:
    return Invalid("order_carrier_invalid", "承运单位不存在、不是运输企业或已被暂停",
                   "The carrier is unknown, not a carrier, or suspended", field="carrierOrgId")


def validity(zh: str, en: str, *, field: str) -> Invalid:
    return Invalid("order_validity", zh, en, field=field)


def vehicle_unknown() -> Invalid:
    return Invalid("order_vehicle_unknown", "平台上没有该车牌的在用车辆", "No active vehicle with this plate is registered",
                   field="plate")


def vehicle_blocked() -> Conflict:
    return Conflict("order_vehicle_blocked", "该车辆已停用或列入黑名单，不能派单",
                    "This vehicle is retired or blacklisted and cannot be dispatched", field="plate")


def vehicle_not_carriers() -> Invalid:
    return Invalid("order_vehicle_not_carriers", "该车辆不属于本单指定的承运单位",
                   "This vehicle does not belong to the order's carrier", field="plate")


def vehicle_busy() -> Conflict:
    return Conflict("order_vehicle_busy", "该车辆已有未完成的提煤单，一车同时只能承运一单",
                    "This vehicle already has an open pickup order; a truck carries one load at a time", field="plate")


def overweight(planned_kg: int, rated_load_kg: int, legal_gross_kg: int) -> Conflict:
    return Conflict(
        "order_vehicle_overweight",
        f"计划装载 {_t(planned_kg)} 吨超过该车核定载质量 {_t(rated_load_kg)} 吨"
        f"（按 GB 1589 总质量限值 {_t(legal_gross_kg)} 吨），请换车或减少计划量",
        f"The planned load of {_t(planned_kg)} t exceeds this vehicle's rated load of {_t(rated_load_kg)} t "
        f"(legal gross {_t(legal_gross_kg)} t under GB 1589); choose another truck or plan less",
        field="plate",
    )


def driver_unmatched() -> Invalid:
    return Invalid("order_driver_unmatched", "该手机号没有可驾驶此车承运本单的司机（请核对手机号、车牌及司机所属承运单位）",
                   "No driver with this phone may drive this vehicle for this order (check the phone, the plate "
                   "and the driver's carrier)", field="driverPhone")


def driver_not_verified() -> Conflict:
    return Conflict("order_driver_not_verified", "该司机尚未通过实名认证，不能派单",
                    "This driver's real name is not verified; he cannot be dispatched", field="driverPhone")


def driver_blacklisted() -> Conflict:
    return Conflict("order_driver_blacklisted", "该司机已被列入失信黑名单，不能派单",
                    "This driver is blacklisted and cannot be dispatched", field="driverPhone")


def not_yet_valid() -> Conflict:
    return Conflict("order_not_yet_valid", "提煤单尚未生效", "The pickup order is not valid yet", field="validFrom")


def lapsed() -> Conflict:
    return Conflict("order_lapsed", "提煤单已过有效期", "The pickup order's validity has passed", field="validUntil")


# --- One-code pass (backend/domain/orders/passes.py, gate.py) ---------------------------------------

def pass_unavailable(status: str) -> Conflict:
    zh, en = STATUS_LABELS.get(status, (status, status))
    return Conflict("order_pass_unavailable", f"提煤单当前为「{zh}」，只有已派车或已入场的提煤单有通行码",
                    f"This pickup order is {en.lower()}: only a dispatched or entered order has a pass",
                    field="status")


def gate_site_not_found() -> NotFound:
    return NotFound("场站", "site", field="siteId")


def gate_not_found() -> NotFound:
    return NotFound("闸口", "gate", field="gateId")

