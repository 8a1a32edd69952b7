from __future__ import annotations

import pytest

from backend.checks.errors import CheckFailed
from backend.checks.plate import check_plate
from backend.checks.vehicle import (
    ENERGY_TYPES,
    check_energy_plate,
    check_rated_load_kg,
    legal_gross_kg,
)

ORDINARY = check_plate("蒙K12345", colour="yellow")
NEV = check_plate("蒙K12345D", colour="yellow_green")


@pytest.mark.parametrize(
    ("body", "axle_count", "gross_kg"),
    [
        ("truck", 2, 18_000),
        ("truck", 3, 25_000),
        ("truck", 4, 31_000),
        ("tractor_semitrailer", 3, 27_000),
        ("tractor_semitrailer", 4, 36_000),
        ("tractor_semitrailer", 5, 43_000),
        ("tractor_semitrailer", 6, 49_000),
    ],
)
def test_legal_gross(body: str, axle_count: int, gross_kg: int) -> None:
    assert legal_gross_kg(axle_count=axle_count, body=body) == gross_kg


@pytest.mark.parametrize(
    ("body", "axle_count", "allowed"),
    [
        ("truck", 1, "2, 3, 4"),
        ("truck", 5, "2, 3, 4"),
        ("truck", 6, "2, 3, 4"),
        ("tractor_semitrailer", 2, "3, 4, 5, 6"),
        ("tractor_semitrailer", 7, "3, 4, 5, 6"),
        ("truck", 0, "2, 3, 4"),
        ("truck", -2, "2, 3, 4"),
    ],
)
def test_bad_axles(body: str, axle_count: int, allowed: str) -> None:
    with pytest.raises(CheckFailed) as info:
        legal_gross_kg(axle_count=axle_count, body=body)
    assert info.value.code == "vehicle_axles"
    assert allowed in info.value.message_en


def test_bool_is_not_an_axle_count() -> None:
    with pytest.raises(CheckFailed):
        legal_gross_kg(axle_count=True, body="truck")


def test_unknown_body() -> None:
    with pytest.raises(CheckFailed) as info:
        legal_gross_kg(axle_count=6, body="bus")
    assert info.value.code == "vehicle_body"


def test_energy_types() -> None:
    assert set(ENERGY_TYPES) == {"diesel", "lng", "electric", "hydrogen", "hybrid"}
    assert ENERGY_TYPES["lng"].zh == "天然气(LNG)"


@pytest.mark.parametrize(
    ("energy_type", "plate"),
    [
        ("diesel", ORDINARY),
        ("lng", ORDINARY),
        ("electric", NEV),
        ("hydrogen", NEV),
        ("hybrid", ORDINARY),
        ("hybrid", NEV),
    ],
)
def test_energy_plate_ok(energy_type: str, plate: object) -> None:
    check_energy_plate(energy_type=energy_type, plate=plate)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("energy_type", "plate"),
    [("diesel", NEV), ("lng", NEV), ("electric", ORDINARY), ("hydrogen", ORDINARY)],
)
def test_energy_plate_mismatch(energy_type: str, plate: object) -> None:
    with pytest.raises(CheckFailed) as info:
        check_energy_plate(energy_type=energy_type, plate=plate)  # type: ignore[arg-type]
    assert info.value.code == "vehicle_energy_plate"


def test_unknown_energy_type() -> None:
    with pytest.raises(CheckFailed) as info:
        check_energy_plate(energy_type="coal", plate=ORDINARY)
    assert info.value.code == "vehicle_energy_type"


@pytest.mark.parametrize("rated_load_kg", [1_000, 30_000, 48_999])
def test_rated_load_ok(rated_load_kg: int) -> None:
    check_rated_load_kg(rated_load_kg=rated_load_kg, legal_gross_kg=49_000)


@pytest.mark.parametrize("rated_load_kg", [0, 999, 49_000, 60_000, -1])
def test_rated_load_bad(rated_load_kg: int) -> None:
    with pytest.raises(CheckFailed) as info:
        check_rated_load_kg(rated_load_kg=rated_load_kg, legal_gross_kg=49_000)
    assert info.value.code == "vehicle_rated_load"
    assert "49000 kg" in info.value.message_en
