"""Facts the identity feature announces (backend/events.py): the person is told of each (notices)."""

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


class SessionStarted(Event, frozen=True, kw_only=True):
    """A new login session (a new device or browser) began for this user."""

    user_id: uuid.UUID
    session_id: uuid.UUID
    client: str
    started_at: datetime


class RecoveryCodeUsed(Event, frozen=True, kw_only=True):
    """A recovery code stood in for the TOTP code at login; `remaining` are left unused."""

    user_id: uuid.UUID
    remaining: int
    at: datetime
