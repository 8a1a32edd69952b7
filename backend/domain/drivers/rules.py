"""Pure checks of a driver's own data (names and document numbers), each failure naming its field."""

from __future__ import annotations

import re
from dataclasses import dataclass

from backend import clock
from backend.checks.errors import CheckFailed
from backend.checks.idcard import IdCard, check_id_card
from backend.checks.regions import check_region_code
from backend.errors import Invalid

# Han (basic block and extension A), latin letters, the middle dot of minority names
# (阿卜杜·热合曼) and spaces between latin words.
_NAME_RE = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbfA-Za-z·][\u4e00-\u9fff\u3400-\u4dbfA-Za-z· ]{0,30}[\u4e00-\u9fff\u3400-\u4dbfA-Za-z·]")
# Phones and IMEs type the dot as any of these; one form is stored.
_DOTS = str.maketrans({"•": "·", "・": "·", "‧": "·", "．": "·"})
_LICENCE_RE = re.compile(r"[0-9A-Z]{12,18}")
_CERT_RE = re.compile(r"[0-9A-Z]{6,32}")


def invalid(exc: CheckFailed, field: str) -> Invalid:
    return Invalid(exc.code, exc.message_zh, exc.message_en, field=field)


def check_name(value: str, *, field: str = "name") -> str:
    name = " ".join(value.translate(_DOTS).split())
    if not _NAME_RE.fullmatch(name):
        raise Invalid(
            "name_format", "姓名应为 2–32 个汉字、字母或间隔号（·）",
            "A name has 2-32 Chinese characters, latin letters or middle dots (·)", field=field,
        )
    return name


def check_id_number(value: str, *, field: str = "idNumber") -> IdCard:
    try:
        return check_id_card(value, min_age_years=18, today=clock.today_china())
    except CheckFailed as exc:
        raise invalid(exc, field) from None


def check_licence_no(value: str, *, field: str = "drivingLicenceNo") -> str:
    # The licence number is the holder's ID number in practice; older licences carry a 12-digit
    # file number. Accept either shape rather than guess which one a driver types.
    number = "".join(value.split()).upper()
    if not _LICENCE_RE.fullmatch(number):
        raise Invalid(
            "licence_no_format", "驾驶证号应为 12–18 位字母或数字",
            "A driving licence number has 12-18 letters or digits", field=field,
        )
    return number


def check_cert_no(value: str, *, field: str = "qualificationCertNo") -> str:
    number = "".join(value.split()).upper()
    if not _CERT_RE.fullmatch(number):
        raise Invalid(
            "qualification_cert_no_format", "从业资格证号应为 6–32 位字母或数字",
            "A qualification certificate number has 6-32 letters or digits", field=field,
        )
    return number


def check_region(value: str, *, field: str = "regionCode") -> str:
    try:
        return check_region_code(value).code
    except CheckFailed as exc:
        raise invalid(exc, field) from None


def mask_number(number: str) -> str:
    """Mask a document number for display: keeps at most the first 4 and last 4 characters."""
    if len(number) >= 12:
        return number[:4] + "*" * (len(number) - 8) + number[-4:]
    return "*" * (len(number) - 2) + number[-2:] if len(number) > 4 else "*" * len(number)


@dataclass(frozen=True, slots=True)
class CheckedDriver:
    name: str
    card: IdCard
    licence_no: str
    cert_no: str
    region_code: str
