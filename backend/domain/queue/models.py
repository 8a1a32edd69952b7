"""The site queue (排队/叫号): entries with their own state and event log, per-site settings, and
hourly appointment slots (预约).

SQL is the source of truth. Redis holds a mirror of the waiting entries (one sorted set per site
and product line) for fast positions; `mirror.rebuild` recreates it from these tables.
`order_id` is a plain uuid (no foreign key): the orders feature calls the queue, never the reverse.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, SmallInteger, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, utcnow

# An order holds at most one entry in these states; served, dropped and left are final.
ACTIVE = ("waiting", "called")
# Literal SQL (not bound parameters): PostgreSQL matches ON CONFLICT ... WHERE to a partial index
# only by its text, so the upserts use these same predicates.
ACTIVE_SQL = text("state IN ('waiting', 'called')")
BOOKED_SQL = text("state = 'booked'")


class QueueEntry(IdMixin, Base):
    __tablename__ = "queue_entries"
    __table_args__ = (
        # One place per order, also under concurrent check-ins (INSERT ... ON CONFLICT DO NOTHING).
        Index("uq_queue_entries_order_active", "order_id", unique=True,
              sqlite_where=ACTIVE_SQL, postgresql_where=ACTIVE_SQL),
        # The board and positions: waiting entries of one site and line in score order.
        Index("ix_queue_entries_line_state_score", "site_id", "line", "state", "score"),
        Index("ix_queue_entries_order_version", "order_id", "version"),
        Index("ix_queue_entries_state_deadline", "state", "call_deadline_at"),
        Index("ix_queue_entries_updated", "updated_at"),
        Index("ix_queue_entries_line_served", "site_id", "line", "served_at"),
    )

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    line: Mapped[str] = mapped_column(String(32))  # the product code, e.g. lump_coal
    order_id: Mapped[uuid.UUID]
    order_no: Mapped[str] = mapped_column(String(32))
    plate: Mapped[str] = mapped_column(String(16))
    new_energy: Mapped[bool]
    driver_user_id: Mapped[uuid.UUID]
    state: Mapped[str] = mapped_column(String(12))  # waiting | called | served | dropped | left
    # The sort key: band * 10^13 + ms of `queued_at` (band 0: NEV first, 1: the others).
    band: Mapped[int] = mapped_column(SmallInteger)
    score: Mapped[int] = mapped_column(BigInteger)
    # Bumped by every change; the Redis mirror applies a change only if it is newer than what it has.
    # Monotonic per order across its entries, so a late write for an old entry never wins.
    version: Mapped[int]
    checked_in_at: Mapped[datetime]
    queued_at: Mapped[datetime]  # the time part of the score: check-in, or the requeue/skip
    called_at: Mapped[datetime | None]
    call_deadline_at: Mapped[datetime | None]
    served_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    requeues: Mapped[int] = mapped_column(default=0)
    lon: Mapped[float]
    lat: Mapped[float]
    accuracy_m: Mapped[float | None]
    distance_to_site_m: Mapped[float]  # geodesic, 0 inside the site's fence
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class QueueEvent(IdMixin, Base):
    """Every state change of an entry: who, when, from, to, why."""

    __tablename__ = "queue_events"
    __table_args__ = (Index("ix_queue_events_entry_at", "entry_id", "at"),)

    entry_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("queue_entries.id", ondelete="CASCADE"))
    order_id: Mapped[uuid.UUID] = mapped_column(index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_user_id: Mapped[uuid.UUID | None]
    actor_label: Mapped[str] = mapped_column(String(100), default="")
    from_state: Mapped[str | None] = mapped_column(String(12))
    to_state: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(String(200), default="")


class QueueSettings(Base):
    """A site's queue rules; a site without a row uses the defaults below."""

    __tablename__ = "queue_settings"

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True)
    nev_first: Mapped[bool] = mapped_column(default=True)
    call_deadline_s: Mapped[int] = mapped_column(default=1200)
    appointments_required: Mapped[bool] = mapped_column(default=False)
    hourly_quota: Mapped[int | None]  # None: hours take any number of bookings
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class AppointmentSlot(IdMixin, Base):
    """One hour at one site: how many bookings it holds. The quota comes from the site's settings."""

    __tablename__ = "appointment_slots"
    __table_args__ = (UniqueConstraint("site_id", "hour_start"),)

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    hour_start: Mapped[datetime]
    booked: Mapped[int] = mapped_column(default=0)


class Appointment(IdMixin, Base):
    __tablename__ = "appointments"
    __table_args__ = (
        Index("uq_appointments_order_booked", "order_id", unique=True,
              sqlite_where=BOOKED_SQL, postgresql_where=BOOKED_SQL),
        Index("ix_appointments_order", "order_id"),
    )

    slot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("appointment_slots.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    order_id: Mapped[uuid.UUID]
    order_no: Mapped[str] = mapped_column(String(32))
    driver_user_id: Mapped[uuid.UUID]
    hour_start: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(12))  # booked | used (checked in) | cancelled
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
