"""The demo's transport invoices and payment (运输发票, 资金流), each made once (seed marks):

- a suspect invoice of the carrier (刘车队) to the plant (吴采购): one line names a truck with no
  waybill that day (疑似虚开), so the invoice pages show a red line and its alert;
- a clean invoice over the carrier's closed demo waybills, matched line by line: made by the seed when
  such waybills exist, else when `make run`'s first demo load reaches the plant (on_waybill_closed,
  subscribed by the demo's lifespan only: the fleet drives in real time);
- the plant's payment of the suspect invoice by bank transfer (the buyer pays: the money flow agrees).
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from backend import clock
from backend.context import Context
from backend.db import seed_marks
from backend.db.unit import savepoint, unit_of_work
from backend.demo.chain import principal
from backend.demo.marks import made
from backend.domain.identity import service as identity
from backend.domain.identity.schemas import Principal
from backend.domain.invoices import service as invoices
from backend.domain.invoices.schemas import InvoiceIn, InvoiceLineIn
from backend.domain.organisations import service as organisations
from backend.domain.payments import service as payments
from backend.domain.payments.schemas import PaymentIn
from backend.domain.waybills import service as waybills
from backend.domain.waybills.events import WaybillClosed
from backend.errors import DomainError

log = logging.getLogger("meitong.demo")

ORIGIN = "内蒙古自治区&鄂尔多斯市&鄂托克前旗"
GHOST_PLATE = "蒙K99X01"  # no such truck on the road: the suspect line
RATE_FEN_PER_TKM = 45  # 0.45 yuan per tonne-kilometre, inside the default band
FEN_PER_T_WITHOUT_DISTANCE = 12_000


def _number(serial: int) -> str:
    return f"{clock.today_china().year % 100:02d}151{serial:015d}"


def _invoice(lines: list[InvoiceLineIn], *, seller: tuple[str, str], buyer: tuple[str, str]) -> InvoiceIn:
    amount = sum(x.amount_fen for x in lines)
    tax = invoices.tax_of(amount, 900)
    return InvoiceIn(
        issue_date=clock.today_china(),
        kind="81",
        seller_name=seller[0],
        seller_credit_code=seller[1],
        buyer_name=buyer[0],
        buyer_credit_code=buyer[1],
        amount_fen=amount,
        tax_rate_bp=900,
        tax_fen=tax,
        total_fen=amount + tax,
        lines=lines,
    )


async def _clean_lines(
    session: AsyncSession, *, carrier_id: uuid.UUID, plates: frozenset[str] | set[str]
) -> list[InvoiceLineIn]:
    now = clock.now()
    closed = await waybills.closed_by_plates(session, plates=plates, start=now - timedelta(days=30), end=now)
    lines: list[InvoiceLineIn] = []
    for w in [w for w in closed if w.carrier_org_id == carrier_id and w.delivered_kg][:3]:
        km = (w.distance_m or 0) / 1000
        kg = w.delivered_kg or 0
        amount = round(kg * km * RATE_FEN_PER_TKM / 1000) if km else kg * FEN_PER_T_WITHOUT_DISTANCE // 1000
        lines.append(
            InvoiceLineIn(
                line_no=len(lines) + 1,
                origin=ORIGIN,
                destination=w.destination_name,
                mode=2,
                plate=w.plate,
                goods="*运输服务*煤炭",
                quantity_kg=kg,
                amount_fen=amount,
                service_date=clock.china_time(w.departed_at).date(),
            )
        )
    return lines


async def ensure_invoices(
    session: AsyncSession,
    *,
    ctx: Context,
    actor: Principal,
    org_ids: dict[str, uuid.UUID],
    plates: frozenset[str] | set[str],
    created: list[str],
) -> None:
    carrier = await principal(session, ctx, "13800000004")
    plant = await principal(session, ctx, "13800000009")
    carrier_org = await organisations.get_org(session, actor=actor, org_id=org_ids["carrier"])
    plant_org = await organisations.get_org(session, actor=actor, org_id=org_ids["plant"])
    seller, buyer = (carrier_org.name, carrier_org.credit_code), (plant_org.name, plant_org.credit_code)
    today = clock.today_china()
    try:
        async with savepoint(session):

            async def suspect() -> uuid.UUID:
                line = InvoiceLineIn(
                    line_no=1,
                    origin=ORIGIN,
                    destination="准格尔示范电厂",
                    mode=2,
                    plate=GHOST_PLATE,
                    goods="*运输服务*煤炭",
                    quantity_kg=31_200,
                    amount_fen=520_000,
                    service_date=today,
                )
                out, _ = await invoices.record_invoice(
                    session,
                    actor=carrier,
                    invoice_no=_number(1),
                    data=_invoice([line], seller=seller, buyer=buyer),
                    source="hand",
                )
                created.append(f"transport invoice {out.invoice_no} ({out.status}: a truck with no waybill)")
                return out.id

            await made(session, "invoice:suspect", suspect)

            async def paid() -> uuid.UUID:
                total = _invoice(
                    [
                        InvoiceLineIn(
                            line_no=1,
                            origin=ORIGIN,
                            destination="-",
                            mode=2,
                            plate=GHOST_PLATE,
                            goods="-",
                            quantity_kg=1,
                            amount_fen=520_000,
                            service_date=today,
                        )
                    ],
                    seller=seller,
                    buyer=buyer,
                ).total_fen
                out, _ = await payments.record_payment(
                    session,
                    actor=plant,
                    flow_no=f"DEMO{_number(1)}",
                    source="hand",
                    data=PaymentIn(
                        payer_name=plant_org.name,
                        payer_credit_code=plant_org.credit_code,
                        payee_name=carrier_org.name,
                        payee_credit_code=carrier_org.credit_code,
                        payee_account="6222020200112233445",
                        bank_code="102205000017",
                        amount_fen=total,
                        paid_at=clock.now() - timedelta(hours=2),
                        means="32",
                        invoice_no=_number(1),
                    ),
                )
                created.append(f"payment {out.flow_no} ({out.status}) by the plant")
                return out.id

            await made(session, "payment:demo", paid)
            lines = await _clean_lines(session, carrier_id=org_ids["carrier"], plates=plates)
            if lines:  # the trucks' first trips may still be on the road: made on a later seed

                async def clean() -> uuid.UUID:
                    out, _ = await invoices.record_invoice(
                        session,
                        actor=carrier,
                        invoice_no=_number(2),
                        source="hand",
                        data=_invoice(lines, seller=seller, buyer=buyer),
                    )
                    created.append(
                        f"transport invoice {out.invoice_no} ({out.status}) over {len(lines)} waybills"
                    )
                    return out.id

                await made(session, "invoice:clean", clean)
    except DomainError as exc:
        log.warning("demo invoices not made: %s", exc.message_en)


async def on_waybill_closed(ctx: Context, event: WaybillClosed) -> None:
    """`make run`: the first demo load to reach the plant gets the carrier's clean invoice (once)."""
    from backend.demo import seed  # the seed imports this module

    async with unit_of_work(ctx) as session:
        if await seed_marks.marked(session, key="invoice:clean") is not None:
            return
        org_ids = {}
        for org in seed.ORGS:
            if org["key"] in ("carrier", "plant"):
                org_id = await organisations.id_by_credit_code(session, credit_code=seed._credit_code(org))
                if org_id is None:
                    return
                org_ids[org["key"]] = org_id
        admin_id = await identity.user_id_by_phone(session, phone=seed.USERS[0]["phone"])
        if admin_id is None:
            return
        created: list[str] = []
        await ensure_invoices(
            session,
            ctx=ctx,
            actor=seed._system_actor(admin_id),
            org_ids=org_ids,
            created=created,
            plates=seed.DEMO_PLATES,
        )
        await session.commit()
    for item in created:
        log.info("demo: %s", item)
