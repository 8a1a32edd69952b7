"""A driver's record as stored and shown: the vault contexts of its secrets, the audit snapshot, the view
for a reader, and the real-name verdict. Shared by the service and registration."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.checks.phone import mask_mobile
from backend.context import Context
from backend.db.base import utcnow
from backend.domain.audit import service as audit
from backend.domain.drivers import rules
from backend.domain.drivers.models import Driver
from backend.domain.drivers.schemas import (
    DRIVER_STATUS_LABELS,
    DriverOut,
)
from backend.domain.drivers.verification import RealNameClaim, RealNameVerifier
from backend.domain.identity.schemas import FLEET_READ_ROLES, Principal
from backend.domain.regions.service import region_name

ID_CONTEXT = "driver.id_number"
LICENCE_CONTEXT = "driver.licence_no"
CERT_CONTEXT = "driver.cert_no"
# What the audit trail keeps of a driver: never the numbers, not even encrypted.
AUDIT_FIELDS = (
    "id", "user_id", "name", "id_number_masked", "sex", "driving_licence_no_masked", "qualification_cert_no_masked",
    "region_code", "carrier_org_id", "real_name_status", "verified_by", "status",
)


async def driver_id_for_user(session: AsyncSession, *, user_id: uuid.UUID) -> uuid.UUID | None:
    row = (await session.execute(select(Driver.id).where(Driver.user_id == user_id))).first()
    return None if row is None else row[0]


def snapshot(driver: Driver) -> dict[str, object]:
    return audit.snapshot(driver, fields=AUDIT_FIELDS)


def to_out(ctx: Context, actor: Principal | None, driver: Driver) -> DriverOut:
    """`actor=None` means the driver himself (at registration, before a Principal exists)."""
    is_self = actor is None or actor.driver_id == driver.id
    sees_phone = is_self or (actor is not None and (
        actor.is_platform_admin
        or (driver.carrier_org_id is not None and actor.is_member(driver.carrier_org_id, FLEET_READ_ROLES))
    ))
    label = DRIVER_STATUS_LABELS.get(driver.status, (driver.status, driver.status))
    return DriverOut(
        id=driver.id, name=driver.name, phone=driver.phone if sees_phone else None,
        phone_masked=mask_mobile(driver.phone),
        id_number=ctx.vault.decrypt(driver.id_number_enc, context=ID_CONTEXT) if is_self else None,
        id_number_masked=driver.id_number_masked, birth_date=driver.birth_date if is_self else None, sex=driver.sex,
        driving_licence_no=ctx.vault.decrypt(driver.driving_licence_no_enc, context=LICENCE_CONTEXT) if is_self else None,
        driving_licence_no_masked=driver.driving_licence_no_masked,
        qualification_cert_no=ctx.vault.decrypt(driver.qualification_cert_no_enc, context=CERT_CONTEXT) if is_self else None,
        qualification_cert_no_masked=driver.qualification_cert_no_masked,
        region_code=driver.region_code, region_name=region_name(driver.region_code)[0],
        carrier_org_id=driver.carrier_org_id, real_name_status=driver.real_name_status,
        verified_by=driver.verified_by, verified_at=driver.verified_at, status=driver.status,
        status_label_zh=label[0], status_label_en=label[1], created_at=driver.created_at,
    )


def set_licence_no(ctx: Context, driver: Driver, number: str) -> None:
    driver.driving_licence_no_enc = ctx.vault.encrypt(number, context=LICENCE_CONTEXT)
    driver.driving_licence_no_masked = rules.mask_number(number)


def set_cert_no(ctx: Context, driver: Driver, number: str) -> None:
    driver.qualification_cert_no_enc = ctx.vault.encrypt(number, context=CERT_CONTEXT)
    driver.qualification_cert_no_masked = rules.mask_number(number)


async def apply_verdict(ctx: Context, driver: Driver, verifier: RealNameVerifier) -> None:
    claim = RealNameClaim(
        name=driver.name, id_number=ctx.vault.decrypt(driver.id_number_enc, context=ID_CONTEXT),
        birth_date=driver.birth_date,
        driving_licence_no=ctx.vault.decrypt(driver.driving_licence_no_enc, context=LICENCE_CONTEXT),
        qualification_cert_no=ctx.vault.decrypt(driver.qualification_cert_no_enc, context=CERT_CONTEXT),
    )
    verdict = await verifier.verify(claim)
    driver.real_name_status, driver.real_name_note = verdict.status, verdict.note[:200]
    driver.verified_by = verdict.verified_by
    driver.verified_at = utcnow() if verdict.status == "verified" else None
