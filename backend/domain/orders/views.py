"""ORM rows → wire structs, with the names a reader wants (parties, site, contract, driver)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.contracts import service as contracts
from backend.domain.contracts.schemas import PRODUCT_LABELS, LabelOut
from backend.domain.drivers import service as drivers
from backend.domain.identity.schemas import Principal
from backend.domain.orders import rules
from backend.domain.orders.models import OrderTransition, PickupOrder
from backend.domain.orders.schemas import STATUS_LABELS, OrderBrief, OrderOut, TransitionOut
from backend.domain.organisations import service as organisations
from backend.domain.sites import service as sites


def label(labels: dict[str, tuple[str, str]], key: str) -> LabelOut:
    zh, en = labels.get(key, (key, key))
    return LabelOut(zh=zh, en=en)


async def outs(session: AsyncSession, orders: list[PickupOrder], *, reader: Principal | None = None) -> list[OrderOut]:
    """`reader`: who the orders are shown to; his reads of their drivers' names are recorded (audit)."""
    orgs = {o.seller_org_id for o in orders} | {o.buyer_org_id for o in orders}
    orgs |= {o.carrier_org_id for o in orders if o.carrier_org_id}
    org_names = await organisations.org_names(session, org_ids=orgs)
    site_names = await sites.site_names(session, site_ids={o.site_id for o in orders})
    numbers = await contracts.contract_numbers(session, contract_ids={o.contract_id for o in orders})
    driver_names = await drivers.names(session, driver_ids={o.driver_id for o in orders if o.driver_id}, reader=reader,
                                       via=frozenset(orgs))
    return [
        OrderOut(
            id=o.id, order_no=o.order_no, status=o.status, status_label=label(STATUS_LABELS, o.status),
            contract_id=o.contract_id, contract_no=numbers.get(o.contract_id, ""),
            seller_org_id=o.seller_org_id, seller_name=org_names.get(o.seller_org_id, ""),
            buyer_org_id=o.buyer_org_id, buyer_name=org_names.get(o.buyer_org_id, ""),
            site_id=o.site_id, site_name=site_names.get(o.site_id, ""),
            product=o.product, product_label=label(PRODUCT_LABELS, o.product), planned_kg=o.planned_kg,
            carrier_org_id=o.carrier_org_id,
            carrier_name=org_names.get(o.carrier_org_id) if o.carrier_org_id else None,
            batch_id=o.batch_id, valid_from=o.valid_from, valid_until=o.valid_until, plate=o.plate,
            new_energy=o.new_energy, driver_id=o.driver_id,
            driver_name=driver_names.get(o.driver_id) if o.driver_id else None, note=o.note,
            dispatched_at=o.dispatched_at, entered_at=o.entered_at, closed_at=o.closed_at, created_at=o.created_at,
            awaits_truck=rules.awaits_truck(o.status), can_dispatch=rules.can_dispatch(o.status),
            can_cancel=rules.can_cancel(o.status), can_check_in=rules.can_check_in(o.status),
            has_pass=rules.has_pass(o.status),
        )
        for o in orders
    ]


async def one(session: AsyncSession, order: PickupOrder, *, reader: Principal | None = None) -> OrderOut:
    return (await outs(session, [order], reader=reader))[0]


def transition_out(t: OrderTransition) -> TransitionOut:
    return TransitionOut(at=t.at, actor_label=t.actor_label, from_status=t.from_status, to_status=t.to_status,
                         note=t.note)


def brief(o: PickupOrder) -> OrderBrief:
    return OrderBrief(id=o.id, order_no=o.order_no, contract_id=o.contract_id, seller_org_id=o.seller_org_id,
                      site_id=o.site_id, product=o.product, planned_kg=o.planned_kg, status=o.status, plate=o.plate,
                      vehicle_id=o.vehicle_id, driver_id=o.driver_id,
                      buyer_org_id=o.buyer_org_id, carrier_org_id=o.carrier_org_id, driver_user_id=o.driver_user_id,
                      region_code=o.region_code, exit_block=o.exit_block, entered_at=o.entered_at)
