from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from backend.structs import Out, Struct

OrgKind = Literal[
    "mine", "washing_plant", "loading_station", "trader", "carrier",
    "consumer_power", "consumer_coke", "consumer_chemical", "regulator", "platform",
]
ORG_KIND_LABELS: dict[str, tuple[str, str]] = {
    "mine": ("煤矿", "Mine"),
    "washing_plant": ("洗选煤厂", "Washing plant"),
    "loading_station": ("集装站", "Loading station"),
    "trader": ("贸易企业", "Trader"),
    "carrier": ("承运企业", "Carrier"),
    "consumer_power": ("电厂", "Power plant"),
    "consumer_coke": ("焦化企业", "Coking plant"),
    "consumer_chemical": ("化工企业", "Chemical plant"),
    "regulator": ("监管部门", "Regulator"),
    "platform": ("平台运营方", "Platform operator"),
}
OrgStatus = Literal["active", "suspended", "blacklisted"]
AnyOrgStatus = Literal["pending", "refused", "active", "suspended", "blacklisted"]
ORG_STATUS_LABELS = {"active": ("正常", "Active"), "suspended": ("暂停", "Suspended"), "blacklisted": ("失信黑名单", "Blacklisted"),
                     "pending": ("待审核", "Awaiting review"), "refused": ("审核未通过", "Refused")}
# An organisation in these states prepares its data (sites, vehicles, staff) but does not transact.
UNREVIEWED = frozenset({"pending", "refused"})

Name = Annotated[str, msgspec.Meta(min_length=2, max_length=128)]


class OrgCreate(Struct):
    name: Name
    kind: OrgKind
    credit_code: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    region_code: Annotated[str, msgspec.Meta(min_length=1, max_length=12)]
    address: Annotated[str, msgspec.Meta(max_length=256)] = ""
    contact_name: Annotated[str, msgspec.Meta(max_length=64)] = ""
    contact_phone: Annotated[str, msgspec.Meta(max_length=20)] = ""
    group_name: Annotated[str, msgspec.Meta(max_length=128)] | None = None


class OrgUpdate(Struct):
    name: Name | None = None
    address: Annotated[str, msgspec.Meta(max_length=256)] | None = None
    contact_name: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    contact_phone: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    group_name: Annotated[str, msgspec.Meta(max_length=128)] | None = None


class OrgStatusChange(Struct):
    status: OrgStatus
    reason: Annotated[str, msgspec.Meta(min_length=2, max_length=500)]


class OrgReview(Struct):
    """The regulator's verdict on a pending organisation; a refusal says why (the applicant reads it)."""

    decision: Literal["approve", "refuse"]
    reason: Annotated[str, msgspec.Meta(max_length=500)] = ""


class OrgScanOut(Out):
    id: uuid.UUID
    sha256: str
    size_bytes: int
    media_type: str
    title: str
    created_at: datetime


class OrgOut(Out):
    id: uuid.UUID
    name: str
    kind: str
    credit_code: str
    region_code: str
    region_name: str
    status: str
    status_reason: str | None
    group_name: str | None
    address: str
    contact_name: str
    contact_phone: str
    created_at: datetime
    submitted_at: datetime | None = None
    reviewed_at: datetime | None = None


class OrgBrief(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    kind: str
    region_code: str
    status: str


class OrgPick(Out):
    """An organisation as a picker offers it (the carrier directory). The unified social credit code is
    public registry information, shown in full so that a look-alike name can be told apart."""

    id: uuid.UUID
    name: str
    credit_code: str
    region_code: str
    region_name: str
    region_name_en: str
