"""What a consignee's receipt says against the mine's records (issue 13, point 1): the trade alerts
of a load that arrived.

- receipt_disagreement: the received net differs from the ticket's net beyond the tolerance (scales
  and moisture differ a little; more is a short delivery, a swapped load or a doctored ticket). The
  mine's enterprise handles it: its ticket is one side of the disagreement.
- overload: the consignee's gross is above the truck's legal gross. The mine refuses an overweight
  gross at its scale (weighing's `overweight`, the site's alert), so a load that was legal at the
  mine and overloaded on arrival was topped up on the road: the carrier's to answer for.
- price_off_contract: the price the consignee settled at is far from the contract's.

Each carries the ids an evidence pack collects (waybill, ticket, the receipt's figures).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertRaise
from backend.domain.contracts import service as contracts
from backend.domain.orders import service as orders
from backend.domain.vehicles import service as vehicles
from backend.domain.waybills.models import Waybill
from backend.domain.waybills.schemas import WaybillReceipt
from backend.domain.weighing import service as weighing
from backend.settings import Settings


def _t(kg: int) -> str:
    return f"{kg / 1000:.2f}"


async def check(session: AsyncSession, *, settings: Settings, waybill: Waybill, data: WaybillReceipt,
                at: datetime) -> list[str]:
    """Raise what the receipt shows; returns the kinds raised."""
    raised: list[str] = []
    ticket = await weighing.valid_ticket(session, order_id=waybill.order_id)
    base = {"waybillNo": waybill.waybill_no, "receivedNetKg": data.net_kg, "receivedAt": at.isoformat(),
            "ticketId": str(ticket.id) if ticket else None, "ticketNo": ticket.ticket_no if ticket else None}

    async def raise_(kind: str, *, zh: str, en: str, org_id: uuid.UUID, site: bool, details: dict[str, object]) -> None:
        await alerts.raise_alert(session, at=at, data=AlertRaise(
            kind=kind, org_id=org_id,
            site_id=waybill.origin_site_id if site else None, region_code=waybill.region_code,
            ref=f"waybill:{waybill.id}", plate=waybill.plate, order_no=waybill.order_no,
            message_zh=zh, message_en=en, details={**base, **details}))
        raised.append(kind)

    if ticket is not None:
        gap_kg = data.net_kg - ticket.net_kg
        tolerance_kg = max(settings.receipt_tolerance_min_kg, round(ticket.net_kg * settings.receipt_tolerance_pct / 100))
        if abs(gap_kg) > tolerance_kg:
            await raise_("receipt_disagreement", org_id=waybill.seller_org_id, site=True,
                         zh=f"{waybill.plate} 收货净重 {_t(data.net_kg)} 吨与磅单 {ticket.ticket_no} 净重 {_t(ticket.net_kg)} 吨不符",
                         en=f"{waybill.plate}: received net {_t(data.net_kg)} t, ticket {ticket.ticket_no} says "
                            f"{_t(ticket.net_kg)} t",
                         details={"ticketNetKg": ticket.net_kg, "gapKg": gap_kg, "toleranceKg": tolerance_kg})
    if data.gross_kg is not None:
        vehicle = (await vehicles.briefs_by_id(session, vehicle_ids={waybill.vehicle_id})).get(waybill.vehicle_id)
        if vehicle is not None and data.gross_kg > vehicle.legal_gross_kg:
            await raise_("overload", org_id=waybill.carrier_org_id or waybill.seller_org_id, site=False,
                         zh=f"{waybill.plate} 到货毛重 {_t(data.gross_kg)} 吨超过核定总质量 {_t(vehicle.legal_gross_kg)} 吨",
                         en=f"{waybill.plate} arrived at {_t(data.gross_kg)} t gross, above its legal "
                            f"{_t(vehicle.legal_gross_kg)} t",
                         details={"receivedGrossKg": data.gross_kg, "legalGrossKg": vehicle.legal_gross_kg,
                                  "ticketGrossKg": ticket.gross_kg if ticket else None})
    if data.price_fen_per_t is not None:
        order = await orders.order_brief(session, order_id=waybill.order_id)
        price = (await contracts.contract_prices(session, contract_ids={order.contract_id})).get(order.contract_id) \
            if order is not None else None
        if price is not None and abs(data.price_fen_per_t - price) * 100 > price * settings.price_off_contract_pct:
            await raise_("price_off_contract", org_id=waybill.seller_org_id, site=True,
                         zh=f"{waybill.plate} 结算价 {data.price_fen_per_t / 100:.2f} 元/吨偏离合同价 {price / 100:.2f} 元/吨",
                         en=f"{waybill.plate} settled at {data.price_fen_per_t / 100:.2f} yuan/t; the contract says "
                            f"{price / 100:.2f} yuan/t",
                         details={"priceFenPerT": data.price_fen_per_t, "contractPriceFenPerT": price,
                                  "contractId": str(order.contract_id) if order else None})
    return raised
