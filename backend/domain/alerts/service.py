"""Raising and listing alerts. Raising happens inside the caller's transaction (flush only), so an
alert exists exactly when the refusal or record that caused it does."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.alerts import catalogue, routing
from backend.domain.alerts.models import Alert
from backend.domain.alerts.schemas import GRADE_LABELS, AlertOut, AlertPage, AlertRaise, Grade
from backend.domain.identity import service as identity
from backend.domain.identity.schemas import ALERT_AUDIENCE
from backend.domain.notices import service as notices

__all__ = ["list_alerts", "mark_handled", "raise_alert"]


def _out(alert: Alert) -> AlertOut:
    return AlertOut(id=alert.id, kind=alert.kind, grade=Grade(alert.grade), site_id=alert.site_id, plate=alert.plate,
                    order_no=alert.order_no, ref=alert.ref, message_zh=alert.message_zh,
                    message_en=alert.message_en, details=alert.details, status=alert.status,
                    raised_at=alert.raised_at)


async def raise_alert(session: AsyncSession, *, data: AlertRaise, at: datetime | None = None) -> AlertOut:
    """Raises UnknownAlertKind for a code the catalogue does not list (a bug in the raiser)."""
    grade = catalogue.kind(data.kind).grade
    channels = (await routing.effective(session, region_code=data.region_code)).routing.of(grade).channels
    alert = Alert(kind=data.kind, grade=grade.value, org_id=data.org_id, site_id=data.site_id,
                  region_code=data.region_code, plate=data.plate, order_no=data.order_no, ref=data.ref[:64],
                  message_zh=data.message_zh[:300], message_en=data.message_en[:300], details=dict(data.details))
    if at is not None:
        alert.raised_at = at
    session.add(alert)
    await session.flush()
    for user_id in await identity.member_ids(session, org_id=data.org_id, roles=ALERT_AUDIENCE):
        await notices.enqueue(
            session, user_id=user_id, kind=f"alert_{data.kind}", title_zh=f"告警（{GRADE_LABELS[grade][0]}）",
            title_en=f"Alert ({GRADE_LABELS[grade][1]})", body_zh=data.message_zh, body_en=data.message_en,
            data={"alertId": str(alert.id), "kind": data.kind}, sms=grade == Grade.RED and "sms" in channels,
        )
    return _out(alert)


async def mark_handled(session: AsyncSession, *, alert_id: uuid.UUID) -> None:
    """An open alert no one needs to look at any more (its cause was withdrawn); inside the
    caller's transaction, which commits."""
    await session.execute(update(Alert).where(Alert.id == alert_id, Alert.status == "open").values(status="handled"))


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
    return AlertPage(total=total, offset=offset, limit=limit, items=[_out(a) for a in rows])
