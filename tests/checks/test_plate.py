from __future__ import annotations

import pytest

from backend.checks.errors import CheckFailed
from backend.checks.plate import PLATE_COLOURS, PROVINCES, Plate, check_plate


def code_of(plate: str, colour: str) -> str:
    with pytest.raises(CheckFailed) as info:
        check_plate(plate, colour=colour)
    return info.value.code


def test_ordinary_yellow() -> None:
    assert check_plate("蒙K12345", colour="yellow") == Plate(
        "蒙K12345", "yellow", new_energy=False, large=True
    )


def test_ordinary_blue_with_letters() -> None:
    assert check_plate("晋A3B5C7", colour="blue") == Plate("晋A3B5C7", "blue", new_energy=False, large=False)


def test_small_new_energy_green() -> None:
    assert check_plate("蒙KD12345", colour="green") == Plate(
        "蒙KD12345", "green", new_energy=True, large=False
    )


@pytest.mark.parametrize("first", list("DABCEFGHJK"))
def test_small_new_energy_letters(first: str) -> None:
    assert check_plate(f"蒙K{first}A1234", colour="green").new_energy


def test_large_new_energy_yellow_green() -> None:
    plate = check_plate("蒙K12345D", colour="yellow_green")
    assert plate == Plate("蒙K12345D", "yellow_green", new_energy=True, large=True)
    assert check_plate("蒙K12345F", colour="yellow_green").new_energy


def test_normalisation() -> None:
    assert check_plate(" 蒙k·12345 ", colour="yellow").number == "蒙K12345"
    assert check_plate("蒙K•D12345", colour="green").number == "蒙KD12345"
    assert check_plate("蒙 K 1 2 3 4 5", colour="yellow").number == "蒙K12345"


@pytest.mark.parametrize(
    "plate",
    [
        "蒙K1234",
        "蒙K1234567",
        "",
        "蒙",
        "蒙K",
        "蒙K1234I",
        "蒙K1234O",
        "蒙K12*45",
        "蒙K1234挂",
        "蒙KL12345",
        "蒙KD1234A",
        "蒙K1234AD",
        "蒙K12345A",
    ],
)
def test_format(plate: str) -> None:
    # The format is checked before the colour, so the colour here does not matter.
    assert code_of(plate, "yellow") == "plate_format"


def test_too_short_fails_format() -> None:
    assert code_of("蒙K1234", "yellow") == "plate_format"


@pytest.mark.parametrize("plate", ["美K12345", "AK12345", "1K12345", "使K12345"])
def test_province(plate: str) -> None:
    assert code_of(plate, "yellow") == "plate_province"


@pytest.mark.parametrize("plate", ["蒙I12345", "蒙O12345", "蒙112345", "蒙蒙12345"])
def test_authority(plate: str) -> None:
    assert code_of(plate, "yellow") == "plate_authority"


def test_every_province_is_accepted() -> None:
    assert len(PROVINCES) == 31
    for province in PROVINCES:
        assert check_plate(province + "A12345", colour="blue").number.startswith(province)


@pytest.mark.parametrize(
    ("plate", "colour"),
    [
        ("蒙K12345", "green"),  # 5-character serial on a new-energy colour
        ("蒙K12345", "yellow_green"),
        ("蒙KD12345", "yellow"),  # 6-character serial on an ordinary colour
        ("蒙KD12345", "blue"),
        ("蒙KD12345", "yellow_green"),  # small NEV serial on the large NEV colour
        ("蒙K12345D", "green"),  # large NEV serial on the small NEV colour
        ("蒙K12345", "red"),
        ("蒙K12345", "Yellow"),
    ],
)
def test_colour(plate: str, colour: str) -> None:
    assert code_of(plate, colour) == "plate_colour"


def test_colour_labels() -> None:
    assert set(PLATE_COLOURS) == {"yellow", "yellow_green", "blue", "green", "white", "black"}
    assert PLATE_COLOURS["yellow_green"].zh == "黄绿牌"
    assert PLATE_COLOURS["yellow_green"].en == "yellow-green"


@pytest.mark.parametrize("colour", ["white", "black", "blue"])
def test_small_colours_are_not_large(colour: str) -> None:
    assert not check_plate("蒙K12345", colour=colour).large
