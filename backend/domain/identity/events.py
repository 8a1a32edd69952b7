"""Facts the identity feature announces (backend/events.py)."""

from __future__ import annotations

import uuid
from datetime import datetime

from backend.events import Event


class LoginFailuresRepeated(Event, frozen=True, kw_only=True):
    """Wrong passwords for this account reached the point where its logins are slowed down; its
    owner should hear of it (at most once an hour), the guesser never does."""

    user_id: uuid.UUID
    failures: int
    ip: str
    at: datetime
