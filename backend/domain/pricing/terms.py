"""Price terms as rows: read the version in force, list the versions, add a version, quote a quality.

A version is never changed once saved: a settlement recomputed later must find the terms it was
computed with. Who reads: whoever may read the contract (its parties, regulators of its region; a
stranger gets 404 from the contract). Who writes: a party's enterprise_admin or sales (ISSUERS).
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend import clock
from backend.db.unit import savepoint
from backend.domain.audit import service as audit
from backend.domain.contracts import service as contracts
from backend.domain.contracts.schemas import ContractOut
from backend.domain.identity.schemas import ISSUERS, Principal
from backend.domain.pricing import errors, rules
from backend.domain.pricing.engine import price_load
from backend.domain.pricing.models import PriceRule, PriceTerms
from backend.domain.pricing.schemas import IndexRule, PricedLoad, Quality, TermsIn, TermsOut
from backend.errors import Conflict, forbidden


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _rule_out(r: PriceRule) -> IndexRule:
    return IndexRule(
        index=r.index,
        condition=r.condition,
        step=Decimal(r.step),
        amount_fen_per_step=r.amount_fen_per_step,
        partial=r.partial,
        lower=_dec(r.lower),
        upper=_dec(r.upper),
        decimals=r.decimals,
        reject_below=_dec(r.reject_below),
        reject_above=_dec(r.reject_above),
    )


async def terms_out(session: AsyncSession, t: PriceTerms) -> TermsOut:
    rows = (
        await session.execute(
            select(PriceRule).where(PriceRule.terms_id == t.id).order_by(PriceRule.position)
        )
    ).scalars()
    return TermsOut(
        id=t.id,
        contract_id=t.contract_id,
        version=t.version,
        effective_from=t.effective_from,
        basis=t.basis,
        base_price_fen_per_t=t.base_price_fen_per_t,
        base_price_milli_fen_per_kcal=t.base_price_milli_fen_per_kcal,
        base_qnet_kcal_per_kg=t.base_qnet_kcal_per_kg,
        moisture_limit_bp=t.moisture_limit_bp,
        quantity_basis=t.quantity_basis,
        allowed_loss_bp=t.allowed_loss_bp,
        lab=t.lab,
        settlement_mode=t.settlement_mode,
        vat_rate_bp=t.vat_rate_bp,
        payment_due_days=t.payment_due_days,
        rules=[_rule_out(r) for r in rows],
        note=t.note,
        created_by=t.created_by,
        created_at=t.created_at,
    )


async def terms_at(session: AsyncSession, *, contract_id: uuid.UUID, on: date) -> TermsOut | None:
    """The version in force on a day: the newest version effective on or before it (None: no terms yet)."""
    row = (
        await session.execute(
            select(PriceTerms)
            .where(PriceTerms.contract_id == contract_id, PriceTerms.effective_from <= on)
            .order_by(PriceTerms.version.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    return None if row is None else await terms_out(session, row)


async def list_terms(session: AsyncSession, *, actor: Principal, contract_id: uuid.UUID) -> list[TermsOut]:
    """Every version of the contract's terms, newest first (404 for whoever may not read the contract)."""
    await contracts.get_contract(session, actor=actor, contract_id=contract_id)
    rows = (
        (
            await session.execute(
                select(PriceTerms)
                .where(PriceTerms.contract_id == contract_id)
                .order_by(PriceTerms.version.desc())
            )
        )
        .scalars()
        .all()
    )
    return [await terms_out(session, t) for t in rows]


def _may_write(actor: Principal, contract: ContractOut) -> None:
    if not any(actor.is_member(org, ISSUERS) for org in (contract.seller_org_id, contract.buyer_org_id)):
        raise forbidden()


async def add_terms(
    session: AsyncSession, *, actor: Principal, contract_id: uuid.UUID, data: TermsIn
) -> TermsOut:
    """A new version of the contract's terms (version = the last + 1), audited; nothing is overwritten."""
    contract = await contracts.get_contract(session, actor=actor, contract_id=contract_id)
    _may_write(actor, contract)
    rules.check_terms(data)
    last = (
        await session.execute(
            select(func.max(PriceTerms.version)).where(PriceTerms.contract_id == contract_id)
        )
    ).scalar_one()
    terms = PriceTerms(
        contract_id=contract_id,
        version=(last or 0) + 1,
        effective_from=data.effective_from,
        basis=data.basis,
        base_price_fen_per_t=data.base_price_fen_per_t if data.basis == "per_tonne" else None,
        base_price_milli_fen_per_kcal=data.base_price_milli_fen_per_kcal
        if data.basis == "per_kcal"
        else None,
        base_qnet_kcal_per_kg=data.base_qnet_kcal_per_kg,
        moisture_limit_bp=data.moisture_limit_bp,
        quantity_basis=data.quantity_basis,
        allowed_loss_bp=data.allowed_loss_bp,
        lab=data.lab,
        settlement_mode=data.settlement_mode,
        vat_rate_bp=data.vat_rate_bp,
        payment_due_days=data.payment_due_days,
        note=data.note,
        created_by=actor.user_id,
        created_at=clock.now(),
    )
    try:
        async with savepoint(session):
            session.add(terms)
            await session.flush()
    except IntegrityError:
        raise Conflict(
            "price_terms_version_taken",
            "另一版本的质价条款刚刚保存，请刷新后重试",
            "Another version of the terms was saved just now; reload and try again",
            field="version",
        ) from None
    for position, r in enumerate(data.rules):
        session.add(
            PriceRule(
                terms_id=terms.id,
                position=position,
                index=r.index,
                condition=r.condition,
                lower=_str(r.lower),
                upper=_str(r.upper),
                step=str(r.step),
                amount_fen_per_step=r.amount_fen_per_step,
                partial=r.partial,
                decimals=r.decimals if r.partial == "decimals" else None,
                reject_below=_str(r.reject_below),
                reject_above=_str(r.reject_above),
            )
        )
    await session.flush()
    out = await terms_out(session, terms)
    after = audit.snapshot(terms)
    after["rules"] = [
        {
            k: (str(v) if isinstance(v, Decimal) else v)
            for k, v in zip(
                ("index", "condition", "lower", "upper", "step", "amountFenPerStep", "partial", "decimals"),
                (
                    r.index,
                    r.condition,
                    r.lower,
                    r.upper,
                    r.step,
                    r.amount_fen_per_step,
                    r.partial,
                    r.decimals,
                ),
                strict=True,
            )
        }
        for r in out.rules
    ]
    await audit.record(
        session,
        actor=actor.actor,
        action="price_terms.create",
        entity="contract",
        entity_id=contract_id,
        before=None,
        after=after,
    )
    return out


async def quote(
    session: AsyncSession,
    *,
    actor: Principal,
    contract_id: uuid.UUID,
    quality: Quality,
    on: date | None = None,
) -> PricedLoad:
    """The price of a quality under the terms in force today (or on a day): for the screens and checks."""
    await contracts.get_contract(session, actor=actor, contract_id=contract_id)
    rules.check_quality(quality)
    terms = await terms_at(session, contract_id=contract_id, on=on or clock.today_china())
    if terms is None:
        raise errors.terms_missing()
    return price_load(terms=terms, quality=quality)
