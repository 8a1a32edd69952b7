"""The device watchdog's memory: one row per outage it is tracking (a device, a terminal, a site).

A row lives from the sweep that finds its subject silent until the subject has been back for the
recovery hold (settings.watchdog_recovery_hold_s). While it lives, the subject's alert stays live,
so a subject that goes silent again within the hold (a flapping device) counts on the same alert
instead of raising a new one each time (service.py says why).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin


class WatchOutage(IdMixin, Base):
    __tablename__ = "watch_outages"

    # The alert's device_ref ("lane:<uuid>", "camera:<uuid>", "terminal:<sim>") or "site:<uuid>":
    # unique, so two sweeping workers cannot both start the same outage.
    ref: Mapped[str] = mapped_column(String(80), unique=True)
    subject: Mapped[str] = mapped_column(String(8))  # schemas.Subject: device | terminal | site
    subject_id: Mapped[str] = mapped_column(String(40))  # the device's or site's uuid, the terminal's SIM
    alert_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("alerts.id"))
    # The subject's last report before the current outage (the outage's start).
    silent_since: Mapped[datetime]
    # Its first report after the current outage: waiting out the hold before the alert closes.
    back_at: Mapped[datetime | None]
    outages: Mapped[int] = mapped_column(default=1)
    # The outages' lengths so far, the current one excepted while it lasts.
    outage_total_s: Mapped[int] = mapped_column(default=0)
