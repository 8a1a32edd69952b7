"""An alert row as it goes out (shared by the raising, reading and handling services)."""

from __future__ import annotations

from backend.db.base import utcnow
from backend.domain.alerts import catalogue
from backend.domain.alerts.models import Alert, AlertAppeal, AlertFile, AlertStep
from backend.domain.alerts.schemas import (
    AlertOut,
    AlertStatus,
    AppealOut,
    FileOut,
    Grade,
    Level,
    Outcome,
    StepAction,
    StepOut,
)


def out(alert: Alert) -> AlertOut:
    kind = catalogue.KINDS.get(alert.kind)
    status = AlertStatus(alert.status)
    overdue = status != AlertStatus.CLOSED and alert.due_at is not None and alert.due_at <= utcnow()
    return AlertOut(id=alert.id, kind=alert.kind, grade=Grade(alert.grade), region_code=alert.region_code,
                    site_id=alert.site_id, plate=alert.plate, order_no=alert.order_no, ref=alert.ref,
                    message_zh=alert.message_zh, message_en=alert.message_en, details=alert.details, status=status,
                    outcome=Outcome(alert.outcome) if alert.outcome else None, raised_at=alert.raised_at,
                    count=alert.count, last_seen_at=alert.last_seen_at, reach=Level(alert.reach),
                    escalation=alert.escalation, ack_due_at=alert.ack_due_at, close_due_at=alert.close_due_at,
                    due_at=alert.due_at if status != AlertStatus.CLOSED else None, overdue=overdue,
                    acked_at=alert.acked_at, acked_by=alert.acked_by, disposed_at=alert.disposed_at,
                    closed_at=alert.closed_at, kind_zh=kind.name_zh if kind else alert.kind,
                    kind_en=kind.name_en if kind else alert.kind, updated_at=alert.updated_at)


def step_out(step: AlertStep) -> StepOut:
    # The platform's own notes carry an English twin (data.noteEn); people's notes are in their words.
    note_en = step.data.get("noteEn") if isinstance(step.data, dict) else None
    return StepOut(id=step.id, at=step.at, action=StepAction(step.action), actor=step.actor_label, note=step.note,
                   note_en=note_en if isinstance(note_en, str) else step.note, data=step.data)


def file_out(row: AlertFile) -> FileOut:
    return FileOut(id=row.id, purpose=row.purpose, name=row.name, media_type=row.media_type, size_bytes=row.size_bytes,
                   sha256=row.sha256, uploaded_at=row.uploaded_at, attached=row.step_id is not None)


def appeal_out(row: AlertAppeal) -> AppealOut:
    status = row.status if row.status in ("pending", "upheld", "dismissed") else "pending"
    return AppealOut(id=row.id, status=status, note=row.note, track_points=len(row.track or []),  # type: ignore[arg-type]
                     filed_at=row.filed_at, decided_at=row.decided_at, decided_by=row.decided_by, reason=row.reason)
