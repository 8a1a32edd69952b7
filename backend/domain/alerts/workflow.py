"""Handling an alert to its close (issue 13, point 3): acknowledge -> dispose -> review, appeals, and
the platform's own closes. Every step is one conditional UPDATE (two people pressing at once: one
wins, the other hears the state it is in now), a row of the alert's timeline and, for people's
actions, an audit entry, all in the caller's transaction (flush only)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend import files
from backend.context import Context
from backend.db.base import utcnow
from backend.db.unit import savepoint
from backend.domain.alerts import catalogue, errors, notify
from backend.domain.alerts.access import access_alert, may_handle, may_review
from backend.domain.alerts.models import Alert, AlertAppeal, AlertFile, AlertStep
from backend.domain.alerts.rows import appeal_out, file_out, out, step_out
from backend.domain.alerts.schemas import (
    LIVE,
    AlertDetail,
    AlertOut,
    AlertStatus,
    AppealDecision,
    AppealIn,
    Disposal,
    FileOut,
    Level,
    Outcome,
    Review,
    StepAction,
)
from backend.domain.audit import service as audit
from backend.domain.identity.schemas import Principal
from backend.errors import NotFound, forbidden

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_ALERT = 20
PURPOSES = ("disposal", "appeal")


async def add_step(session: AsyncSession, alert: Alert, action: StepAction, *, actor: Principal | None = None,
                   note: str | None = None, data: dict[str, Any] | None = None, at: datetime | None = None) -> AlertStep:
    step = AlertStep(alert_id=alert.id, at=at or utcnow(), action=action.value,
                     actor_label=actor.actor.label if actor is not None else None,
                     actor_user_id=actor.user_id if actor is not None and actor.machine_key is None else None,
                     note=note[:1000] if note else None, data=data or {})
    session.add(step)
    await session.flush()
    return step


async def _audit(session: AsyncSession, actor: Principal, alert: Alert, action: str, after: dict[str, Any]) -> None:
    await audit.record(session, actor=actor.actor, action=f"alert.{action}", entity="alert", entity_id=alert.id,
                       after=after)


async def _move(session: AsyncSession, alert: Alert, *, from_: tuple[AlertStatus, ...], wanted: tuple[str, str],
                **values: Any) -> None:
    """The conditional UPDATE of one step: only from the states it may start from; a lost race or a
    wrong state answers 409 with the state the alert is in now."""
    result = await session.execute(update(Alert).where(Alert.id == alert.id, Alert.status.in_([s.value for s in from_]))
                                   .values(**values).execution_options(synchronize_session=False))
    await session.refresh(alert)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise errors.wrong_state(AlertStatus(alert.status), wanted_zh=wanted[0], wanted_en=wanted[1])


async def acknowledge(session: AsyncSession, *, actor: Principal, alert_id: uuid.UUID) -> AlertOut:
    """A named person of the handling organisation takes it; the close deadline counts from now on."""
    alert = await access_alert(session, actor, alert_id)
    if not may_handle(actor, alert):
        raise forbidden()
    now = utcnow()
    await _move(session, alert, from_=(AlertStatus.OPEN,), wanted=("确认", "acknowledged"),
                status=AlertStatus.ACKNOWLEDGED.value, acked_at=now, acked_by=actor.actor.label[:100],
                due_at=Alert.close_due_at)
    await add_step(session, alert, StepAction.ACKNOWLEDGED, actor=actor, at=now)
    await _audit(session, actor, alert, "acknowledge", {"status": alert.status})
    return out(alert)


async def _attach(session: AsyncSession, alert: Alert, *, file_ids: list[uuid.UUID], purpose: str,
                  step: AlertStep, appeal_id: uuid.UUID | None = None) -> None:
    for i, file_id in enumerate(dict.fromkeys(file_ids)):
        result = await session.execute(update(AlertFile).where(
            AlertFile.id == file_id, AlertFile.alert_id == alert.id, AlertFile.purpose == purpose,
            AlertFile.step_id.is_(None)).values(step_id=step.id, appeal_id=appeal_id))
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise errors.file_unknown(f"fileIds[{i}]")


def _reach_at_least(alert: Alert) -> Any:
    """The reach once a disposal or an appeal waits for the level above (notify.reviewing_level): it
    must see the alert; a reach already higher stays (one SQL expression, so a racing escalation's
    higher reach is never lowered)."""
    if notify.reviewing_level(alert.region_code) == Level.CITY:
        return Level.CITY.value
    return case((Alert.reach == Level.ENTERPRISE.value, Level.DISTRICT.value), else_=Alert.reach)


async def dispose(session: AsyncSession, *, actor: Principal, alert_id: uuid.UUID, data: Disposal) -> AlertOut:
    """The handler's account (cause, measures, photos); it goes to the level above for review: an
    alert that only its enterprise saw now reaches the district."""
    alert = await access_alert(session, actor, alert_id)
    if not may_handle(actor, alert):
        raise forbidden()
    now = utcnow()
    await _move(session, alert, from_=(AlertStatus.ACKNOWLEDGED,), wanted=("处置", "disposed"),
                status=AlertStatus.DISPOSED.value, disposed_at=now, reach=_reach_at_least(alert))
    step = await add_step(session, alert, StepAction.DISPOSED, actor=actor, at=now,
                          note=f"原因：{data.cause}\n措施：{data.measures}",
                          data={"cause": data.cause, "measures": data.measures,
                                "noteEn": f"Cause: {data.cause}\nMeasures: {data.measures}",
                                "fileIds": [str(f) for f in data.file_ids]})
    await _attach(session, alert, file_ids=data.file_ids, purpose="disposal", step=step)
    await _audit(session, actor, alert, "dispose", {"status": alert.status, "cause": data.cause,
                                                    "measures": data.measures, "files": len(data.file_ids)})
    await notify.review_due(session, alert, level=notify.reviewing_level(alert.region_code))
    return out(alert)


async def review(session: AsyncSession, *, actor: Principal, alert_id: uuid.UUID, data: Review) -> AlertOut:
    """The level above accepts a disposal (closed) or sends it back with a reason (acknowledged again)."""
    alert = await access_alert(session, actor, alert_id)
    if not may_review(actor, alert):
        raise forbidden()
    now = utcnow()
    if data.accept:
        await _move(session, alert, from_=(AlertStatus.DISPOSED,), wanted=("审核", "reviewed"),
                    status=AlertStatus.CLOSED.value, outcome=Outcome.RESOLVED.value, closed_at=now, dedupe_key=None)
        await add_step(session, alert, StepAction.ACCEPTED, actor=actor, at=now, note=data.reason)
    else:
        reason = " ".join((data.reason or "").split())
        if len(reason) < 2:
            raise errors.reason_required()
        await _move(session, alert, from_=(AlertStatus.DISPOSED,), wanted=("审核", "reviewed"),
                    status=AlertStatus.ACKNOWLEDGED.value, disposed_at=None)
        await add_step(session, alert, StepAction.REJECTED, actor=actor, at=now, note=reason)
    await _audit(session, actor, alert, "review", {"accept": data.accept, "reason": data.reason, "status": alert.status})
    await notify.reviewed(session, alert, accepted=data.accept, reason=data.reason)
    return out(alert)


async def close_automatically(session: AsyncSession, *, alert_id: uuid.UUID, outcome: Outcome, note_zh: str,
                              note_en: str, data: dict[str, Any] | None = None, at: datetime | None = None) -> bool:
    """The platform closes a live alert itself: its cause was withdrawn (a GPS gap filled in later) or
    recovered (a silent device reports again; `data` carries the outage's length). False when it
    was closed already (nothing changes)."""
    at = at or utcnow()
    result = await session.execute(update(Alert).where(Alert.id == alert_id, Alert.status.in_([s.value for s in LIVE]))
                                   .values(status=AlertStatus.CLOSED.value, outcome=outcome.value, closed_at=at,
                                           dedupe_key=None).execution_options(synchronize_session=False))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    alert = await session.get(Alert, alert_id)
    assert alert is not None
    await session.refresh(alert)
    await add_step(session, alert, StepAction.CLOSED, at=at, note=note_zh,
                   data={"outcome": outcome.value, "noteEn": note_en, **(data or {})})
    return True


def _may_appeal(actor: Principal, alert: Alert) -> bool:
    kind = catalogue.KINDS.get(alert.kind)
    return (kind is not None and kind.source == catalogue.Source.GPS and alert.driver_user_id is not None
            and alert.driver_user_id == actor.user_id and actor.machine_key is None)


async def upload_file(session: AsyncSession, *, ctx: Context, actor: Principal, alert_id: uuid.UUID, purpose: str,
                      data: bytes, name: str = "") -> FileOut:
    """A photo (JPEG/PNG) or PDF for a disposal (the handler) or an appeal (the driver), ≤ 10 MB,
    checked by its magic number; attached when the disposal or appeal is submitted."""
    alert = await access_alert(session, actor, alert_id)
    allowed = may_handle(actor, alert) if purpose == "disposal" else purpose == "appeal" and _may_appeal(actor, alert)
    if not allowed:
        raise forbidden()
    if alert.status == AlertStatus.CLOSED:
        raise errors.wrong_state(AlertStatus.CLOSED, wanted_zh="添加附件", wanted_en="given attachments")
    media_type = files.document_type(data)
    if media_type is None or len(data) > MAX_FILE_BYTES:
        raise errors.file_invalid()
    held = (await session.execute(select(func.count()).select_from(AlertFile)
                                  .where(AlertFile.alert_id == alert.id))).scalar_one()
    if held >= MAX_FILES_PER_ALERT:
        raise errors.too_many_files()
    sha256 = await asyncio.to_thread(files.store(ctx.settings).put, data)
    row = AlertFile(alert_id=alert.id, purpose=purpose, sha256=sha256, media_type=media_type,
                    name=(" ".join(name.split()) or sha256[:12])[:120], size_bytes=len(data), uploaded_by=actor.user_id)
    session.add(row)
    await session.flush()
    return file_out(row)


async def file_of(session: AsyncSession, *, ctx: Context, actor: Principal, alert_id: uuid.UUID,
                  file_id: uuid.UUID) -> tuple[str, FileOut]:
    """(path on disk, the file) for a reader of the alert: an attached file, or one the reader uploaded
    (as the timeline lists them). Anything else, another alert's file included, is not found (404)."""
    alert = await access_alert(session, actor, alert_id)
    row = await session.get(AlertFile, file_id)
    store = files.store(ctx.settings)
    if (row is None or row.alert_id != alert.id or (row.step_id is None and row.uploaded_by != actor.user_id)
            or not await asyncio.to_thread(store.exists, row.sha256)):
        # A missing resource in the path is a 404, like the alert itself (422 is for a bad body).
        raise NotFound("附件", "Attachment", field="fileId")
    return str(store.path(row.sha256)), file_out(row)


async def appeal(session: AsyncSession, *, actor: Principal, alert_id: uuid.UUID, data: AppealIn) -> AlertDetail:
    """The driver's appeal against a GPS alert about his truck, with his phone's track and a note; one
    waits at a time. The regulators of the level that sees it (at least the district) decide."""
    alert = await access_alert(session, actor, alert_id)
    if not _may_appeal(actor, alert) or alert.status == AlertStatus.CLOSED:
        raise errors.not_appealable()
    row = AlertAppeal(alert_id=alert.id, driver_user_id=actor.user_id, note=data.note,
                      track=[[p.at_s, p.lon, p.lat] for p in data.track])
    try:
        async with savepoint(session):
            session.add(row)
            await session.flush()
    except IntegrityError:
        raise errors.appeal_pending() from None
    step = await add_step(session, alert, StepAction.APPEALED, actor=actor, note=data.note,
                          data={"appealId": str(row.id), "trackPoints": len(data.track)})
    await _attach(session, alert, file_ids=data.file_ids, purpose="appeal", step=step, appeal_id=row.id)
    await session.execute(update(Alert).where(Alert.id == alert.id).values(reach=_reach_at_least(alert))
                          .execution_options(synchronize_session=False))
    await session.refresh(alert)
    await _audit(session, actor, alert, "appeal", {"appealId": str(row.id), "trackPoints": len(data.track)})
    await notify.review_due(session, alert, level=notify.reviewing_level(alert.region_code), appeal=True)
    return await detail(session, actor=actor, alert_id=alert.id)


async def decide_appeal(session: AsyncSession, *, actor: Principal, alert_id: uuid.UUID, appeal_id: uuid.UUID,
                        data: AppealDecision) -> AlertDetail:
    """Upheld: the alert closes (appeal upheld). Dismissed: the alert goes on; the driver hears why."""
    alert = await access_alert(session, actor, alert_id)
    if not may_review(actor, alert):
        raise forbidden()
    row = await session.get(AlertAppeal, appeal_id)
    if row is None or row.alert_id != alert.id:
        raise NotFound("申诉", "Appeal", field="appealId")
    now = utcnow()
    status = "upheld" if data.uphold else "dismissed"
    result = await session.execute(update(AlertAppeal).where(AlertAppeal.id == row.id, AlertAppeal.status == "pending")
                                   .values(status=status, decided_at=now, decided_by=actor.actor.label[:100],
                                           reason=data.reason).execution_options(synchronize_session=False))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise errors.appeal_decided()
    await session.refresh(row)
    await add_step(session, alert, StepAction.APPEAL_UPHELD if data.uphold else StepAction.APPEAL_DISMISSED,
                   actor=actor, note=data.reason, data={"appealId": str(row.id)}, at=now)
    if data.uphold:
        await session.execute(update(Alert).where(Alert.id == alert.id, Alert.status.in_([s.value for s in LIVE]))
                              .values(status=AlertStatus.CLOSED.value, outcome=Outcome.APPEAL_UPHELD.value,
                                      closed_at=now, dedupe_key=None).execution_options(synchronize_session=False))
        await session.refresh(alert)
    await _audit(session, actor, alert, "appeal_decide", {"appealId": str(row.id), "status": status,
                                                           "reason": data.reason})
    await notify.appeal_decided(session, alert, driver_user_id=row.driver_user_id, upheld=data.uphold,
                                reason=data.reason)
    return await detail(session, actor=actor, alert_id=alert.id)


async def detail(session: AsyncSession, *, actor: Principal, alert_id: uuid.UUID) -> AlertDetail:
    """The alert, its timeline, its files and appeals, and what the reader may do now."""
    alert = await access_alert(session, actor, alert_id)
    steps = (await session.execute(select(AlertStep).where(AlertStep.alert_id == alert.id)
                                   .order_by(AlertStep.at, AlertStep.id))).scalars().all()
    rows = (await session.execute(select(AlertFile).where(AlertFile.alert_id == alert.id)
                                  .order_by(AlertFile.uploaded_at, AlertFile.id))).scalars().all()
    appeals = (await session.execute(select(AlertAppeal).where(AlertAppeal.alert_id == alert.id)
                                     .order_by(AlertAppeal.filed_at))).scalars().all()
    status = AlertStatus(alert.status)
    handler, reviewer = may_handle(actor, alert), may_review(actor, alert)
    pending = any(a.status == "pending" for a in appeals)
    visible_files = [f for f in rows if f.step_id is not None or f.uploaded_by == actor.user_id]
    return AlertDetail(alert=out(alert), steps=[step_out(s) for s in steps], files=[file_out(f) for f in visible_files],
                       appeals=[appeal_out(a) for a in appeals],
                       can_acknowledge=handler and status == AlertStatus.OPEN,
                       can_dispose=handler and status == AlertStatus.ACKNOWLEDGED,
                       can_review=reviewer and status == AlertStatus.DISPOSED,
                       can_appeal=_may_appeal(actor, alert) and status != AlertStatus.CLOSED and not pending,
                       can_decide_appeal=reviewer and pending)
