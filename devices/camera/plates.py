"""Plates and plate colours as ANPR cameras report them, in the platform's vocabulary.

One plate reaches us in many spellings: "蒙K·66888", "蒙K 66888", "蒙K-66888", full-width
"蒙Ｋ６６８８８". The normal form is devices.passcode's (NFKC folds full-width letters and digits to
ASCII; whitespace and middle dots go; upper case), so a camera read compares equal to the plate on a
pass and to the plate the platform stored. Province characters are kept as they are.

A camera that saw a vehicle but read no plate says so in words ("无车牌", "unknown"); that becomes
"" (unreadable), which matches no pass and sends the driver to the code reader.
"""

from __future__ import annotations

from devices.passcode.claims import normalise_plate as _normal_form

# base.PlateRead.colour takes one of these; the platform's plate checks use the same names.
COLOURS = ("yellow", "blue", "green", "yellow_green", "white", "black", "unknown")

# "No plate" as cameras write it, compared in normal form (upper case, no spaces).
_UNREADABLE = frozenset({"无车牌", "无牌车", "无牌", "未识别", "车牌", "UNKNOWN", "NOPLATE", "NONE", "NULL"})

# Keys are lower case with "_", "-" and spaces removed: Hikvision writes plateColor "yellow",
# "yellowGreen" or "yellow_green"; Dahua writes PlateColor "Yellow", "YellowGreen", "ShadowGreen"
# (渐变绿, the small new-energy plate); Chinese firmware may write the colour in Chinese.
_COLOUR_ALIASES = {
    "yellow": "yellow",
    "blue": "blue",
    "green": "green",
    "shadowgreen": "green",
    "gradientgreen": "green",
    "newenergygreen": "green",
    "yellowgreen": "yellow_green",
    "greenyellow": "yellow_green",
    "white": "white",
    "black": "black",
    "黄": "yellow",
    "黄色": "yellow",
    "蓝": "blue",
    "蓝色": "blue",
    "绿": "green",
    "绿色": "green",
    "渐变绿": "green",
    "黄绿": "yellow_green",
    "黄绿色": "yellow_green",
    "黄绿双拼": "yellow_green",
    "白": "white",
    "白色": "white",
    "黑": "black",
    "黑色": "black",
}


def normalise_plate(raw: str) -> str:
    """A camera's plate text in normal form ("蒙K66888"), or "" when the camera read no plate."""
    plate = _normal_form(raw)
    return "" if plate in _UNREADABLE else plate


def plate_colour(raw: str) -> str:
    """A camera's plate colour name as one of COLOURS; anything unrecognised is "unknown"."""
    key = "".join(raw.split()).replace("_", "").replace("-", "").lower()
    return _COLOUR_ALIASES.get(key, "unknown")
