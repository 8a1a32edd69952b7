"""Unified social credit codes of organisations (GB 32100-2015)."""

from __future__ import annotations

from backend.checks.errors import CheckFailed

# 31 characters: the digits and the capital letters minus I, O, Z, S, V, which are too easy to
# confuse with 1, 0, 2, 5 and U when read aloud or written by hand.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {char: index for index, char in enumerate(ALPHABET)}
# Weight i is 3**i mod 31; all are non-zero mod the prime 31, so any single substituted
# character changes the check character.
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Registration authorities: 1-9 are government departments (9 = market regulation), A = central
# military commission reform office, N = agriculture (co-operatives), Y = other.
_AUTHORITIES = frozenset("123456789ANY")


def _check_char(prefix17: str) -> str:
    total = sum(_VALUE[char] * weight for char, weight in zip(prefix17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def _check_body(prefix17: str) -> None:
    """Charset, authority and region checks shared by check_ and make_."""
    bad = sorted({char for char in prefix17 if char not in _VALUE})
    if bad:
        shown = "、".join(bad)
        raise CheckFailed(
            "credit_code_charset",
            f"统一社会信用代码含有不允许的字符：{shown}（不使用 I、O、Z、S、V）",
            f"The credit code contains characters that are not allowed: {', '.join(bad)} "
            "(I, O, Z, S and V are never used)",
        )
    if prefix17[0] not in _AUTHORITIES:
        raise CheckFailed(
            "credit_code_format",
            "统一社会信用代码第 1 位（登记管理部门）无效",
            "The first character of the credit code (registration authority) is not valid",
        )
    if not prefix17[2:8].isdecimal() or not prefix17[2:8].isascii():
        raise CheckFailed(
            "credit_code_region",
            "统一社会信用代码第 3–8 位应为 6 位行政区划代码",
            "Characters 3-8 of the credit code must be a 6-digit region code",
        )


def check_credit_code(value: str) -> str:
    """Validate a unified social credit code; returns it normalised (uppercase, no spaces)."""
    code = "".join(value.split()).upper() if isinstance(value, str) else ""
    if len(code) != 18:
        raise CheckFailed(
            "credit_code_format",
            "统一社会信用代码应为 18 位",
            "A unified social credit code has 18 characters",
        )
    _check_body(code)
    if code[17] != _check_char(code[:17]):
        raise CheckFailed(
            "credit_code_check_char",
            "统一社会信用代码校验位不正确，请核对",
            "The credit code's check character is wrong; please re-check the code",
        )
    return code


def make_credit_code(prefix17: str) -> str:
    """Append the GB 32100 check character to 17 characters (test and demo data)."""
    prefix = prefix17.upper()
    if len(prefix) != 17:
        raise CheckFailed(
            "credit_code_format",
            "生成统一社会信用代码需要前 17 位",
            "Making a credit code needs exactly its first 17 characters",
        )
    _check_body(prefix)
    return prefix + _check_char(prefix)
