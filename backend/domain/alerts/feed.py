"""An enterprise system's alert feed (issue 13 point 8, /open/v1/alerts): its organisation's alerts
in the order the platform changed them, paged by an opaque cursor.

The cursor is the (updated_at, id) of the last alert handed out: the next call answers the alerts
changed after it, keyset-paged, so a system that polls with the last cursor it got sees every raise,
acknowledgement, escalation and close exactly as often as it happened (an alert changed twice comes
again with its new state). Without a cursor it starts from the beginning: `state=live` (the default)
is then the full set of what still needs handling, the way to resynchronise.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.alerts.models import Alert
from backend.domain.alerts.rows import out
from backend.domain.alerts.schemas import LIVE, AlertFeed
from backend.domain.identity.schemas import Principal
from backend.errors import Invalid, forbidden

FeedState = Literal["live", "all"]


def encode_cursor(at: datetime, alert_id: uuid.UUID) -> str:
    raw = f"{at.astimezone(UTC).isoformat()}|{alert_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _bad_cursor() -> Invalid:
    return Invalid("cursor_invalid", "游标无效，请使用上次返回的 cursor", "Unknown cursor: pass back the one the last page returned",
                   field="cursor")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, _, alert_id = raw.partition("|")
        when = datetime.fromisoformat(at)
        if when.tzinfo is None:
            raise ValueError(at)
        return when, uuid.UUID(alert_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _bad_cursor() from None


async def org_feed(session: AsyncSession, *, actor: Principal, cursor: str | None = None, state: FeedState = "live",
                   limit: int = 50) -> AlertFeed:
    """The alerts the actor's organisation handles (a machine key's: exactly one), oldest change first."""
    org_ids = actor.org_ids()
    if len(org_ids) != 1:
        raise forbidden()
    where: list[ColumnElement[bool]] = [Alert.org_id.in_(org_ids)]
    if state == "live":
        where.append(Alert.status.in_([s.value for s in LIVE]))
    if cursor:
        at, last_id = decode_cursor(cursor)
        where.append(or_(Alert.updated_at > at, and_(Alert.updated_at == at, Alert.id > last_id)))
    rows = list((await session.execute(select(Alert).where(*where).order_by(Alert.updated_at, Alert.id)
                                       .limit(limit + 1))).scalars())
    page, more = rows[:limit], len(rows) > limit
    next_cursor = encode_cursor(page[-1].updated_at, page[-1].id) if page else cursor
    return AlertFeed(items=[out(a) for a in page], cursor=next_cursor, more=more)
