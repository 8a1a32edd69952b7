"""The issue's worked example as terms: base 4000 kcal/kg at 300.00 yuan/t; +2.00 yuan/t per FULL 100 kcal
above 4000; −3.00 yuan/t per STARTED 100 kcal between 4000 and 3800; −9.00 yuan/t per STARTED 100 kcal
under 3800; Mt above 15 % deducts 1.00 yuan/t per STARTED 1 % above 15."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from backend.domain.pricing.schemas import IndexRule, TermsOut

D = Decimal

WORKED_RULES: list[dict[str, Any]] = [
    {
        "index": "qnet_ar",
        "condition": "ge",
        "lower": "4000",
        "step": "100",
        "amountFenPerStep": 200,
        "partial": "down",
    },
    {
        "index": "qnet_ar",
        "condition": "band",
        "lower": "3800",
        "upper": "4000",
        "step": "100",
        "amountFenPerStep": -300,
        "partial": "up",
    },
    {
        "index": "qnet_ar",
        "condition": "le",
        "upper": "3800",
        "step": "100",
        "amountFenPerStep": -900,
        "partial": "up",
    },
    {"index": "mt", "condition": "ge", "lower": "15", "step": "1", "amountFenPerStep": -100, "partial": "up"},
]

WORKED_BODY: dict[str, Any] = {
    "effectiveFrom": "2026-01-01",
    "basis": "per_tonne",
    "basePriceFenPerT": 30000,
    "baseQnetKcalPerKg": 4000,
    "quantityBasis": "mine_ticket",
    "lab": "buyer",
    "settlementMode": "batch",
    "vatRateBp": 1300,
    "allowedLossBp": 50,
    "rules": WORKED_RULES,
}


def rule(**kw: Any) -> IndexRule:
    decimals = ("lower", "upper", "step", "reject_below", "reject_above")
    values: dict[str, Any] = {k: (D(v) if k in decimals and v is not None else v) for k, v in kw.items()}
    return IndexRule(**values)


def worked_rules() -> list[IndexRule]:
    return [
        rule(
            index="qnet_ar", condition="ge", lower="4000", step="100", amount_fen_per_step=200, partial="down"
        ),
        rule(
            index="qnet_ar",
            condition="band",
            lower="3800",
            upper="4000",
            step="100",
            amount_fen_per_step=-300,
            partial="up",
        ),
        rule(
            index="qnet_ar", condition="le", upper="3800", step="100", amount_fen_per_step=-900, partial="up"
        ),
        rule(index="mt", condition="ge", lower="15", step="1", amount_fen_per_step=-100, partial="up"),
    ]


def terms(**kw: Any) -> TermsOut:
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "contract_id": uuid.uuid4(),
        "version": 1,
        "effective_from": date(2026, 1, 1),
        "basis": "per_tonne",
        "base_price_fen_per_t": 30000,
        "base_price_milli_fen_per_kcal": None,
        "base_qnet_kcal_per_kg": 4000,
        "moisture_limit_bp": None,
        "quantity_basis": "mine_ticket",
        "allowed_loss_bp": 50,
        "lab": "buyer",
        "settlement_mode": "batch",
        "vat_rate_bp": 1300,
        "payment_due_days": 30,
        "rules": worked_rules(),
    }
    values.update(kw)
    return TermsOut(**values)
