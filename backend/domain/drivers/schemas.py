"""Drivers on the wire. The full ID number leaves only towards the driver himself."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from backend.domain.audit.schemas import PersonalReadOut
from backend.domain.identity.schemas import Code, Password, Phone, Tokens
from backend.domain.vehicles.schemas import VehicleCreate
from backend.structs import Out, Struct

DriverStatus = Literal["active", "blacklisted"]
DRIVER_STATUS_LABELS = {"active": ("正常", "Active"), "blacklisted": ("失信黑名单", "Blacklisted")}

# Loose bounds only: the real rules live in drivers.rules and answer 422 with the field named.
Text32 = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]


class DriverRegister(Struct):
    phone: Phone
    sms_code: Code
    password: Password
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    id_number: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
    driving_licence_no: Text32
    qualification_cert_no: Text32
    region_code: Annotated[str, msgspec.Meta(min_length=1, max_length=12)]
    vehicle: VehicleCreate | None = None


class DriverUpdate(Struct):
    driving_licence_no: Text32 | None = None
    qualification_cert_no: Text32 | None = None
    region_code: Annotated[str, msgspec.Meta(min_length=1, max_length=12)] | None = None


class DriverStatusChange(Struct):
    status: DriverStatus
    reason: Annotated[str, msgspec.Meta(min_length=2, max_length=200)]


class DriverOut(Out):
    """`phone`, `idNumber`, `birthDate` and the full licence/certificate numbers are null for viewers
    other than the driver himself (phone: also shown to his carrier's staff and platform admins)."""

    id: uuid.UUID
    name: str
    phone: str | None
    phone_masked: str
    id_number: str | None
    id_number_masked: str
    birth_date: date | None
    sex: str
    driving_licence_no: str | None
    driving_licence_no_masked: str
    qualification_cert_no: str | None
    qualification_cert_no_masked: str
    region_code: str
    region_name: str
    carrier_org_id: uuid.UUID | None
    real_name_status: str
    verified_by: str | None
    verified_at: datetime | None
    status: str
    status_label_zh: str
    status_label_en: str
    created_at: datetime


class Registration(Out):
    driver: DriverOut
    tokens: Tokens


class DriverBrief(msgspec.Struct, frozen=True, kw_only=True):
    """What other features need of a driver (vehicles: region, status, carrier)."""

    id: uuid.UUID
    user_id: uuid.UUID
    region_code: str
    carrier_org_id: uuid.UUID | None
    status: str
    name: str
    real_name_status: str


class DriverPage(Out):
    total: int
    offset: int
    limit: int
    items: list[DriverOut]


class DriverReadOut(Out):
    """One look at the driver's personal information, as the driver sees it ("谁查看了我的信息")."""

    at: datetime
    org_name: str
    role_zh: str
    role_en: str
    viewer_name: str | None  # only for officials (drivers.reads.NAMED_ROLES)
    fields_zh: list[str]
    fields_en: list[str]
    channel_zh: str
    channel_en: str


class DriverReadPage(Out):
    total: int
    offset: int
    limit: int
    items: list[DriverReadOut]


class PersonalReadView(PersonalReadOut):
    """A recorded read as auditors see it: everything, with the reader's organisation named."""

    actor_org_name: str


class PersonalReadViews(Out):
    total: int
    offset: int
    limit: int
    items: list[PersonalReadView]
