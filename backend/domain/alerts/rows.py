"""An alert row as it goes out (shared by the raising and the reading services)."""

from __future__ import annotations

from backend.domain.alerts.models import Alert
from backend.domain.alerts.schemas import AlertOut, Grade


def out(alert: Alert) -> AlertOut:
    return AlertOut(id=alert.id, kind=alert.kind, grade=Grade(alert.grade), region_code=alert.region_code,
                    site_id=alert.site_id, plate=alert.plate, order_no=alert.order_no, ref=alert.ref, message_zh=alert.message_zh,
                    message_en=alert.message_en, details=alert.details, status=alert.status,
                    raised_at=alert.raised_at, count=alert.count, last_seen_at=alert.last_seen_at)
