"""Pure rules of pickup orders: the lifecycle's moves, numbers, weights, validity windows."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from backend.domain.orders import errors
from backend.domain.orders.schemas import OrderStatus

CHINA_TZ = ZoneInfo("Asia/Shanghai")
# GB 1589's heaviest legal gross (six axles) is 49 t: no single truck load can be planned above it,
# whatever the configured bound (settings.order_max_planned_kg) says.
LEGAL_MAX_LOAD_KG = 49_000
MAX_BATCH = 100
DEFAULT_VALIDITY = timedelta(hours=24)
# A pickup order is a day's errand, not a standing permit: a week is the longest window.
MAX_VALIDITY = timedelta(days=7)

# issued → dispatched → entered → completed, or cancelled / expired (lifecycle.move enforces it).
TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.ISSUED: frozenset({OrderStatus.DISPATCHED, OrderStatus.CANCELLED, OrderStatus.EXPIRED}),
    # dispatched → dispatched: the truck is changed before it enters.
    OrderStatus.DISPATCHED: frozenset({OrderStatus.DISPATCHED, OrderStatus.ENTERED, OrderStatus.CANCELLED,
                                       OrderStatus.EXPIRED}),
    # Once inside, only the weighbridge closes the order (a truck inside is never "expired").
    OrderStatus.ENTERED: frozenset({OrderStatus.COMPLETED}),
}
# Statuses in which an order has a pass: dispatched (to enter) and entered (to leave).
PASS_STATUSES = (OrderStatus.DISPATCHED, OrderStatus.ENTERED)


def may_move(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


# What a page may offer for an order in `status` (the view structs carry the answers).
def awaits_truck(status: str) -> bool:
    return status == OrderStatus.ISSUED


def can_dispatch(status: str) -> bool:
    return may_move(status, OrderStatus.DISPATCHED)


def can_cancel(status: str) -> bool:
    return may_move(status, OrderStatus.CANCELLED)


def can_check_in(status: str) -> bool:
    """Check-in (and booking an hour) is for a truck on its way: dispatched, not yet inside."""
    return status == OrderStatus.DISPATCHED


def has_pass(status: str) -> bool:
    return status in PASS_STATUSES


def order_no(now: datetime) -> str:
    """TM + the China date (yymmdd) + 8 random digits: the trace code a driver reads out at a gate.
    Random rather than sequential so that numbers reveal nothing of a mine's daily volume."""
    return f"TM{now.astimezone(CHINA_TZ):%y%m%d}{secrets.randbelow(10**8):08d}"


def planned_kg(value: int, *, min_kg: int, max_kg: int) -> int:
    """Within the configured plausibility bounds, and never above what a truck may legally carry."""
    high = min(max_kg, LEGAL_MAX_LOAD_KG)
    if not min_kg <= value <= high:
        raise errors.planned_kg(min_kg, high)
    return value


def batch_count(value: int) -> int:
    if not 1 <= value <= MAX_BATCH:
        raise errors.count(MAX_BATCH)
    return value


def as_utc(value: datetime) -> datetime:
    """A time without a zone is a local (China) time, as a form's datetime-local field sends it."""
    return (value.replace(tzinfo=CHINA_TZ) if value.tzinfo is None else value).astimezone(UTC)


def validity(*, now: datetime, valid_from: datetime | None, valid_until: datetime | None,
             contract_from: date, contract_until: date) -> tuple[datetime, datetime]:
    start = as_utc(valid_from) if valid_from else now
    end = as_utc(valid_until) if valid_until else start + DEFAULT_VALIDITY
    contract_start = datetime.combine(contract_from, time(), CHINA_TZ).astimezone(UTC)
    contract_end = datetime.combine(contract_until + timedelta(days=1), time(), CHINA_TZ).astimezone(UTC)
    end = min(end, contract_end) if valid_until is None else end
    if end <= start:
        raise errors.validity("有效期结束须晚于开始", "The validity must end after it starts", field="validUntil")
    if end <= now:
        raise errors.validity("有效期已过", "The validity has already ended", field="validUntil")
    if end - start > MAX_VALIDITY:
        raise errors.validity("提煤单有效期最长 7 天", "A pickup order is valid for 7 days at most", field="validUntil")
    if start < contract_start - timedelta(seconds=1) or end > contract_end:
        raise errors.validity(
            f"有效期须在合同有效期（{contract_from} 至 {contract_until}）之内",
            f"The validity must lie within the contract's ({contract_from} to {contract_until})", field="validFrom",
        )
    return start, end
