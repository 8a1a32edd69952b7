"""A contract's orders with the documents of their chains, written as rows (the features that
issue them have their own tests): tickets, waybills, price terms, settlements, invoices, payments.
The world itself (parties, contract, site, orders, a truck) is made over HTTP."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select

from backend import clock as backend_clock
from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.invoices.models import TransportInvoice, TransportInvoiceLine, TransportInvoiceWaybill
from backend.domain.orders.models import PickupOrder
from backend.domain.payments.models import Payment
from backend.domain.pricing.models import PriceTerms
from backend.domain.settlements.models import Settlement, SettlementLine
from backend.domain.vehicles.models import Vehicle
from backend.domain.waybills.models import Waybill
from backend.domain.weighing.models import Weighing, WeighTicket
from tests import factories as f
from tests.orders import helpers as oh

_seq = itertools.count(1)


@dataclass
class Chain:
    w: oh.World
    carrier_id: uuid.UUID
    vehicle_id: uuid.UUID
    plate: str
    orders: list[dict[str, Any]]


async def world(
    ctx: Context, client: httpx.AsyncClient, *, count: int = 3, planned_kg: int = 30_000
) -> Chain:
    w = await oh.world(ctx, client, quantity_kg=10_000_000)
    carrier_id = await f.make_org(ctx, kind="carrier", region_code="150623")
    t = await oh.trucker(ctx, client)
    r = await client.post(
        "/api/mine/orders",
        headers=w.parties.sales,
        json={**oh.issue_body(w, plannedKg=planned_kg), "count": count, "carrierOrgId": str(carrier_id)},
    )
    assert r.status_code == 201, r.text
    async with unit_of_work(ctx) as session:
        vehicle_id = (await session.execute(select(Vehicle.id).where(Vehicle.plate == t.plate))).scalar_one()
    return Chain(w=w, carrier_id=carrier_id, vehicle_id=vehicle_id, plate=t.plate, orders=r.json())


def uid(value: Any) -> uuid.UUID:
    return uuid.UUID(str(value))


async def set_status(ctx: Context, order: dict[str, Any], status: str) -> None:
    async with unit_of_work(ctx) as session:
        o = await session.get(PickupOrder, uid(order["id"]))
        assert o is not None
        o.status = status
        await session.commit()


async def ticket(
    ctx: Context, c: Chain, order: dict[str, Any], *, net_kg: int = 30_000, gross_at: datetime | None = None
) -> WeighTicket:
    gross_at = gross_at or backend_clock.now() - timedelta(hours=1)
    n = next(_seq)
    async with unit_of_work(ctx) as session:
        o = await session.get(PickupOrder, uid(order["id"]))
        assert o is not None
        ws = []
        for kind, kg, at in (
            ("tare", 15_000, gross_at - timedelta(minutes=30)),
            ("gross", 15_000 + net_kg, gross_at),
        ):
            weighing = Weighing(
                id=uuid.uuid4(),
                order_id=o.id,
                site_id=o.site_id,
                key_id="k",
                kind=kind,
                weight_kg=kg,
                on_scale_at=at,
                weighed_at=at,
                status="accepted",
                code="ok",
                signature="s",
            )
            session.add(weighing)
            ws.append(weighing)
        await session.flush()
        t = WeighTicket(
            ticket_no=f"T{n:08d}{uuid.uuid4().hex[:6]}",
            verify_code="v",
            order_id=o.id,
            order_no=o.order_no,
            contract_id=o.contract_id,
            contract_no="C",
            seller_org_id=o.seller_org_id,
            buyer_org_id=o.buyer_org_id,
            carrier_org_id=o.carrier_org_id,
            seller_name="卖方",
            buyer_name="买方",
            carrier_name=None,
            region_code=o.region_code,
            site_id=o.site_id,
            site_name="矿",
            plate=c.plate,
            product=o.product,
            tare_weighing_id=ws[0].id,
            gross_weighing_id=ws[1].id,
            tare_kg=15_000,
            gross_kg=15_000 + net_kg,
            net_kg=net_kg,
            tare_at=ws[0].weighed_at,
            gross_at=gross_at,
            evidence_seq=n,
        )
        session.add(t)
        await session.commit()
        return t


async def waybill(
    ctx: Context,
    c: Chain,
    order: dict[str, Any],
    t: WeighTicket,
    *,
    status: str = "received",
    received_kg: int | None = None,
    departed_at: datetime | None = None,
) -> Waybill:
    departed_at = departed_at or t.gross_at + timedelta(minutes=10)
    async with unit_of_work(ctx) as session:
        o = await session.get(PickupOrder, uid(order["id"]))
        assert o is not None
        wb = Waybill(
            waybill_no=f"W{next(_seq):08d}{uuid.uuid4().hex[:6]}",
            order_id=o.id,
            order_no=o.order_no,
            ticket_no=t.ticket_no,
            vehicle_id=c.vehicle_id,
            plate=c.plate,
            carrier_org_id=o.carrier_org_id,
            seller_org_id=o.seller_org_id,
            buyer_org_id=o.buyer_org_id,
            origin_site_id=o.site_id,
            region_code=o.region_code,
            destination_name="电厂",
            destination_lon=110.0,
            destination_lat=39.8,
            route={"type": "LineString", "coordinates": []},
            corridor_width_m=500.0,
            status=status,
            opened_by="gate",
            departed_at=departed_at,
            arrived_at=None if status == "open" else departed_at + timedelta(hours=1),
            received_at=departed_at + timedelta(hours=1) if status == "received" else None,
            received_net_kg=(t.net_kg if received_kg is None else received_kg)
            if status == "received"
            else None,
        )
        session.add(wb)
        await session.commit()
        return wb


async def terms(
    ctx: Context,
    c: Chain,
    *,
    allowed_loss_bp: int = 50,
    payment_due_days: int = 30,
    quantity_basis: str = "mine_ticket",
    version: int = 1,
    effective_from: date | None = None,
) -> None:
    async with unit_of_work(ctx) as session:
        session.add(
            PriceTerms(
                contract_id=uid(c.w.contract["id"]),
                version=version,
                effective_from=effective_from or date(2020, 1, 1),
                basis="per_tonne",
                base_price_fen_per_t=30_000,
                base_qnet_kcal_per_kg=4000,
                moisture_limit_bp=None,
                quantity_basis=quantity_basis,
                allowed_loss_bp=allowed_loss_bp,
                lab="mine",
                settlement_mode="batch",
                vat_rate_bp=1300,
                payment_due_days=payment_due_days,
            )
        )
        await session.commit()


async def settlement(
    ctx: Context, c: Chain, lines: list[tuple[WeighTicket, int, int, int]], *, status: str = "pending"
) -> Settlement:
    """lines: (ticket, settled_kg, unit price fen/t, the platform's computed unit price fen/t)."""
    p = c.w.parties
    amounts = [kg * price // 1000 for _, kg, price, _ in lines]
    today = backend_clock.now().date()
    async with unit_of_work(ctx) as session:
        s = Settlement(
            settlement_no=f"JS{next(_seq):06d}{uuid.uuid4().hex[:6]}",
            status=status,
            contract_id=uid(c.w.contract["id"]),
            contract_no=c.w.contract["contractNo"],
            seller_org_id=p.seller_id,
            buyer_org_id=p.buyer_id,
            region_code="150623",
            issued_by_org_id=p.buyer_id,
            source="buyer",
            period_from=today,
            period_to=today,
            settled_on=today,
            load_count=len(lines),
            supplier_kg=sum(t.net_kg for t, *_ in lines),
            settled_kg=sum(kg for _, kg, _, _ in lines),
            unit_price_fen_per_t=lines[0][2],
            amount_fen=sum(amounts),
            tax_rate_bp=1300,
            tax_fen=sum(amounts) * 13 // 100,
            total_fen=sum(amounts) * 113 // 100,
        )
        session.add(s)
        await session.flush()
        for i, ((t, kg, price, computed), amount) in enumerate(zip(lines, amounts, strict=True)):
            session.add(
                SettlementLine(
                    settlement_id=s.id,
                    position=i + 1,
                    ticket_id=t.id,
                    ticket_no=t.ticket_no,
                    order_id=t.order_id,
                    order_no=t.order_no,
                    gross_at=t.gross_at,
                    net_kg=t.net_kg,
                    settled_kg=kg,
                    unit_price_fen_per_t=price,
                    amount_fen=amount,
                    computed_unit_price_fen_per_t=computed,
                    computed_amount_fen=kg * computed // 1000,
                )
            )
        await session.commit()
        return s


async def invoice(
    ctx: Context,
    c: Chain,
    lines: list[tuple[Waybill, int, int, str]],
    *,
    seller_org_id: uuid.UUID | None = None,
    buyer_org_id: uuid.UUID | None = None,
) -> TransportInvoice:
    """lines: (waybill, kg, amount fen, status); the carrier invoices the buyer unless told."""
    n = next(_seq)
    async with unit_of_work(ctx) as session:
        inv = TransportInvoice(
            invoice_no=f"26150{n:015d}",
            issue_date=backend_clock.now().date(),
            kind="82",
            seller_name="承运",
            seller_credit_code="X" * 18,
            seller_org_id=seller_org_id or c.carrier_id,
            buyer_name="买方",
            buyer_credit_code="Y" * 18,
            buyer_org_id=buyer_org_id or c.w.parties.buyer_id,
            amount_fen=sum(a for _, _, a, _ in lines),
            tax_rate_bp=900,
            tax_fen=0,
            total_fen=sum(a for _, _, a, _ in lines),
            region_code="150623",
            uploaded_by_org_id=c.carrier_id,
            source="hand",
            content_sha256="0" * 64,
            status="checked",
        )
        session.add(inv)
        await session.flush()
        for i, (wb, kg, amount, status) in enumerate(lines):
            line = TransportInvoiceLine(
                invoice_id=inv.id,
                line_no=i + 1,
                origin="a",
                destination="b",
                mode=2,
                plate=c.plate,
                goods="煤",
                quantity_kg=kg,
                amount_fen=amount,
                service_date=inv.issue_date,
                waybill_id=wb.id,
                waybill_no=wb.waybill_no,
                order_id=wb.order_id,
                order_no=wb.order_no,
                status=status,
            )
            session.add(line)
            await session.flush()
            if status == "matched":
                session.add(
                    TransportInvoiceWaybill(
                        line_id=line.id,
                        invoice_id=inv.id,
                        waybill_id=wb.id,
                        waybill_no=wb.waybill_no,
                        order_id=wb.order_id,
                        order_no=wb.order_no,
                        delivered_kg=kg,
                    )
                )
        await session.commit()
        return inv


async def payment(
    ctx: Context,
    c: Chain,
    *,
    amount_fen: int,
    payer_org_id: uuid.UUID | None = None,
    settlement: Settlement | None = None,
    invoice: TransportInvoice | None = None,
) -> Payment:
    async with unit_of_work(ctx) as session:
        pay = Payment(
            flow_no=f"F{next(_seq):010d}",
            payer_name="买方",
            payer_credit_code="Y" * 18,
            payer_org_id=payer_org_id or c.w.parties.buyer_id,
            payee_name="卖方",
            payee_credit_code="Z" * 18,
            payee_org_id=c.w.parties.seller_id,
            payee_account="6222",
            bank_code="102",
            amount_fen=amount_fen,
            paid_at=backend_clock.now(),
            means="32",
            settlement_id=settlement.id if settlement else None,
            settlement_no=settlement.settlement_no if settlement else None,
            invoice_id=invoice.id if invoice else None,
            invoice_no=invoice.invoice_no if invoice else None,
            region_code="150623",
            status="matched",
            source="hand",
            content_sha256="0" * 64,
            uploaded_by_org_id=c.w.parties.buyer_id,
        )
        session.add(pay)
        await session.commit()
        return pay
