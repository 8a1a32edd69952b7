"""Raising and listing alerts. Raising happens inside the caller's transaction (flush only), so an
alert exists exactly when the refusal or record that caused it does."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.db.unit import savepoint
from backend.domain.alerts import catalogue, notify, routing
from backend.domain.alerts.access import access_alert, driver_alerts, my_alerts, read_alert, region_alerts
from backend.domain.alerts.catalogue import KINDS, Source, UnknownAlertKind, codes
from backend.domain.alerts.escalation import escalate_one
from backend.domain.alerts.feed import org_feed
from backend.domain.alerts.figures import handling_figures
from backend.domain.alerts.models import Alert
from backend.domain.alerts.pack_verify import verify_pack
from backend.domain.alerts.packs import build_pack, evidence_collector, json_file, ref_id, stored_file
from backend.domain.alerts.routing import DEFAULT_REGION as ROUTING_DEFAULT_REGION
from backend.domain.alerts.routing import DEFAULTS as ROUTING_DEFAULTS
from backend.domain.alerts.routing import effective as effective_routing
from backend.domain.alerts.routing import routing_of, set_routing
from backend.domain.alerts.rows import out
from backend.domain.alerts.schemas import (
    AlertOut,
    AlertPage,
    AlertRaise,
    AlertStatus,
    Grade,
    Level,
    Outcome,
    StepAction,
)
from backend.domain.alerts.workflow import (
    acknowledge,
    add_step,
    appeal,
    close_automatically,
    decide_appeal,
    detail,
    dispose,
    file_of,
    review,
    upload_file,
)

__all__ = ["KINDS", "ROUTING_DEFAULTS", "ROUTING_DEFAULT_REGION", "Outcome", "Source", "UnknownAlertKind",
           "access_alert", "acknowledge", "appeal", "build_pack", "close_automatically", "codes", "decide_appeal",
           "dedupe_key", "detail", "dispose", "driver_alerts", "effective_routing", "escalate_one", "evidence_collector",
           "file_of", "handling_figures", "json_file", "list_alerts", "mark_handled", "my_alerts", "org_feed",
           "raise_alert", "read_alert", "ref_id", "region_alerts", "review", "routing_of", "set_routing", "stored_file",
           "upload_file", "verify_pack"]


def dedupe_key(data: AlertRaise, subject: catalogue.Subject) -> str | None:
    """The subject duplicates count against (None: this raise stands alone, e.g. a plate kind without a plate)."""
    value = {catalogue.Subject.SITE: str(data.site_id) if data.site_id else None,
             catalogue.Subject.PLATE: data.plate, catalogue.Subject.DEVICE: data.device_ref,
             catalogue.Subject.DOCUMENT: data.ref or None}[subject]
    return f"{data.kind}|{data.org_id}|{value}"[:160] if value else None


async def _merge(session: AsyncSession, *, key: str, at: datetime, window: timedelta) -> Alert | None:
    """Count this raise on the open alert of `key` seen inside the window; release one quiet for longer."""
    open_ = (await session.execute(select(Alert).where(Alert.dedupe_key == key, Alert.status != AlertStatus.CLOSED.value))).scalar_one_or_none()
    if open_ is None:
        return None
    if at - window > open_.last_seen_at:
        open_.dedupe_key = None  # quiet beyond the window: it stays open, the new raise is a new alert
        await session.flush()
        return None
    open_.count += 1
    open_.last_seen_at = max(open_.last_seen_at, at)
    await session.flush()
    return open_


async def raise_alert(session: AsyncSession, *, data: AlertRaise, at: datetime | None = None) -> AlertOut:
    """Raises UnknownAlertKind for a code the catalogue does not list (a bug in the raiser). The same
    kind on the same subject inside the kind's window counts on the one live alert, without a notice.
    A new alert gets its deadlines and its reach from the region's routing of its grade, and every
    level in that audience hears of it at once (notify.raised)."""
    kind = catalogue.kind(data.kind)
    grade = data.grade or kind.grade
    at = at or utcnow()
    key = dedupe_key(data, kind.subject)
    if key is not None:
        merged = await _merge(session, key=key, at=at, window=timedelta(minutes=kind.window_min))
        if merged is not None:
            return out(merged)
    route = (await routing.effective(session, region_code=data.region_code)).routing.of(grade)
    reach = max((Level(a) for a in route.audience), key=LEVEL_ORDER.index)
    ack_due, close_due = at + timedelta(minutes=route.ack_min), at + timedelta(minutes=route.close_min)
    alert = Alert(kind=data.kind, grade=grade.value, org_id=data.org_id, site_id=data.site_id,
                  region_code=data.region_code, plate=data.plate, order_no=data.order_no, ref=data.ref[:64],
                  message_zh=data.message_zh[:300], message_en=data.message_en[:300], details=dict(data.details),
                  raised_at=at, last_seen_at=at, count=1, dedupe_key=key, driver_user_id=data.driver_user_id,
                  reach=reach.value, escalation=0, ack_due_at=ack_due, close_due_at=close_due, due_at=ack_due)
    try:
        async with savepoint(session):  # flushed inside: a racing raise of the same key surfaces here
            session.add(alert)
            await session.flush()
    except IntegrityError:
        if key is None:  # not the dedupe index: a real fault (a foreign key), never swallowed
            raise
        merged = await _merge(session, key=key, at=at, window=timedelta(minutes=kind.window_min))
        if merged is None:  # the winner was released meanwhile (beyond the window): a rare, loud bug
            raise
        return out(merged)
    await add_step(session, alert, StepAction.RAISED, at=at, note=data.message_zh,
                   data={"grade": grade.value, "reach": reach.value, "audience": list(route.audience)})
    await notify.raised(session, alert, audience=list(route.audience),
                        sms=grade == Grade.RED and "sms" in route.channels)
    return out(alert)


LEVEL_ORDER = [Level.ENTERPRISE, Level.DISTRICT, Level.CITY]


async def mark_handled(session: AsyncSession, *, alert_id: uuid.UUID) -> None:
    """A live alert no one needs to look at any more: its cause was withdrawn (a GPS gap the terminal
    filled in later). Closed by the platform, on the timeline; inside the caller's transaction."""
    await close_automatically(session, alert_id=alert_id, outcome=Outcome.WITHDRAWN,
                              note_zh="原因已撤销（数据已补传）", note_en="Its cause was withdrawn (the data arrived later)")


async def list_alerts(session: AsyncSession, *, org_id: uuid.UUID | None = None, site_id: uuid.UUID | None = None,
                      since: datetime | None = None, offset: int = 0, limit: int = 50) -> AlertPage:
    where = []
    if org_id is not None:
        where.append(Alert.org_id == org_id)
    if site_id is not None:
        where.append(Alert.site_id == site_id)
    if since is not None:
        where.append(Alert.raised_at >= since)
    total = (await session.execute(select(func.count()).select_from(Alert).where(*where))).scalar_one()
    rows = (await session.execute(select(Alert).where(*where).order_by(Alert.raised_at.desc())
                                  .offset(offset).limit(limit))).scalars().all()
    return AlertPage(total=total, offset=offset, limit=limit, items=[out(a) for a in rows])
