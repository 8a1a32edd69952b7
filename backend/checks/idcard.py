"""18-digit PRC resident identity card numbers (GB 11643-1999)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from backend.checks.errors import CheckFailed
from backend.checks.regions import PROVINCE_PREFIXES

# ISO 7064 MOD 11-2: weight i is 2**(17 - i) mod 11. Every weight is non-zero mod 11, which is
# why any single-digit typo (and any swap of two neighbouring digits) changes the check char.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_NUMBER_RE = re.compile(r"[0-9]{17}[0-9X]")
_PREFIX_RE = re.compile(r"[0-9]{17}")
_EARLIEST_BIRTH = date(1900, 1, 1)
_MAX_AGE_YEARS = 100


@dataclass(frozen=True, slots=True)
class IdCard:
    number: str
    region_code: str
    birth_date: date
    sex: Literal["M", "F"]


def _check_char(prefix17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(prefix17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def _age_years(birth: date, today: date) -> int:
    # Whole years; someone born on 29 Feb becomes a year older on 1 Mar in common years.
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def make_id_card(prefix17: str) -> str:
    """Append the GB 11643 check character to 17 digits (test and demo data)."""
    if not _PREFIX_RE.fullmatch(prefix17):
        raise CheckFailed(
            "id_card_format",
            "身份证号前 17 位必须是数字",
            "The first 17 characters of an ID card number must be digits",
        )
    return prefix17 + _check_char(prefix17)


def _parse_birth_date(number: str, today: date) -> date:
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise CheckFailed(
            "id_card_birth_date",
            "身份证号中的出生日期不是有效日期",
            "The birth date in the ID card number is not a real date",
        ) from None
    if birth > today:
        raise CheckFailed(
            "id_card_birth_date",
            "身份证号中的出生日期晚于今天",
            "The birth date in the ID card number is in the future",
        )
    if birth < _EARLIEST_BIRTH:
        raise CheckFailed(
            "id_card_birth_date",
            "身份证号中的出生日期早于 1900 年",
            "The birth date in the ID card number is before 1900",
        )
    return birth


def check_id_card(value: str, *, today: date | None = None, min_age_years: int = 18) -> IdCard:
    """Validate and normalise an 18-digit resident ID number; raises CheckFailed."""
    number = "".join(value.split()).upper() if isinstance(value, str) else ""
    if not _NUMBER_RE.fullmatch(number):
        raise CheckFailed(
            "id_card_format",
            "身份证号应为 18 位：17 位数字加 1 位数字或 X",
            "An ID card number has 18 characters: 17 digits then a digit or X",
        )
    if number[:2] not in PROVINCE_PREFIXES:
        raise CheckFailed(
            "id_card_region",
            "身份证号前两位不是有效的省级行政区划代码",
            "The first two digits of the ID card number are not a province-level region code",
        )
    today = today or date.today()
    birth = _parse_birth_date(number, today)
    age = _age_years(birth, today)
    if age < min_age_years:
        raise CheckFailed(
            "id_card_age",
            f"证件持有人须年满 {min_age_years} 周岁",
            f"The holder must be at least {min_age_years} years old",
        )
    if age > _MAX_AGE_YEARS:
        raise CheckFailed(
            "id_card_age",
            f"证件持有人年龄超过 {_MAX_AGE_YEARS} 周岁，请核对出生日期",
            f"The holder would be over {_MAX_AGE_YEARS} years old; check the birth date",
        )
    if number[17] != _check_char(number[:17]):
        raise CheckFailed(
            "id_card_check_digit",
            "身份证号校验位不正确，请核对号码",
            "The ID card number's check character is wrong; please re-check the number",
        )
    sex: Literal["M", "F"] = "M" if int(number[16]) % 2 == 1 else "F"
    return IdCard(number=number, region_code=number[:6], birth_date=birth, sex=sex)


def mask_id_card(number: str) -> str:
    """Mask for display (PIPL): "150102********123X". Never reveals more for odd input."""
    cleaned = "".join(number.split()).upper()
    if len(cleaned) != 18:
        # Not a number we understand: show nothing of it rather than guess which part is safe.
        return "*" * len(cleaned)
    return cleaned[:6] + "*" * 8 + cleaned[-4:]
