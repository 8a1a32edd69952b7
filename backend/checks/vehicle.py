"""Vehicle rules: GB 1589-2016 legal gross mass, energy type vs plate, rated load."""

from __future__ import annotations

from types import MappingProxyType

from backend.checks.errors import CheckFailed
from backend.checks.labels import Label
from backend.checks.plate import Plate

VEHICLE_BODIES: MappingProxyType[str, Label] = MappingProxyType(
    {
        "truck": Label("货车", "rigid goods vehicle"),
        "tractor_semitrailer": Label("铰接列车", "tractor-semitrailer"),
    }
)

# GB 1589-2016 limits on gross vehicle mass, kg, by body and axle count. Coal moves mostly on
# 6-axle tractor-semitrailers (49 t), which is why overload control starts from this table.
_LEGAL_GROSS_KG: MappingProxyType[str, MappingProxyType[int, int]] = MappingProxyType(
    {
        "truck": MappingProxyType({2: 18_000, 3: 25_000, 4: 31_000}),
        "tractor_semitrailer": MappingProxyType({3: 27_000, 4: 36_000, 5: 43_000, 6: 49_000}),
    }
)

ENERGY_TYPES: MappingProxyType[str, Label] = MappingProxyType(
    {
        "diesel": Label("柴油", "diesel"),
        "lng": Label("天然气(LNG)", "natural gas (LNG)"),
        "electric": Label("纯电动", "battery electric"),
        "hydrogen": Label("氢燃料", "hydrogen fuel cell"),
        "hybrid": Label("混合动力", "hybrid"),
    }
)
_NEEDS_NEV_PLATE = frozenset({"electric", "hydrogen"})
_NEEDS_ORDINARY_PLATE = frozenset({"diesel", "lng"})
# Hybrids may carry either plate: plug-in hybrids get new-energy plates, others do not.

MIN_RATED_LOAD_KG = 1_000


def legal_gross_kg(*, axle_count: int, body: str) -> int:
    """Legal gross mass in kg; raises CheckFailed(vehicle_body | vehicle_axles)."""
    by_axles = _LEGAL_GROSS_KG.get(body)
    if by_axles is None:
        allowed = ", ".join(VEHICLE_BODIES)
        raise CheckFailed(
            "vehicle_body",
            f"未知的车辆类型，可选：{allowed}",
            f"Unknown vehicle body; use one of: {allowed}",
        )
    gross_kg = by_axles.get(axle_count) if not isinstance(axle_count, bool) else None
    if gross_kg is None:
        allowed = "、".join(str(n) for n in by_axles)
        label = VEHICLE_BODIES[body]
        raise CheckFailed(
            "vehicle_axles",
            f"{label.zh}的轴数只能是 {allowed} 轴",
            f"A {label.en} must have {', '.join(str(n) for n in by_axles)} axles",
        )
    return gross_kg


def check_energy_plate(*, energy_type: str, plate: Plate) -> None:
    """Energy type must agree with the plate kind; raises CheckFailed."""
    if energy_type not in ENERGY_TYPES:
        allowed = ", ".join(ENERGY_TYPES)
        raise CheckFailed(
            "vehicle_energy_type",
            f"未知的能源类型，可选：{allowed}",
            f"Unknown energy type; use one of: {allowed}",
        )
    label = ENERGY_TYPES[energy_type]
    if energy_type in _NEEDS_NEV_PLATE and not plate.new_energy:
        raise CheckFailed(
            "vehicle_energy_plate",
            f"{label.zh}车辆应使用新能源号牌（绿牌或黄绿牌）",
            f"A {label.en} vehicle must carry a new-energy plate (green or yellow-green)",
        )
    if energy_type in _NEEDS_ORDINARY_PLATE and plate.new_energy:
        raise CheckFailed(
            "vehicle_energy_plate",
            f"{label.zh}车辆不能使用新能源号牌",
            f"A {label.en} vehicle cannot carry a new-energy plate",
        )


def check_rated_load_kg(*, rated_load_kg: int, legal_gross_kg: int) -> None:
    """Rated load must be at least 1 t and below the legal gross mass (which includes the tare)."""
    if not MIN_RATED_LOAD_KG <= rated_load_kg < legal_gross_kg:
        raise CheckFailed(
            "vehicle_rated_load",
            f"核定载质量应不小于 {MIN_RATED_LOAD_KG} kg 且小于总质量限值 {legal_gross_kg} kg",
            f"Rated load must be at least {MIN_RATED_LOAD_KG} kg and below the legal gross mass "
            f"of {legal_gross_kg} kg",
        )
