"""A site's queue rules (NEV first, call deadline, appointments, hourly quota): read and change.

Turning NEV-first on or off re-sorts the waiting trucks at once: each keeps its time, only the
band above it changes."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.db.base import utcnow
from backend.domain.audit import service as audit
from backend.domain.identity.schemas import Principal
from backend.domain.queue import mirror, rules
from backend.domain.queue.access import access_queue_site
from backend.domain.queue.entries import insert_or_nothing
from backend.domain.queue.models import QueueEntry, QueueSettings
from backend.domain.queue.schemas import QueueSettingsIn, QueueSettingsOut

DEFAULTS = QueueSettingsIn(nev_first=True, call_deadline_s=1200, appointments_required=False, hourly_quota=None)


def _out(site_id: uuid.UUID, s: QueueSettings | QueueSettingsIn) -> QueueSettingsOut:
    return QueueSettingsOut(site_id=site_id, nev_first=s.nev_first, call_deadline_s=s.call_deadline_s,
                            appointments_required=s.appointments_required, hourly_quota=s.hourly_quota)


async def settings_of(session: AsyncSession, *, site_id: uuid.UUID) -> QueueSettingsOut:
    row = await session.get(QueueSettings, site_id, populate_existing=True)
    return _out(site_id, row if row is not None else DEFAULTS)


async def get_settings(session: AsyncSession, *, actor: Principal, site_id: uuid.UUID) -> QueueSettingsOut:
    site = await access_queue_site(session, actor, site_id)
    return await settings_of(session, site_id=site.id)


async def _rescore(session: AsyncSession, *, site_id: uuid.UUID, nev_first: bool, at: datetime) -> None:
    """Waiting NEVs move between band 0 and 1; everyone else is band 1 either way."""
    new_band = rules.band(new_energy=True, nev_first=nev_first)
    # Bands are 0 or 1 and every row here has the other one: the score moves by one band span.
    shift = literal((1 if new_band else -1) * rules.BAND_SPAN, BigInteger)
    result = await session.execute(
        update(QueueEntry)
        .where(QueueEntry.site_id == site_id, QueueEntry.state == "waiting", QueueEntry.new_energy.is_(True),
               QueueEntry.band != new_band)
        .values(band=new_band, score=QueueEntry.score + shift,
                version=QueueEntry.version + 1, updated_at=at)
        .returning(QueueEntry.order_id)
        .execution_options(synchronize_session=False)
    )
    mirror.touch(session, *result.scalars().all())


async def update_settings(session: AsyncSession, *, ctx: Context, actor: Principal, site_id: uuid.UUID,
                          data: QueueSettingsIn) -> QueueSettingsOut:
    """Replace the site's rules; audited; commits, then re-sorts the mirror if NEV-first changed."""
    site = await access_queue_site(session, actor, site_id, settings=True)
    now = utcnow()
    await insert_or_nothing(session, QueueSettings, {"site_id": site.id, **_values(DEFAULTS), "updated_at": now},
                            index_elements=["site_id"])
    row = (await session.execute(
        select(QueueSettings).where(QueueSettings.site_id == site.id).with_for_update()
        .execution_options(populate_existing=True)
    )).scalar_one()
    before = audit.snapshot(row, fields=_FIELDS)
    for name, value in _values(data).items():
        setattr(row, name, value)
    row.updated_at = now
    await session.flush()
    after = audit.snapshot(row, fields=_FIELDS)
    if before["nev_first"] != after["nev_first"]:
        await _rescore(session, site_id=site.id, nev_first=data.nev_first, at=now)
    if before != after:
        await audit.record(session, actor=actor.actor, action="queue.settings", entity="site", entity_id=site.id,
                           before=before, after=after)
    out = _out(site.id, row)
    return out


_FIELDS = ("nev_first", "call_deadline_s", "appointments_required", "hourly_quota")


def _values(s: QueueSettingsIn) -> dict[str, object]:
    return {name: getattr(s, name) for name in _FIELDS}
