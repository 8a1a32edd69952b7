"""Audited reads of personal information (PIPL; issue 12 §8): who read whose real-name data, which
categories, through which route and channel, when, from which client.

One function writes them, `record_reads`, in the reading request's own unit of work (the read and its
record commit together), as ONE multi-row INSERT however many people a page shows: a list of 50
drivers costs one round trip, not 50. It stores categories (`PERSONAL_FIELDS` keys), never values.

Where a read happens decides the call:
- a page or API call that shows someone's personal information to anyone but himself: channel "app";
- an export (a file leaving the platform, e.g. a regulator's spreadsheet): channel "export", one row
  per person in the file, recorded when the file is produced;
- a department's shared interface (another authority's system reading through a signed key):
  channel "interface", the reader being the key (user_id None, its label, its organisation).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, false, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.checks.regions import region_level
from backend.domain.audit.models import PersonalRead
from backend.domain.audit.schemas import (
    PERSONAL_FIELDS,
    READ_CHANNELS,
    PersonalReadOut,
    PersonalReadPage,
    Reader,
    Subject,
)


async def record_reads(session: AsyncSession, *, reader: Reader, subjects: Iterable[Subject],
                       channel: str = "app") -> int:
    """Record that `reader` saw these people's information; returns how many were recorded.
    People reading their own information are not recorded (that is not someone else's look)."""
    assert channel in READ_CHANNELS, channel
    rows = [
        {"id": uuid.uuid4(), "actor_user_id": reader.user_id, "actor_name": reader.name[:60],
         "actor_label": reader.label[:100], "actor_org_id": reader.org_id, "actor_role": reader.role[:32],
         "subject_user_id": s.user_id, "subject_region_code": s.region_code[:6],
         "fields": ",".join(f for f in s.fields if f in PERSONAL_FIELDS)[:200], "route": reader.route[:200],
         "channel": channel, "client": reader.client[:300]}
        for s in subjects if s.user_id != reader.user_id and s.fields
    ]
    if rows:
        await session.execute(insert(PersonalRead), rows)
    return len(rows)


def _in_regions(scopes: tuple[str, ...]) -> ColumnElement[bool]:
    column = PersonalRead.subject_region_code
    terms: list[ColumnElement[bool]] = []
    for scope in scopes:
        level = region_level(scope)
        terms.append(column.like(scope[:2] + "%") if level == "province"
                     else column.like(scope[:4] + "%") if level == "city" else column == scope)
    return or_(*terms) if terms else false()


async def list_reads(
    session: AsyncSession, *, region_scopes: tuple[str, ...] | None, subject_user_id: uuid.UUID | None = None,
    actor_user_id: uuid.UUID | None = None, since: datetime | None = None, until: datetime | None = None,
    offset: int = 0, limit: int = 50,
) -> PersonalReadPage:
    """Recorded reads, newest first. `region_scopes`: only those of people registered there (a
    regulator's auditor); None: all (the platform). The caller has decided who asks."""
    where: list[ColumnElement[bool]] = []
    if region_scopes is not None:
        where.append(_in_regions(region_scopes))
    if subject_user_id is not None:
        where.append(PersonalRead.subject_user_id == subject_user_id)
    if actor_user_id is not None:
        where.append(PersonalRead.actor_user_id == actor_user_id)
    if since is not None:
        where.append(PersonalRead.at >= since)
    if until is not None:
        where.append(PersonalRead.at < until)
    total = (await session.execute(select(func.count()).select_from(PersonalRead).where(*where))).scalar_one()
    rows = (await session.execute(select(PersonalRead).where(*where)
                                  .order_by(PersonalRead.at.desc(), PersonalRead.id).offset(offset).limit(limit))).scalars()
    return PersonalReadPage(total=total, offset=offset, limit=limit, items=[_out(r) for r in rows])


def _out(r: PersonalRead) -> PersonalReadOut:
    return PersonalReadOut(
        at=r.at, actor_user_id=r.actor_user_id, actor_name=r.actor_name, actor_label=r.actor_label,
        actor_org_id=r.actor_org_id, actor_role=r.actor_role, subject_user_id=r.subject_user_id,
        subject_region_code=r.subject_region_code, fields=[f for f in r.fields.split(",") if f], route=r.route,
        channel=r.channel, client=r.client,
    )
