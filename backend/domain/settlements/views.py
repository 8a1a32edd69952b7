"""Settlement rows as the wire sees them, with what the caller may do now."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.identity.schemas import Principal
from backend.domain.organisations import service as organisations
from backend.domain.settlements import rules
from backend.domain.settlements.models import Settlement, SettlementLine
from backend.domain.settlements.schemas import FindingOut, LineOut, SettlementOut


def line_out(x: SettlementLine) -> LineOut:
    differs = []
    if x.computed_settled_kg is not None and x.settled_kg != x.computed_settled_kg:
        differs.append("settledKg")
    if (
        x.computed_unit_price_fen_per_t is not None
        and x.unit_price_fen_per_t != x.computed_unit_price_fen_per_t
    ):
        differs.append("unitPriceFenPerT")
    if x.computed_amount_fen is not None and abs(x.amount_fen - x.computed_amount_fen) > 1:
        differs.append("amountFen")
    return LineOut(
        position=x.position,
        ticket_id=x.ticket_id,
        ticket_no=x.ticket_no,
        order_id=x.order_id,
        order_no=x.order_no,
        waybill_no=x.waybill_no,
        gross_at=x.gross_at,
        net_kg=x.net_kg,
        received_kg=x.received_kg,
        deduction_kg=x.deduction_kg,
        settled_kg=x.settled_kg,
        unit_price_fen_per_t=x.unit_price_fen_per_t,
        amount_fen=x.amount_fen,
        computed_settled_kg=x.computed_settled_kg,
        computed_unit_price_fen_per_t=x.computed_unit_price_fen_per_t,
        computed_amount_fen=x.computed_amount_fen,
        computed_adjustments=list(x.computed_adjustments or []),
        quality=dict(x.quality or {}),
        live=x.live,
        differs=differs,
    )


async def lines_of(session: AsyncSession, settlement_id: object) -> list[SettlementLine]:
    rows = await session.execute(
        select(SettlementLine)
        .where(SettlementLine.settlement_id == settlement_id)
        .order_by(SettlementLine.position)
        .execution_options(populate_existing=True)
    )
    return list(rows.scalars())


def _out(s: Settlement, names: dict, actor: Principal | None, lines: list[LineOut]) -> SettlementOut:
    return SettlementOut(
        id=s.id,
        settlement_no=s.settlement_no,
        version=s.version,
        supersedes_id=s.supersedes_id,
        status=s.status,
        source=s.source,
        contract_id=s.contract_id,
        contract_no=s.contract_no,
        seller_org_id=s.seller_org_id,
        seller_name=names.get(s.seller_org_id, ""),
        buyer_org_id=s.buyer_org_id,
        buyer_name=names.get(s.buyer_org_id, ""),
        region_code=s.region_code,
        issued_by_org_id=s.issued_by_org_id,
        period_from=s.period_from,
        period_to=s.period_to,
        settled_on=s.settled_on,
        load_count=s.load_count,
        supplier_kg=s.supplier_kg,
        settled_kg=s.settled_kg,
        short_kg=s.short_kg,
        deduction_kg=s.deduction_kg,
        unit_price_fen_per_t=s.unit_price_fen_per_t,
        amount_fen=s.amount_fen,
        tax_rate_bp=s.tax_rate_bp,
        tax_fen=s.tax_fen,
        total_fen=s.total_fen,
        quality=dict(s.quality or {}),
        adjustments=list(s.adjustments or []),
        computed_settled_kg=s.computed_settled_kg,
        computed_amount_fen=s.computed_amount_fen,
        computed_tax_fen=s.computed_tax_fen,
        computed_total_fen=s.computed_total_fen,
        computed_unit_price_fen_per_t=s.computed_unit_price_fen_per_t,
        computed_adjustments=list(s.computed_adjustments or []),
        computed_basis=s.computed_basis,
        computed_terms_version=s.computed_terms_version,
        mismatch=s.mismatch,
        findings=[
            FindingOut(code=f.get("code", ""), zh=f.get("zh", ""), en=f.get("en", ""), field=f.get("field"))
            for f in s.findings or []
        ],
        previous_settled_kg=s.previous_settled_kg,
        previous_amount_fen=s.previous_amount_fen,
        buyer_confirmed_at=s.buyer_confirmed_at,
        seller_confirmed_at=s.seller_confirmed_at,
        issued_at=s.issued_at,
        bank=dict(s.bank or {}),
        remarks=s.remarks,
        has_scan=s.scan_sha256 is not None,
        evidence_seq=s.evidence_seq,
        can_confirm=actor is not None and rules.may_confirm(actor, s) is None,
        can_correct=actor is not None and rules.may_correct(actor, s) is None,
        can_withdraw=actor is not None and rules.may_withdraw(actor, s) is None,
        lines=lines,
    )


async def one(session: AsyncSession, s: Settlement, actor: Principal | None) -> SettlementOut:
    names = await organisations.org_names(session, org_ids={s.seller_org_id, s.buyer_org_id})
    return _out(s, names, actor, [line_out(x) for x in await lines_of(session, s.id)])


async def many(session: AsyncSession, rows: list[Settlement], actor: Principal) -> list[SettlementOut]:
    names = await organisations.org_names(
        session, org_ids={o for s in rows for o in (s.seller_org_id, s.buyer_org_id)}
    )
    return [_out(s, names, actor, []) for s in rows]
