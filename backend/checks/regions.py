"""GB/T 2260 administrative-division codes: the subset the platform needs, kept in code.

The level and parent of a code follow from its digits (xx0000 province, xxyy00 city, anything
else district), so scope checks such as "a regulator sees its region and below" need no table
look-up; the table only says which codes are known and how to name them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from backend.checks.errors import CheckFailed

RegionLevel = Literal["province", "city", "district"]

_CODE_RE = re.compile(r"[0-9]{6}")


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name_zh: str
    name_en: str
    level: RegionLevel
    parent_code: str | None


# (code, Chinese name, English name). All 34 province-level units; Inner Mongolia's 12
# prefecture-level units; the county-level units of Ordos and Wuhai (the coal areas served first).
_ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("110000", "北京市", "Beijing"),
    ("120000", "天津市", "Tianjin"),
    ("130000", "河北省", "Hebei"),
    ("140000", "山西省", "Shanxi"),
    ("150000", "内蒙古自治区", "Inner Mongolia"),
    ("210000", "辽宁省", "Liaoning"),
    ("220000", "吉林省", "Jilin"),
    ("230000", "黑龙江省", "Heilongjiang"),
    ("310000", "上海市", "Shanghai"),
    ("320000", "江苏省", "Jiangsu"),
    ("330000", "浙江省", "Zhejiang"),
    ("340000", "安徽省", "Anhui"),
    ("350000", "福建省", "Fujian"),
    ("360000", "江西省", "Jiangxi"),
    ("370000", "山东省", "Shandong"),
    ("410000", "河南省", "Henan"),
    ("420000", "湖北省", "Hubei"),
    ("430000", "湖南省", "Hunan"),
    ("440000", "广东省", "Guangdong"),
    ("450000", "广西壮族自治区", "Guangxi"),
    ("460000", "海南省", "Hainan"),
    ("500000", "重庆市", "Chongqing"),
    ("510000", "四川省", "Sichuan"),
    ("520000", "贵州省", "Guizhou"),
    ("530000", "云南省", "Yunnan"),
    ("540000", "西藏自治区", "Xizang (Tibet)"),
    ("610000", "陕西省", "Shaanxi"),
    ("620000", "甘肃省", "Gansu"),
    ("630000", "青海省", "Qinghai"),
    ("640000", "宁夏回族自治区", "Ningxia"),
    ("650000", "新疆维吾尔自治区", "Xinjiang"),
    ("710000", "台湾省", "Taiwan"),
    ("810000", "香港特别行政区", "Hong Kong"),
    ("820000", "澳门特别行政区", "Macao"),
    ("150100", "呼和浩特市", "Hohhot"),
    ("150200", "包头市", "Baotou"),
    ("150300", "乌海市", "Wuhai"),
    ("150400", "赤峰市", "Chifeng"),
    ("150500", "通辽市", "Tongliao"),
    ("150600", "鄂尔多斯市", "Ordos"),
    ("150700", "呼伦贝尔市", "Hulunbuir"),
    ("150800", "巴彦淖尔市", "Bayannur"),
    ("150900", "乌兰察布市", "Ulanqab"),
    ("152200", "兴安盟", "Hinggan League"),
    ("152500", "锡林郭勒盟", "Xilingol League"),
    ("152900", "阿拉善盟", "Alxa League"),
    ("150602", "东胜区", "Dongsheng District"),
    ("150603", "康巴什区", "Kangbashi District"),
    ("150621", "达拉特旗", "Dalad Banner"),
    ("150622", "准格尔旗", "Jungar Banner"),
    ("150623", "鄂托克前旗", "Otog Front Banner"),
    ("150624", "鄂托克旗", "Otog Banner"),
    ("150625", "杭锦旗", "Hanggin Banner"),
    ("150626", "乌审旗", "Uxin Banner"),
    ("150627", "伊金霍洛旗", "Ejin Horo Banner"),
    ("150302", "海勃湾区", "Haibowan District"),
    ("150303", "海南区", "Hainan District"),
    ("150304", "乌达区", "Wuda District"),
)


def _require_format(code: str) -> None:
    if not isinstance(code, str) or not _CODE_RE.fullmatch(code):
        raise CheckFailed(
            "region_format",
            "行政区划代码应为 6 位数字（GB/T 2260）",
            "A region code must be 6 digits (GB/T 2260)",
        )


def region_level(code: str) -> RegionLevel:
    """Level of a code, read from its digits; raises CheckFailed(region_format)."""
    _require_format(code)
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "city"
    return "district"


def parent_code(code: str) -> str | None:
    """The code one level up (None for a province), derived from the digits."""
    level = region_level(code)
    if level == "province":
        return None
    if level == "city":
        return code[:2] + "0000"
    return code[:4] + "00"


def is_within(code: str, scope_code: str) -> bool:
    """True if `code` is `scope_code` itself or lies below it."""
    _require_format(code)
    scope_level = region_level(scope_code)
    if scope_level == "province":
        return code[:2] == scope_code[:2]
    if scope_level == "city":
        # A province code shares no 4-digit prefix with a city code, so it is never inside one.
        return code[:4] == scope_code[:4]
    return code == scope_code


def _build() -> MappingProxyType[str, Region]:
    table: dict[str, Region] = {}
    for code, name_zh, name_en in _ENTRIES:
        table[code] = Region(code, name_zh, name_en, region_level(code), parent_code(code))
    return MappingProxyType(table)


REGIONS: MappingProxyType[str, Region] = _build()

# First two digits of every province-level unit; ID cards and plates validate against these.
PROVINCE_PREFIXES: frozenset[str] = frozenset(
    code[:2] for code, region in REGIONS.items() if region.level == "province"
)


def check_region_code(code: str) -> Region:
    """The known Region for a 6-digit code; raises region_format or region_unknown."""
    if isinstance(code, str):
        code = code.strip()
    _require_format(code)
    region = REGIONS.get(code)
    if region is None:
        raise CheckFailed(
            "region_unknown",
            f"未知的行政区划代码 {code}",
            f"Unknown region code {code}",
        )
    return region
