"""Self-registration of a driver: user, real-name record and first vehicle in one transaction.

Order matters: every pure check first (a typo costs no SMS code), then the SMS code (so nobody
can probe which ID numbers or plates are registered without owning the phone), then the
uniqueness checks and the inserts, committed together or not at all.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.checks.idcard import mask_id_card
from backend.context import Context
from backend.domain.audit import service as audit
from backend.domain.audit.schemas import Actor
from backend.domain.drivers import errors, rules
from backend.domain.drivers.models import Driver
from backend.domain.drivers.records import (
    ID_CONTEXT,
    apply_verdict,
    set_cert_no,
    set_licence_no,
    snapshot,
    to_out,
)
from backend.domain.drivers.schemas import DriverRegister, Registration
from backend.domain.drivers.verification import DEFAULT_VERIFIER, RealNameVerifier
from backend.domain.identity import service as identity
from backend.domain.vehicles import service as vehicles
from backend.domain.vehicles.service import check_vehicle
from backend.errors import DomainError


def _conflict_from(exc: IntegrityError) -> DomainError:
    """Which uniqueness rule a concurrent registration broke (the pre-checks saw none)."""
    text = str(exc.orig).lower()
    if "plate" in text:
        return vehicles.plate_taken_error("vehicle.plate")
    if "id_number_hash" in text:
        return errors.id_number_taken()
    if "phone" in text:
        return errors.phone_taken()
    raise exc


async def register(
    session: AsyncSession, *, ctx: Context, data: DriverRegister, client: str,
    verifier: RealNameVerifier = DEFAULT_VERIFIER,
) -> Registration:
    phone = identity.normalise_phone(data.phone)
    name = rules.check_name(data.name)
    card = rules.check_id_number(data.id_number)
    licence_no = rules.check_licence_no(data.driving_licence_no)
    cert_no = rules.check_cert_no(data.qualification_cert_no)
    region_code = rules.check_region(data.region_code)
    checked_vehicle = check_vehicle(data.vehicle, prefix="vehicle.") if data.vehicle else None
    # The password rule too, before the code is spent (create_user hashes it again: registration is rare).
    identity.hash_password(data.password)

    await identity.consume_sms_code(ctx=ctx, phone=phone, purpose="register", code=data.sms_code)

    id_hash = ctx.vault.lookup_hash(card.number, context=ID_CONTEXT)
    if (await session.execute(select(Driver.id).where(Driver.id_number_hash == id_hash))).first():
        raise errors.id_number_taken()
    try:
        user_id = await identity.create_user(session, phone=phone, name=name, password=data.password)
        driver = Driver(
            user_id=user_id, name=name, phone=phone,
            id_number_enc=ctx.vault.encrypt(card.number, context=ID_CONTEXT), id_number_hash=id_hash,
            id_number_masked=mask_id_card(card.number), birth_date=card.birth_date, sex=card.sex,
            region_code=region_code, status="active", real_name_status="submitted",
        )
        set_licence_no(ctx, driver, licence_no)
        set_cert_no(ctx, driver, cert_no)
        await apply_verdict(ctx, driver, verifier)
        session.add(driver)
        await session.flush()
        actor = Actor(user_id=user_id, label=f"{name} ({phone[:3]}****{phone[-4:]})", client=client)
        await audit.record(session, actor=actor, action="driver.register", entity="driver", entity_id=driver.id,
                           after=snapshot(driver))
        if checked_vehicle is not None:
            await vehicles.add_vehicle(
                session, actor=actor, checked=checked_vehicle, owner_driver_id=driver.id, carrier_org_id=None,
                region_code=region_code, field_prefix="vehicle.",
            )
        # Registration logs the driver in: the same tokens a password login would give.
        tokens = await identity.issue_tokens(session, ctx=ctx, user_id=user_id, client=client)
        await session.flush()  # a unique index that saw a racing twin answers here, not at the commit
    except IntegrityError as exc:  # the owner rolls the unit back
        raise _conflict_from(exc) from None
    return Registration(driver=to_out(ctx, None, driver), tokens=tokens)
