"""The demo contract's settlements (结算单): once the simulated lane has weighed three loads, the
plant issues two — one for the first two loads at the platform's own figures, which the mine
confirms, and one for the next load at 5.00 yuan/t above the contract after quality, left pending
with its mismatch and alerts. A batch assay of the plant's laboratory for each day settled is
recorded first (if that day has none), so the recomputation prices on quality. Made once (a seed
mark): what users do afterwards stays theirs. Called by the seed and after each demo load."""

from __future__ import annotations

import logging
import uuid
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from backend.clock import china_time, today_china
from backend.context import Context
from backend.db import seed_marks
from backend.db.unit import savepoint
from backend.demo.chain import DEMO_CONTRACT_NO, principal
from backend.demo.marks import once
from backend.domain.assays import service as assays
from backend.domain.assays.schemas import AssayIn
from backend.domain.identity.schemas import Principal
from backend.domain.settlements import service as settlements
from backend.domain.settlements.schemas import BankIn, PreviewLine, SettlementIssue
from backend.errors import DomainError

log = logging.getLogger("meitong.demo")
KEY = f"settlements:{DEMO_CONTRACT_NO}"
BANK = BankIn(
    account_name="示范煤矿有限公司", bank="中国工商银行准格尔旗支行", account_no="0603 0211 0900 8866 001"
)
OVERCHARGE_FEN_PER_T = 500


def _half_even(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def _issue(
    no: str, contract_id: uuid.UUID, lines: list[PreviewLine], *, extra_fen_per_t: int = 0
) -> SettlementIssue:
    settled = sum(x.settled_kg for x in lines)
    prices = [x.unit_price_fen_per_t + extra_fen_per_t for x in lines]
    amounts = [_half_even(Decimal(x.settled_kg) * p / 1000) for x, p in zip(lines, prices, strict=True)]
    amount = sum(amounts)
    tax = _half_even(Decimal(amount) * 1300 / 10000)
    days = [china_time(x.gross_at).date() for x in lines]
    return SettlementIssue(
        settlement_no=no,
        contract_id=contract_id,
        period_from=min(days),
        period_to=max(days),
        supplier_kg=sum(x.net_kg for x in lines),
        settled_kg=settled,
        unit_price_fen_per_t=_half_even(Decimal(amount) * 1000 / settled),
        amount_fen=amount,
        tax_rate_bp=1300,
        tax_fen=tax,
        total_fen=amount + tax,
        bank=BANK,
        ticket_nos=[x.ticket_no for x in lines],
        remarks="演示结算单",
    )


async def ensure_settlements(session: AsyncSession, *, ctx: Context, created: list[str]) -> None:
    mark = await seed_marks.marked(session, key=f"contract:{DEMO_CONTRACT_NO}")
    if mark is None or mark.entity_id is None or await seed_marks.marked(session, key=KEY) is not None:
        return
    contract_id = mark.entity_id
    plant = await principal(session, ctx, "13800000009")
    sales = await principal(session, ctx, "13800000002")
    today = today_china()
    try:
        async with savepoint(session):
            loads = await settlements.unsettled_tickets(
                session,
                actor=plant,
                contract_id=contract_id,
                period_from=today - timedelta(days=60),
                period_to=today,
            )
            if len(loads) < 3:
                return
            for day in sorted(
                {china_time(t.gross_at).date() for t in loads[:3]}
            ):  # before the preview prices them
                await _batch_assay(session, ctx=ctx, plant=plant, contract_id=contract_id, day=day)
            days = sorted({china_time(t.gross_at).date() for t in loads[:3]})
            # The period starts on the first load's day: the terms in force then price the loads.
            preview = await settlements.preview(
                session, actor=plant, contract_id=contract_id, period_from=days[0], period_to=days[-1]
            )
            first, second = preview.lines[:2], preview.lines[2:3]
            stamp = f"{today:%Y%m%d}"
            done = await settlements.issue(
                session, ctx=ctx, actor=plant, data=_issue(f"JS-DEMO-{stamp}-1", contract_id, first)
            )
            await settlements.confirm(session, actor=sales, settlement_id=done.id)
            await settlements.issue(
                session,
                ctx=ctx,
                actor=plant,
                data=_issue(f"JS-DEMO-{stamp}-2", contract_id, second, extra_fen_per_t=OVERCHARGE_FEN_PER_T),
            )
            await once(session, KEY)
            created.append(f"settlements of {DEMO_CONTRACT_NO}: one confirmed, one pending with a mismatch")
    except DomainError as exc:
        log.warning("demo settlements not made: %s", exc.message_en)


async def _batch_assay(
    session: AsyncSession, *, ctx: Context, plant: Principal, contract_id: uuid.UUID, day: date
) -> None:
    """The plant laboratory's batch assay of a day's loads (4,260 kcal/kg, Mt 14 %: 304.00 yuan/t)."""
    try:
        async with savepoint(session):
            await assays.record_assay(
                session,
                ctx=ctx,
                actor=plant,
                contract_id=contract_id,
                data=AssayIn(
                    scope="batch",
                    batch_date=day,
                    lab="buyer",
                    tested_on=day,
                    report_no=f"ZG-HY-STL-{day:%Y%m%d}",
                    lab_name="准格尔示范电厂化验室",
                    sample_no=f"S-{day:%m%d}",
                    standard="GB/T 213-2008",
                    qnet_ar_kcal_per_kg=Decimal(4260),
                    mt_pct=Decimal(14),
                    ad_pct=Decimal("18.25"),
                    st_d_pct=Decimal("0.62"),
                    size_mm="0-50",
                ),
            )
    except DomainError:
        pass  # that day already has its report, or assays refuse it: the recomputation uses what there is
