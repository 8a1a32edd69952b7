from __future__ import annotations

import pytest

from backend.checks.errors import CheckFailed
from backend.checks.regions import (
    PROVINCE_PREFIXES,
    REGIONS,
    Region,
    check_region_code,
    is_within,
    parent_code,
    region_level,
)


def test_province_count_and_names() -> None:
    provinces = [r for r in REGIONS.values() if r.level == "province"]
    assert len(provinces) == 34
    assert REGIONS["110000"].name_zh == "北京市"
    assert REGIONS["820000"] == Region("820000", "澳门特别行政区", "Macao", "province", None)
    assert PROVINCE_PREFIXES == {
        *"11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46".split(),
        *"50 51 52 53 54 61 62 63 64 65 71 81 82".split(),
    }


def test_inner_mongolia_hierarchy() -> None:
    cities = [r for r in REGIONS.values() if r.parent_code == "150000"]
    assert len(cities) == 12
    assert all(r.level == "city" for r in cities)
    ordos = [r.code for r in REGIONS.values() if r.parent_code == "150600"]
    assert len(ordos) == 9
    wuhai = [r.code for r in REGIONS.values() if r.parent_code == "150300"]
    assert sorted(wuhai) == ["150302", "150303", "150304"]
    assert REGIONS["150627"] == Region("150627", "伊金霍洛旗", "Ejin Horo Banner", "district", "150600")
    assert REGIONS["152900"].name_en == "Alxa League"


def test_every_parent_is_known() -> None:
    for region in REGIONS.values():
        assert region.parent_code is None or region.parent_code in REGIONS


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("150000", "province", None),
        ("150600", "city", "150000"),
        ("152900", "city", "150000"),
        ("150621", "district", "150600"),
        ("110101", "district", "110100"),
    ],
)
def test_level_and_parent(code: str, level: str, parent: str | None) -> None:
    assert region_level(code) == level
    assert parent_code(code) == parent


@pytest.mark.parametrize(
    ("code", "scope", "within"),
    [
        ("150621", "150621", True),
        ("150621", "150600", True),
        ("150621", "150000", True),
        ("150600", "150600", True),
        ("150600", "150000", True),
        ("150000", "150000", True),
        ("150000", "150600", False),  # a province is not inside its city
        ("150600", "150621", False),
        ("150621", "150622", False),  # sibling banners
        ("150302", "150600", False),  # Wuhai district, Ordos scope
        ("150302", "150300", True),
        ("110101", "150000", False),
        ("150621", "110000", False),
    ],
)
def test_is_within(code: str, scope: str, within: bool) -> None:
    assert is_within(code, scope) is within


@pytest.mark.parametrize("code", ["15062", "1506210", "15062a", "", "１50621"])
def test_format_errors(code: str) -> None:
    with pytest.raises(CheckFailed) as info:
        check_region_code(code)
    assert info.value.code == "region_format"
    with pytest.raises(CheckFailed):
        is_within(code, "150000")
    with pytest.raises(CheckFailed):
        is_within("150000", code)


def test_check_region_code() -> None:
    assert check_region_code(" 150622 ").name_zh == "准格尔旗"
    with pytest.raises(CheckFailed) as info:
        check_region_code("150699")
    assert info.value.code == "region_unknown"
    assert "150699" in info.value.message_en
