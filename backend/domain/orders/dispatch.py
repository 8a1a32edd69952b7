"""派单: a truck and its driver for an issued order, by the mine's dispatcher or the named carrier.

Both must be real-name verified and not blacklisted, the driver must own the truck or drive for its
carrier, the truck's rated load (within its GB 1589 legal gross) must carry the planned load, and a
truck carries one open order at a time (a partial unique index holds that under races too).
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.db.base import utcnow
from backend.domain.drivers import service as drivers
from backend.domain.drivers.schemas import DriverBrief
from backend.domain.identity.schemas import SITE_STAFF, Principal
from backend.domain.notices import service as notices
from backend.domain.orders import errors, views
from backend.domain.orders.access import access_order, can_dispatch
from backend.domain.orders.lifecycle import check_transition, move
from backend.domain.orders.models import OCCUPYING, PickupOrder
from backend.domain.orders.schemas import OrderDispatch, OrderOut, OrderStatus
from backend.domain.organisations import service as organisations
from backend.domain.queue import service as queue
from backend.domain.vehicles import service as vehicles
from backend.domain.vehicles.schemas import VehicleBrief
from backend.errors import forbidden


def _drives(driver: DriverBrief, vehicle: VehicleBrief) -> bool:
    return vehicle.owner_driver_id == driver.id or (
        vehicle.carrier_org_id is not None and vehicle.carrier_org_id == driver.carrier_org_id)


def check_pair(order: PickupOrder, vehicle: VehicleBrief | None, driver: DriverBrief | None) -> tuple[VehicleBrief, DriverBrief]:
    if vehicle is None:
        raise errors.vehicle_unknown()
    if vehicle.status != "active":
        raise errors.vehicle_blocked()
    # One answer for a phone no driver has, another carrier's driver and a driver who does not drive this
    # truck: told apart, they would let a dispatcher learn which phones are registered (issue 12). Only a
    # phone and plate that belong together reach the driver's own standing below.
    carriers_driver = order.carrier_org_id is None or (driver is not None and driver.carrier_org_id == order.carrier_org_id)
    if driver is None or not carriers_driver or not _drives(driver, vehicle):
        raise errors.driver_unmatched()
    # The carrier's own truck, or the truck its driver owns and runs under the carrier (挂靠).
    if order.carrier_org_id is not None and vehicle.carrier_org_id != order.carrier_org_id \
            and vehicle.owner_driver_id != driver.id:
        raise errors.vehicle_not_carriers()
    if driver.status != "active":
        raise errors.driver_blacklisted()
    if driver.real_name_status != "verified":
        raise errors.driver_not_verified()
    # The rated load is what the licence lets the truck carry; GB 1589's legal gross caps truck + load.
    if order.planned_kg > min(vehicle.rated_load_kg, vehicle.legal_gross_kg):
        raise errors.overweight(order.planned_kg, vehicle.rated_load_kg, vehicle.legal_gross_kg)
    return vehicle, driver


async def _busy(session: AsyncSession, *, vehicle_id: uuid.UUID, order_id: uuid.UUID) -> bool:
    row = (await session.execute(select(PickupOrder.id).where(
        PickupOrder.vehicle_id == vehicle_id, PickupOrder.status.in_(OCCUPYING), PickupOrder.id != order_id,
    ))).first()
    return row is not None


async def dispatch_order(session: AsyncSession, *, ctx: Context, actor: Principal, order_id: uuid.UUID,
                         data: OrderDispatch) -> OrderOut:
    order = await access_order(session, actor, order_id)
    if not can_dispatch(actor, order):
        raise forbidden()
    # The organisation the dispatcher acts for must have passed its review.
    acting_for = order.seller_org_id if actor.is_member(order.seller_org_id, SITE_STAFF) else order.carrier_org_id
    if acting_for is not None:
        organisations.check_transacting((await organisations.briefs(session, org_ids={acting_for})).get(acting_for))
    check_transition(order.status, OrderStatus.DISPATCHED)
    now = utcnow()
    if order.valid_until <= now:
        raise errors.lapsed()
    vehicle, driver = check_pair(order, await vehicles.brief_by_plate(session, plate=data.plate),
                                 await drivers.brief_by_phone(session, phone=data.driver_phone))
    if await _busy(session, vehicle_id=vehicle.id, order_id=order.id):
        raise errors.vehicle_busy()
    previous_driver = order.driver_user_id
    redispatch = order.status == OrderStatus.DISPATCHED
    try:
        await move(session, actor=actor.actor, order=order, to=OrderStatus.DISPATCHED,
                   note=f"{vehicle.plate} / {driver.name}" + ("（改派）" if redispatch else ""),
                   vehicle_id=vehicle.id, driver_id=driver.id, driver_user_id=driver.user_id, plate=vehicle.plate,
                   new_energy=vehicle.new_energy, dispatched_at=now)
    except IntegrityError as exc:  # the same truck was dispatched elsewhere a moment ago
        raise errors.vehicle_busy() from exc
    if redispatch and previous_driver is not None:
        await queue.leave(session, ctx=ctx, order_id=order.id, reason="redispatched")
    out = await views.one(session, order, reader=actor)  # the answer names the driver: a read of his name
    await notices.enqueue(
        session, user_id=driver.user_id, kind="order_dispatched", title_zh="新的提煤单", title_en="New pickup order",
        body_zh=f"{out.site_name}：{out.product_label.zh} {order.planned_kg / 1000:g} 吨，车牌 {vehicle.plate}，"
                f"单号 {order.order_no}。请在有效期内签到排队。",
        body_en=f"{out.site_name}: {out.product_label.en} {order.planned_kg / 1000:g} t, plate {vehicle.plate}, "
                f"order {order.order_no}. Check in to queue within its validity.",
        data={"orderId": str(order.id), "orderNo": order.order_no, "url": f"/driver/orders/{order.id}"}, sms=True,
    )
    return out
