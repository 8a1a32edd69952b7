"""Mainland China mobile numbers."""

from __future__ import annotations

import re

from backend.checks.errors import CheckFailed

# [0-9] rather than \d: \d also matches full-width and other Unicode digits.
_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
_COUNTRY_PREFIXES = ("+86", "0086", "86")


def check_mobile(value: str) -> str:
    """Return the bare 11-digit mobile number; accepts +86/0086/86, spaces and hyphens."""
    number = "".join(value.split()).replace("-", "") if isinstance(value, str) else ""
    for prefix in _COUNTRY_PREFIXES:
        # An 11-digit mobile always starts with 1, so a leading "86" can only be the country code.
        if number.startswith(prefix) and len(number) == len(prefix) + 11:
            number = number[len(prefix) :]
            break
    if not _MOBILE_RE.fullmatch(number):
        raise CheckFailed(
            "phone_format",
            "手机号应为 11 位中国大陆手机号码",
            "A mobile number must be an 11-digit mainland China number",
        )
    return number


def mask_mobile(number: str) -> str:
    """Mask for display (PIPL): "138****5678". Shows nothing of input it does not understand."""
    if len(number) != 11:
        return "*" * len(number)
    return number[:3] + "****" + number[-4:]
