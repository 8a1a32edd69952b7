"""The rules a contract's terms obey, checked the same way on drafting and on every edit.

Each refusal names the JSON field it concerns. Percentages arrive as numbers with at most two
decimals and are kept as integer basis points; the cap (quantity plus tolerance) is derived here,
once, so that the ledger's atomic UPDATE compares plain columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from backend import clock
from backend.domain.contracts import errors

CHINA_TZ = ZoneInfo("Asia/Shanghai")
# Who may sell under a contract: those who hold coal. Who may not buy: those who never take coal.
SELLER_KINDS = frozenset({"mine", "washing_plant", "loading_station", "trader"})
NON_BUYER_KINDS = frozenset({"carrier", "regulator", "platform"})
CALORIFIC_KCAL_PER_KG = (2000, 7500)
TOLERANCE_BP_MAX = 1000
# WGS-84 box around China (mainland, Hainan, the South China Sea islands as far as 3°N).
CHINA_LON = (73.0, 135.5)
CHINA_LAT = (3.0, 54.0)


def china_today() -> date:
    """The calendar day in China: contracts run by local dates, not UTC ones."""
    return clock.today_china()


@dataclass(frozen=True, kw_only=True)
class Quality:
    calorific_kcal_per_kg: int
    sulphur_bp: int
    ash_bp: int
    moisture_bp: int


def basis_points(value: float, *, field: str, name_zh: str, name_en: str) -> int:
    """0.85 (%) -> 85: a percentage 0–100 with at most two decimals, as an integer."""
    if not 0 <= value <= 100:
        raise errors.out_of_range("contract_percent_range", f"{name_zh}须在 0–100% 之间",
                                  f"{name_en} must be between 0 and 100 %", field=field)
    bp = round(value * 100)
    if abs(value * 100 - bp) > 1e-6:
        raise errors.out_of_range("contract_percent_decimals", f"{name_zh}最多保留两位小数",
                                  f"{name_en} takes at most two decimals", field=field)
    return bp


def quality(*, calorific_kcal_per_kg: int, sulphur_pct: float, ash_pct: float, moisture_pct: float) -> Quality:
    low, high = CALORIFIC_KCAL_PER_KG
    if not low <= calorific_kcal_per_kg <= high:
        raise errors.out_of_range(
            "contract_calorific_range", f"发热量须在 {low}–{high} kcal/kg 之间",
            f"The calorific value must be {low}–{high} kcal/kg", field="calorificKcalPerKg",
        )
    return Quality(
        calorific_kcal_per_kg=calorific_kcal_per_kg,
        sulphur_bp=basis_points(sulphur_pct, field="sulphurPct", name_zh="硫分", name_en="Sulphur"),
        ash_bp=basis_points(ash_pct, field="ashPct", name_zh="灰分", name_en="Ash"),
        moisture_bp=basis_points(moisture_pct, field="moisturePct", name_zh="水分", name_en="Moisture"),
    )


@dataclass(frozen=True, kw_only=True)
class Bounds:
    """Plausibility bounds from the settings (MEITONG_PRICE_*_FEN_PER_T, MEITONG_CONTRACT_MAX_QUANTITY_KG):
    a typo of three zeros is refused on its field, not signed and reserved against."""

    price_min_fen_per_t: int
    price_max_fen_per_t: int
    max_quantity_kg: int


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}"


def price(price_fen_per_t: int, *, bounds: Bounds) -> int:
    if price_fen_per_t <= 0:
        raise errors.out_of_range("contract_price_invalid", "单价须大于 0（分/吨）",
                                  "The unit price must be above 0 (fen per tonne)", field="priceFenPerT")
    low, high = bounds.price_min_fen_per_t, bounds.price_max_fen_per_t
    if not low <= price_fen_per_t <= high:
        raise errors.out_of_range(
            "contract_price_implausible", f"单价须在 {_yuan(low)}–{_yuan(high)} 元/吨 之间（{low}–{high} 分/吨）",
            f"The unit price must be {_yuan(low)}–{_yuan(high)} yuan per tonne ({low}–{high} fen per tonne)",
            field="priceFenPerT")
    return price_fen_per_t


def cap_kg(*, quantity_kg: int, tolerance_bp: int, bounds: Bounds) -> int:
    """Quantity plus tolerance, rounded down: the most the ledger may ever hold (reserved + executed)."""
    if quantity_kg <= 0:
        raise errors.out_of_range("contract_quantity_invalid", "合同数量须大于 0（千克）",
                                  "The contract quantity must be above 0 (kg)", field="quantityKg")
    if quantity_kg > bounds.max_quantity_kg:
        tonnes = f"{bounds.max_quantity_kg // 1000:,}"
        raise errors.out_of_range("contract_quantity_implausible", f"合同数量不能超过 {tonnes} 吨",
                                  f"The contract quantity cannot exceed {tonnes} t", field="quantityKg")
    if not 0 <= tolerance_bp <= TOLERANCE_BP_MAX:
        raise errors.out_of_range(
            "contract_tolerance_range", f"溢短装幅度须在 0–{TOLERANCE_BP_MAX} 基点（0–10%）之间",
            f"The tolerance must be 0–{TOLERANCE_BP_MAX} basis points (0–10 %)", field="toleranceBp",
        )
    return quantity_kg * (10_000 + tolerance_bp) // 10_000


def destination(*, name: str, lon: float, lat: float) -> tuple[str, float, float]:
    clean = " ".join(name.split())
    if len(clean) < 2:
        raise errors.out_of_range("contract_destination_name", "请填写到站/目的地名称（至少 2 个字）",
                                  "Name the destination (at least 2 characters)", field="destinationName")
    for value, (low, high), field in ((lon, CHINA_LON, "destinationLon"), (lat, CHINA_LAT, "destinationLat")):
        if not low <= value <= high:
            raise errors.out_of_range(
                "destination_outside_china",
                f"目的地坐标 [{lon}, {lat}] 不在中国境内（WGS-84）；请确认经纬度没有填反",
                f"The destination [{lon}, {lat}] is outside China (WGS-84); check that lon and lat are not swapped",
                field=field,
            )
    return clean, lon, lat


def validity(*, valid_from: date, valid_until: date) -> None:
    if valid_until < valid_from:
        raise errors.out_of_range("contract_validity_order", "有效期截止日不能早于起始日",
                                  "The contract cannot end before it starts", field="validUntil")


def contract_no(value: str) -> str:
    clean = value.strip()
    if len(clean) < 2:
        raise errors.out_of_range("contract_no_invalid", "合同编号至少 2 个字符",
                                  "A contract number needs at least 2 characters", field="contractNo")
    return clean


def number_prefix(day: date) -> str:
    return f"HT{day:%Y%m%d}"


def next_number(day: date, taken: list[str]) -> str:
    """HT + yyyymmdd + a 4-digit sequence, one past the highest the seller already used that day."""
    prefix = number_prefix(day)
    used = [int(n[len(prefix):]) for n in taken if n.startswith(prefix) and n[len(prefix):].isdigit()]
    return f"{prefix}{max(used, default=0) + 1:04d}"
