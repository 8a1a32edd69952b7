"""What a version of price terms, and a quality, must satisfy before they are stored or priced.

Each refusal is a 422 naming the JSON field (rules[2].step), in Chinese and English. The bounds are
those of commercial thermal coal: Qnet,ar 1000..8000 kcal/kg (4..34 MJ/kg when sent in MJ), percentages
0..100 with at most two decimals.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from backend.domain.pricing import errors
from backend.domain.pricing.schemas import (
    CONDITION_CODES,
    INDEX_CODES,
    PARTIAL_CODES,
    IndexRule,
    Quality,
    TermsIn,
)

QNET_KCAL = (Decimal(1000), Decimal(8000))
QNET_MJ = (Decimal(4), Decimal(34))
MJ_BELOW = Decimal(100)
_PCT = (Decimal(0), Decimal(100))
_PCT_NAMES = {
    "mt_pct": "mtPct",
    "mad_pct": "madPct",
    "ad_pct": "adPct",
    "vdaf_pct": "vdafPct",
    "st_d_pct": "stDPct",
}


def _within(value: int | None, low: int, high: int, field: str, zh: str, en: str) -> None:
    if value is not None and not low <= value <= high:
        raise errors.invalid(
            field, f"{zh}须在 {low} 至 {high} 之间", f"{en} must be between {low} and {high}"
        )


def check_rule(rule: IndexRule, at: str) -> None:
    if rule.index not in INDEX_CODES:
        raise errors.invalid(
            f"{at}.index",
            "未知的质量指标（可用：qnet_ar、mt、mad、ad、vdaf、st_d）",
            "Unknown quality index (known: qnet_ar, mt, mad, ad, vdaf, st_d)",
        )
    if rule.condition not in CONDITION_CODES:
        raise errors.invalid(
            f"{at}.condition", "未知的条件（可用：ge、le、band）", "Unknown condition (known: ge, le, band)"
        )
    if rule.partial not in PARTIAL_CODES:
        raise errors.invalid(
            f"{at}.partial",
            "未知的取整方式（可用：up、down、half_even、decimals）",
            "Unknown rounding (known: up, down, half_even, decimals)",
        )
    if rule.step <= 0:
        raise errors.invalid(f"{at}.step", "每档步长须大于 0", "The step must be greater than 0")
    if rule.condition in ("ge", "band") and rule.lower is None:
        raise errors.invalid(f"{at}.lower", "该条件须给出下限", "This condition needs a lower limit")
    if rule.condition in ("le", "band") and rule.upper is None:
        raise errors.invalid(f"{at}.upper", "该条件须给出上限", "This condition needs an upper limit")
    if rule.lower is not None and rule.upper is not None and rule.lower > rule.upper:
        raise errors.invalid(
            f"{at}.lower", "下限不能高于上限", "The lower limit may not exceed the upper limit"
        )
    if (
        rule.reject_below is not None
        and rule.reject_above is not None
        and rule.reject_below > rule.reject_above
    ):
        raise errors.invalid(
            f"{at}.rejectBelow",
            "拒收下限不能高于拒收上限",
            "The lower rejection limit may not exceed the upper one",
        )
    if rule.partial == "decimals" and (rule.decimals is None or not 0 <= rule.decimals <= 4):
        raise errors.invalid(
            f"{at}.decimals", "按比例计档时须给出 0 至 4 位小数", "Pro rata steps need 0 to 4 decimals"
        )
    _within(
        rule.amount_fen_per_step,
        -100_000,
        100_000,
        f"{at}.amountFenPerStep",
        "每档金额（分/吨）",
        "The amount per step (fen/t)",
    )


def check_terms(data: TermsIn) -> None:
    if not date(2000, 1, 1) <= data.effective_from <= date(2099, 12, 31):
        raise errors.invalid(
            "effectiveFrom", "生效日期须在 2000 至 2099 年之间", "The effective date must be in 2000–2099"
        )
    if data.basis == "per_tonne" and data.base_price_fen_per_t is None:
        raise errors.invalid(
            "basePriceFenPerT",
            "按吨计价须给出基准价（分/吨）",
            "A per-tonne price needs the base price (fen/t)",
        )
    if data.basis == "per_kcal" and data.base_price_milli_fen_per_kcal is None:
        raise errors.invalid(
            "basePriceMilliFenPerKcal",
            "按大卡计价须给出每大卡单价（毫分）",
            "A per-kcal price needs the price per kcal (milli-fen)",
        )
    _within(
        data.base_price_fen_per_t,
        1,
        10_000_000,
        "basePriceFenPerT",
        "基准价（分/吨）",
        "The base price (fen/t)",
    )
    _within(
        data.base_price_milli_fen_per_kcal,
        1,
        1_000_000,
        "basePriceMilliFenPerKcal",
        "每大卡单价（毫分）",
        "The price per kcal (milli-fen)",
    )
    _within(
        data.base_qnet_kcal_per_kg,
        1000,
        8000,
        "baseQnetKcalPerKg",
        "基准发热量（kcal/kg）",
        "The base calorific value (kcal/kg)",
    )
    _within(
        data.moisture_limit_bp, 0, 10000, "moistureLimitBp", "计价水分上限（基点）", "The moisture limit (bp)"
    )
    _within(
        data.allowed_loss_bp, 0, 1000, "allowedLossBp", "允许运损率（基点）", "The allowed transit loss (bp)"
    )
    _within(data.vat_rate_bp, 0, 2000, "vatRateBp", "增值税率（基点）", "The VAT rate (bp)")
    _within(data.payment_due_days, 0, 365, "paymentDueDays", "付款期限（天）", "The payment term (days)")
    for i, rule in enumerate(data.rules):
        check_rule(rule, f"rules[{i}]")


def _two_decimals(value: Decimal) -> bool:
    return int(value.as_tuple().exponent) >= -2 or value == value.quantize(Decimal("0.01"))


def check_quality(quality: Quality, *, prefix: str = "") -> None:
    """Qnet,ar 1000..8000 kcal/kg or (under 100) 4..34 MJ/kg; percentages 0..100 with two decimals."""
    qnet = quality.qnet_ar_kcal_per_kg
    if qnet is not None:
        low, high = QNET_MJ if qnet < MJ_BELOW else QNET_KCAL
        if not low <= qnet <= high:
            raise errors.quality_invalid(
                f"{prefix}qnetArKcalPerKg",
                "低位发热量须在 1000–8000 kcal/kg（或 4–34 MJ/kg）之间",
                "Qnet,ar must be 1000–8000 kcal/kg (or 4–34 MJ/kg)",
            )
    for attr, name in _PCT_NAMES.items():
        value = getattr(quality, attr)
        if value is None:
            continue
        if not _PCT[0] <= value <= _PCT[1] or not _two_decimals(value):
            raise errors.quality_invalid(
                f"{prefix}{name}",
                "百分数须在 0 至 100 之间，最多两位小数",
                "A percentage must be between 0 and 100, with at most two decimals",
            )
