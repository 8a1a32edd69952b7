"""The platform's recomputation stored beside the issued figures, and its alerts raised once.

`apply` runs at issue; `recompute` again later (an assay arrived, terms were corrected): the
computed columns and findings are replaced, and an alert is raised only for a finding code this
settlement version has not raised before — the settlement_alerts row (its primary key) is the
record, claimed in a savepoint, so two recomputations racing still raise one alert.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.unit import savepoint
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertRaise
from backend.domain.contracts import service as contracts
from backend.domain.contracts.schemas import ContractOut
from backend.domain.identity.schemas import Principal
from backend.domain.settlements import computing, errors, findings, views
from backend.domain.settlements.access import access_settlement
from backend.domain.settlements.loads import Load
from backend.domain.settlements.models import Settlement, SettlementAlert, SettlementLine
from backend.domain.settlements.schemas import SettlementOut
from backend.domain.waybills import service as waybills
from backend.domain.weighing import service as weighing


async def apply(
    session: AsyncSession,
    *,
    settlement: Settlement,
    lines: list[SettlementLine],
    contract: ContractOut,
    loads: list[Load],
) -> None:
    s = settlement
    calc = await computing.compute(session, contract=contract, loads=loads, on=s.period_from)
    for line in lines:
        c = calc.lines.get(line.ticket_no)
        if c is not None:
            line.computed_settled_kg, line.computed_unit_price_fen_per_t = (
                c.settled_kg,
                c.unit_price_fen_per_t,
            )
            line.computed_amount_fen, line.computed_adjustments, line.quality = (
                c.amount_fen,
                c.adjustments,
                c.quality,
            )
    s.computed_settled_kg, s.computed_amount_fen = calc.settled_kg, calc.amount_fen
    s.computed_tax_fen, s.computed_total_fen = calc.tax_fen, calc.total_fen
    s.computed_unit_price_fen_per_t, s.computed_adjustments = calc.unit_price_fen_per_t, calc.adjustments
    s.computed_basis, s.computed_terms_version = calc.basis, calc.terms_version
    found = findings.compare(s, lines, calc)
    s.findings = found
    s.mismatch = any(f["code"] not in findings.NOT_A_DIFFERENCE for f in found)
    await session.flush()
    if s.mismatch:
        await _raise_once(session, s, findings.MISMATCH, found)
    if any(f["code"] == findings.PRICE_ABOVE for f in found):
        await _raise_once(session, s, findings.PRICE_ABOVE, found)


async def _raise_once(session: AsyncSession, s: Settlement, code: str, found: list[dict]) -> None:
    if await session.get(SettlementAlert, (s.id, code)) is not None:
        return
    try:
        async with savepoint(session):
            mark = SettlementAlert(settlement_id=s.id, code=code)
            session.add(mark)
            await session.flush()
    except IntegrityError:
        return  # a racing recomputation raised it
    what = (
        [f for f in found if f["code"] not in findings.NOT_A_DIFFERENCE]
        if code == findings.MISMATCH
        else [f for f in found if f["code"] == code]
    )
    head_zh = "；".join(f["zh"] for f in what[:3])
    head_en = "; ".join(f["en"] for f in what[:3])
    alert = await alerts.raise_alert(
        session,
        data=AlertRaise(
            kind=code,
            org_id=s.seller_org_id,
            site_id=None,
            region_code=s.region_code,
            ref=f"settlement:{s.settlement_no}:v{s.version}",
            message_zh=f"结算单 {s.settlement_no}（第 {s.version} 版）与平台复核不符：{head_zh}"[:300],
            message_en=f"Settlement {s.settlement_no} (v{s.version}) differs from the platform's recomputation: {head_en}"[
                :300
            ],
            details={
                "settlementId": str(s.id),
                "settlementNo": s.settlement_no,
                "version": s.version,
                "contractId": str(s.contract_id),
                "contractNo": s.contract_no,
                "termsVersion": s.computed_terms_version,
                "findings": [f["code"] for f in what],
            },
        ),
    )
    mark.alert_id = alert.id
    await session.flush()


async def loads_of(session: AsyncSession, lines: list[SettlementLine]) -> list[Load]:
    """The loads of stored lines as they read now (a receipt may have arrived since)."""
    tickets = {
        t.ticket_no: t for t in await weighing.ticket_loads(session, ticket_nos=[x.ticket_no for x in lines])
    }
    received = await waybills.received_loads(session, order_ids={x.order_id for x in lines})
    return [
        Load(ticket=tickets[x.ticket_no], received=received.get(x.order_id), figures=None)
        for x in lines
        if x.ticket_no in tickets
    ]


async def recompute(session: AsyncSession, *, actor: Principal, settlement_id: uuid.UUID) -> SettlementOut:
    """Run the platform's computation again for a settlement a party may read."""
    s = await access_settlement(session, actor, settlement_id)
    await refresh(session, s)
    return await views.one(session, s, actor)


async def refresh(session: AsyncSession, s: Settlement) -> None:
    contract = await contracts.contract_for(session, contract_id=s.contract_id)
    if contract is None:
        raise errors.contract_not_found()
    lines = await views.lines_of(session, s.id)
    await apply(session, settlement=s, lines=lines, contract=contract, loads=await loads_of(session, lines))


async def alerts_raised(session: AsyncSession, *, settlement_id: uuid.UUID) -> list[str]:
    rows = await session.execute(
        select(SettlementAlert.code).where(SettlementAlert.settlement_id == settlement_id)
    )
    return sorted(rows.scalars())
