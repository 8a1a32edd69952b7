"""PRC motor-vehicle licence plates (GA 36): format plus plate-colour consistency."""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType

from backend.checks.errors import CheckFailed
from backend.checks.labels import Label

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"

PLATE_COLOURS: MappingProxyType[str, Label] = MappingProxyType(
    {
        "yellow": Label("黄牌", "yellow"),
        "yellow_green": Label("黄绿牌", "yellow-green"),
        "blue": Label("蓝牌", "blue"),
        "green": Label("绿牌", "green"),
        "white": Label("白牌", "white"),
        "black": Label("黑牌", "black"),
    }
)
# Yellow (large ordinary) and yellow-green (large new-energy) are the heavy-goods colours.
LARGE_COLOURS = frozenset({"yellow", "yellow_green"})
NEW_ENERGY_COLOURS = frozenset({"green", "yellow_green"})

# I and O are never issued: they read as 1 and 0.
_LETTER = "A-HJ-NP-Z"
_AUTHORITY_RE = re.compile(f"[{_LETTER}]")
_ORDINARY_RE = re.compile(f"[0-9{_LETTER}]{{5}}")
# Small NEV: D/A/B/C/E = pure electric, F/G/H/J/K = other new energy; then 1 letter-or-digit, 4 digits.
_SMALL_NEV_RE = re.compile(f"[DABCEFGHJK][0-9{_LETTER}][0-9]{{4}}")
# Large NEV: 5 digits, then D (pure electric) or F (other new energy).
_LARGE_NEV_RE = re.compile("[0-9]{5}[DF]")
_SEPARATORS = str.maketrans("", "", "·•")


@dataclass(frozen=True, slots=True)
class Plate:
    number: str
    colour: str
    new_energy: bool
    large: bool


def _colour_error(message_zh: str, message_en: str) -> CheckFailed:
    return CheckFailed("plate_colour", message_zh, message_en)


def _format_error() -> CheckFailed:
    return CheckFailed(
        "plate_format",
        "车牌号格式不正确：省份简称 + 发牌机关字母 + 5 位（新能源 6 位）字母或数字",
        "Plate format is wrong: province character, authority letter, then 5 letters/digits "
        "(6 for new-energy vehicles)",
    )


def normalise_plate(plate: str) -> str:
    """Remove whitespace and the middle dot, uppercase the latin letters."""
    return "".join(plate.split()).translate(_SEPARATORS).upper()


def _check_colour_fits(serial: str, colour: str) -> None:
    if len(serial) == 6:
        if _SMALL_NEV_RE.fullmatch(serial) and colour != "green":
            raise _colour_error(
                "小型新能源汽车号牌应为绿牌", "A small new-energy plate (letter first) must be green"
            )
        if _LARGE_NEV_RE.fullmatch(serial) and colour != "yellow_green":
            raise _colour_error(
                "大型新能源汽车号牌应为黄绿牌",
                "A large new-energy plate (letter last) must be yellow-green",
            )
    elif colour in NEW_ENERGY_COLOURS:
        raise _colour_error(
            "绿牌、黄绿牌为新能源号牌，号码应为 6 位",
            "Green and yellow-green are new-energy plates, which have a 6-character serial",
        )


def check_plate(plate: str, *, colour: str) -> Plate:
    """Validate a plate and its colour; raises CheckFailed (plate_*)."""
    number = normalise_plate(plate) if isinstance(plate, str) else ""
    if colour not in PLATE_COLOURS:
        allowed = ", ".join(PLATE_COLOURS)
        raise _colour_error(
            f"未知的车牌颜色，可选：{allowed}", f"Unknown plate colour; use one of: {allowed}"
        )
    if len(number) < 2:
        raise _format_error()
    if number[0] not in PROVINCES:
        raise CheckFailed(
            "plate_province",
            "车牌第 1 位应为省份简称（如 蒙、晋、陕）",
            "The first character of a plate must be a province abbreviation (e.g. 蒙, 晋, 陕)",
        )
    if not _AUTHORITY_RE.fullmatch(number[1]):
        raise CheckFailed(
            "plate_authority",
            "车牌第 2 位应为发牌机关字母 A–Z（不含 I、O）",
            "The second character of a plate must be an authority letter A-Z (not I or O)",
        )
    serial = number[2:]
    if len(serial) == 5:
        if not _ORDINARY_RE.fullmatch(serial):
            raise _format_error()
    elif len(serial) == 6:
        if not (_SMALL_NEV_RE.fullmatch(serial) or _LARGE_NEV_RE.fullmatch(serial)):
            raise _format_error()
    else:
        raise _format_error()
    _check_colour_fits(serial, colour)
    return Plate(
        number=number,
        colour=colour,
        new_energy=len(serial) == 6,
        large=colour in LARGE_COLOURS,
    )
