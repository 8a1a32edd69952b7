"""Who read a driver's real-name data (issue 12 §8): recorded on every read by someone else, shown to
the driver himself ("谁查看了我的信息") and to auditors (platform admins; regulators for the people
registered in their region).

The driver sees the organisation and role that looked, when and what; the viewer's personal name only
when the viewer is a regulator. An official reads in public office: his name is part of the
accountable act, and the driver may need it to object (PIPL art. 44-45 against a state organ). Staff of a
company read on their employer's behalf: the employer is the handler the driver deals with, and the
employee's own name is his personal information, which the driver has no reason to receive.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.checks.regions import is_within
from backend.domain.audit import service as audit
from backend.domain.audit.schemas import PERSONAL_FIELDS, READ_CHANNELS, PersonalReadPage, Reader, Subject
from backend.domain.drivers.models import Driver
from backend.domain.drivers.schemas import (
    DriverOut,
    DriverReadOut,
    DriverReadPage,
    PersonalReadView,
    PersonalReadViews,
)
from backend.domain.identity.schemas import FLEET_READ_ROLES, ROLE_LABELS, MembershipInfo, Principal, Role
from backend.domain.organisations import service as organisations
from backend.errors import forbidden

# Viewers whose personal name the driver sees (officials acting in public office).
NAMED_ROLES = frozenset({Role.REGULATOR})


def subject(driver: Driver, out: DriverOut) -> Subject:
    """The categories `out` reveals of this driver (masked numbers count: they still identify him)."""
    fields = ["name", "id_number", "licence", "qualification", "real_name_status"]
    if out.phone is not None:
        fields.append("phone")
    return Subject(user_id=driver.user_id, region_code=driver.region_code, fields=tuple(fields))


def reader(actor: Principal, driver: Driver, via: frozenset[uuid.UUID] = frozenset()) -> Reader:
    """The actor in the capacity that let him see this driver: his carrier's staff, a party to the
    document that names him (`via`: its organisations), a regulator of his region, the platform."""
    def first(match: Callable[[MembershipInfo], bool]) -> MembershipInfo | None:
        return next((m for m in actor.memberships if match(m)), None)

    found = (first(lambda m: m.org_id == driver.carrier_org_id and m.role in FLEET_READ_ROLES)
             or first(lambda m: m.org_id in via)
             or first(lambda m: m.role == Role.REGULATOR and is_within(driver.region_code, m.region_code)))
    if found is None and not actor.is_platform_admin and actor.memberships:
        found = actor.memberships[0]
    org_id, role = (found.org_id, found.role) if found else (None, Role.PLATFORM_ADMIN if actor.is_platform_admin else "")
    who = actor.actor
    return Reader(user_id=who.user_id, name=actor.name if actor.machine_key is None else who.label, label=who.label,
                  org_id=org_id, role=role, client=actor.client, route=actor.route)


def looks(actor: Principal) -> bool:
    """A person (or system) asking through a route looks; the platform's own work does not (the demo
    seed, jobs and workers call the same services without a route, and show nothing to anyone)."""
    return bool(actor.route)


def channel(actor: Principal) -> str:
    """A signed system (an enterprise's ERP, a department's shared interface) reads through an interface."""
    return "interface" if actor.machine_key is not None else "app"


async def record(session: AsyncSession, *, actor: Principal, shown: Iterable[tuple[Driver, DriverOut]]) -> None:
    """Record one read per driver shown to `actor` (his own record excluded), in one INSERT per
    capacity (usually exactly one)."""
    if not looks(actor):
        return
    by_reader: dict[Reader, list[Subject]] = {}
    for driver, out in shown:
        if driver.user_id != actor.user_id:
            by_reader.setdefault(reader(actor, driver), []).append(subject(driver, out))
    for who, subjects in by_reader.items():
        await audit.record_reads(session, reader=who, subjects=subjects, channel=channel(actor))


async def record_names(session: AsyncSession, *, actor: Principal, shown: Iterable[Driver],
                       via: frozenset[uuid.UUID] = frozenset()) -> None:
    """Record that `actor` saw these drivers' names (an order's driver); `via`: the organisations party
    to the documents that named them (the capacity the actor read in)."""
    if not looks(actor):
        return
    by_reader: dict[Reader, list[Subject]] = {}
    for driver in shown:
        if driver.user_id != actor.user_id:
            by_reader.setdefault(reader(actor, driver, via), []).append(
                Subject(user_id=driver.user_id, region_code=driver.region_code, fields=("name",)))
    for who, subjects in by_reader.items():
        await audit.record_reads(session, reader=who, subjects=subjects, channel=channel(actor))


async def record_export(session: AsyncSession, *, actor: Principal, driver_ids: Iterable[uuid.UUID],
                        fields: tuple[str, ...]) -> int:
    """The hook for exports (a regulator's spreadsheet of drivers; none is built yet): call it when the
    file is produced, with every driver in it and the categories of its columns. One row per driver,
    channel "export", in one INSERT; recorded whoever exports (a file leaves the platform)."""
    rows = (await session.execute(select(Driver).where(Driver.id.in_(set(driver_ids))))).scalars().all()
    by_reader: dict[Reader, list[Subject]] = {}
    for driver in rows:
        by_reader.setdefault(reader(actor, driver), []).append(
            Subject(user_id=driver.user_id, region_code=driver.region_code, fields=fields))
    return sum([await audit.record_reads(session, reader=who, subjects=subjects, channel="export")
                for who, subjects in by_reader.items()])


async def reads_of_me(session: AsyncSession, *, actor: Principal, offset: int = 0, limit: int = 50) -> DriverReadPage:
    """Who looked at the caller's personal information, newest first."""
    page = await audit.list_reads(session, region_scopes=None, subject_user_id=actor.user_id, offset=offset, limit=limit)
    names = await organisations.org_names(session, org_ids={r.actor_org_id for r in page.items if r.actor_org_id})
    items = []
    for r in page.items:
        role = ROLE_LABELS.get(r.actor_role, (r.actor_role, r.actor_role))
        org = names.get(r.actor_org_id, "") if r.actor_org_id else ("煤通平台" if r.actor_role == Role.PLATFORM_ADMIN else "")
        items.append(DriverReadOut(
            at=r.at, org_name=org, role_zh=role[0], role_en=role[1],
            viewer_name=r.actor_name if r.actor_role in NAMED_ROLES else None,
            fields_zh=[PERSONAL_FIELDS[f][0] for f in r.fields if f in PERSONAL_FIELDS],
            fields_en=[PERSONAL_FIELDS[f][1] for f in r.fields if f in PERSONAL_FIELDS],
            channel_zh=READ_CHANNELS.get(r.channel, (r.channel, r.channel))[0],
            channel_en=READ_CHANNELS.get(r.channel, (r.channel, r.channel))[1]))
    return DriverReadPage(total=page.total, offset=page.offset, limit=page.limit, items=items)


async def personal_reads(
    session: AsyncSession, *, actor: Principal, subject_user_id: uuid.UUID | None = None,
    actor_user_id: uuid.UUID | None = None, since: datetime | None = None, until: datetime | None = None,
    offset: int = 0, limit: int = 50,
) -> PersonalReadViews:
    """The auditors' view: everything for platform admins; a regulator's region for a regulator."""
    if actor.is_platform_admin:
        scopes: tuple[str, ...] | None = None
    elif actor.regulator_scopes:
        scopes = actor.regulator_scopes
    else:
        raise forbidden()
    page: PersonalReadPage = await audit.list_reads(
        session, region_scopes=scopes, subject_user_id=subject_user_id, actor_user_id=actor_user_id,
        since=since, until=until, offset=offset, limit=limit)
    names = await organisations.org_names(session, org_ids={r.actor_org_id for r in page.items if r.actor_org_id})
    return PersonalReadViews(total=page.total, offset=page.offset, limit=page.limit, items=[
        PersonalReadView(**{f: getattr(r, f) for f in r.__struct_fields__},
                         actor_org_name=names.get(r.actor_org_id, "") if r.actor_org_id else "")
        for r in page.items])
