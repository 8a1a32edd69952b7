"""Camera plate text and plate colours in the platform's vocabulary."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.checks.plate import PLATE_COLOURS, PROVINCES
from devices.camera.plates import COLOURS, normalise_plate, plate_colour
from devices.passcode import normalise_plate as pass_normal_form


@pytest.mark.parametrize(
    "spelling",
    [
        "蒙K66888",
        "蒙K·66888",
        "蒙K 66888",
        "蒙K-66888",
        "蒙K•66888",
        "蒙K・66888",
        "蒙Ｋ６６８８８",
        "蒙Ｋ　６６８８８",
        "蒙k66888",
        " 蒙K\t66888\r\n",
        "蒙K－66888",
    ],
)
def test_camera_spellings_normalise_to_one_plate(spelling: str) -> None:
    assert normalise_plate(spelling) == "蒙K66888"


def test_every_province_character_is_kept() -> None:
    for province in PROVINCES + "使领警学挂":
        assert normalise_plate(f"{province}a·12345") == f"{province}A12345"


@pytest.mark.parametrize(
    "no_plate", ["无车牌", " 无车牌 ", "未识别", "unknown", "Unknown", "UNKNOWN", "无牌车", "", "  "]
)
def test_no_plate_words_are_unreadable(no_plate: str) -> None:
    assert normalise_plate(no_plate) == ""


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="蒙京晋ABKXYZabk0123456789０１２ＫＡ ·•-・\t", max_size=12))
def test_agrees_with_the_pass_normal_form(raw: str) -> None:
    camera = normalise_plate(raw)
    assert camera == pass_normal_form(raw) or (camera == "" and pass_normal_form(raw) in {"", "无车牌"})


@pytest.mark.parametrize(
    ("reported", "colour"),
    [
        # Hikvision plateColor
        ("yellow", "yellow"),
        ("blue", "blue"),
        ("green", "green"),
        ("yellowGreen", "yellow_green"),
        ("yellow_green", "yellow_green"),
        ("white", "white"),
        ("black", "black"),
        ("unknown", "unknown"),
        # Dahua PlateColor
        ("Yellow", "yellow"),
        ("Blue", "blue"),
        ("Green", "green"),
        ("YellowGreen", "yellow_green"),
        ("ShadowGreen", "green"),
        ("White", "white"),
        ("Black", "black"),
        ("Other", "unknown"),
        # Chinese firmware, and nothing at all
        ("黄色", "yellow"),
        ("黄绿双拼", "yellow_green"),
        ("渐变绿", "green"),
        ("", "unknown"),
        ("civilAviationBlack", "unknown"),
    ],
)
def test_camera_colours_map_to_the_vocabulary(reported: str, colour: str) -> None:
    assert plate_colour(reported) == colour


def test_colour_vocabulary_is_the_platforms_plus_unknown() -> None:
    assert set(COLOURS) == set(PLATE_COLOURS) | {"unknown"}
