from __future__ import annotations

import pytest

from backend.checks.errors import CheckFailed
from backend.checks.phone import check_mobile, mask_mobile


@pytest.mark.parametrize(
    "value",
    [
        "13812345678",
        "+8613812345678",
        "8613812345678",
        "008613812345678",
        "+86 138 1234 5678",
        "138-1234-5678",
        " 138 1234-5678 ",
    ],
)
def test_valid(value: str) -> None:
    assert check_mobile(value) == "13812345678"


@pytest.mark.parametrize("first_two", ["13", "14", "15", "16", "17", "18", "19"])
def test_all_mobile_prefixes(first_two: str) -> None:
    assert check_mobile(first_two + "812345678") == first_two + "812345678"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "1381234567",
        "138123456789",
        "12812345678",
        "23812345678",
        "1381234567a",
        "+85213812345",
        "+8623812345678",
        "１3812345678",
        "010-12345678",
    ],
)
def test_invalid(value: str) -> None:
    with pytest.raises(CheckFailed) as info:
        check_mobile(value)
    assert info.value.code == "phone_format"
    assert info.value.message_zh and info.value.message_en


def test_mask() -> None:
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_mobile("123") == "***"
