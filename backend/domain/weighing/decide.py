"""The platform's decision when a truck is identified at a lane (docs/lane-protocol.md §1): which
order, whether the barrier opens, and whether this is the tare or the gross weighing."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.db.base import utcnow
from backend.domain.machines.schemas import MachineCaller
from backend.domain.orders import service as orders
from backend.domain.orders.schemas import WEIGHABLE_STATUSES, OrderBrief
from backend.domain.weighing import errors, lanes
from backend.domain.weighing.schemas import LaneDecisionOut, LaneIdentify
from devices.passcode import normalise_plate

# The camera's plate is checked against the pass by the pass check itself (pass_wrong_plate), and
# the plate-only path finds the order by that plate: the weighing checks it again (plate swaps).


def refused(code: str, order: OrderBrief | None = None) -> LaneDecisionOut:
    zh, en = errors.REFUSALS.get(code) or orders.message(code)
    return LaneDecisionOut(accepted=False, code=code, message_zh=zh, message_en=en, open_barrier=False,
                           order_id=order.id if order else None, order_no=order.order_no if order else None,
                           plate=order.plate if order else None)


async def identify(session: AsyncSession, *, ctx: Context, machine: MachineCaller, data: LaneIdentify) -> LaneDecisionOut:
    lane = await lanes.lane_of(session, machine=machine)
    rules = await lanes.site_rules(session, site_id=lane.site_id)
    plate_read = normalise_plate(data.plate_read or "")
    now = utcnow()
    if data.code:
        code, order = await orders.order_by_pass(session, ctx=ctx, site_id=lane.site_id, code=data.code,
                                                     plate_read=plate_read)
        if code != "ok":
            return refused(code, order)
    elif not rules.plate_only:
        return refused("code_required")
    elif not plate_read:
        return refused("plate_unread")
    else:
        order = await orders.order_by_plate(session, site_id=lane.site_id, plate=plate_read)
        if order is None:
            return refused("plate_unknown")
    assert order is not None
    if order.status not in WEIGHABLE_STATUSES:
        return refused("order_not_weighable", order)
    kind = await lanes.next_kind(session, order_id=order.id, now=now)
    if kind is None:
        return refused("weighing_done", order)
    refusal = await orders.enter(session, ctx=ctx, machine=machine, order_id=order.id, at=now,
                                     plate_read=plate_read, require_call=True)
    if refusal is not None:
        return refused(refusal, order)
    zh, en = ("请上磅称皮重", "Drive on for the tare") if kind == "tare" else ("请上磅称毛重", "Drive on for the gross")
    return LaneDecisionOut(accepted=True, code="ok", message_zh=f"{order.plate} {zh}", message_en=f"{order.plate}: {en}",
                           open_barrier=True, kind=kind, order_id=order.id, order_no=order.order_no, plate=order.plate)  # type: ignore[arg-type]
