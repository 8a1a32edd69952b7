"""Machine keys on the wire. A secret appears in exactly two answers: issue and rotate."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

import msgspec

from backend.structs import Out, Struct


class KeyCreate(Struct):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
    device_id: uuid.UUID | None = None


class KeyOut(Out):
    key_id: str
    org_id: uuid.UUID
    device_id: uuid.UUID | None
    name: str
    status: str
    created_at: datetime
    last_used_at: datetime | None
    previous_valid_until: datetime | None


class KeyIssued(Out):
    """Shown once: the platform keeps the secret encrypted and never shows it again."""

    key: KeyOut
    secret: str


class MachineCaller(msgspec.Struct, frozen=True, kw_only=True):
    """Who signed a request to /open/v1."""

    key_id: str
    org_id: uuid.UUID
    device_id: uuid.UUID | None


class SigningKey(msgspec.Struct, frozen=True, kw_only=True):
    """What the verifier needs: the secrets that may have signed, newest first."""

    key_id: str
    org_id: uuid.UUID
    device_id: uuid.UUID | None
    secrets: tuple[str, ...]
    last_used_at: datetime | None


class PingOut(Out):
    key_id: str
    org_id: uuid.UUID
    org_name: str | None
    device_id: uuid.UUID | None
    server_time: datetime


class Heartbeat(Struct):
    device_code: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    status: dict[str, Any] | None = None


class HeartbeatOut(Out):
    device_code: str
    last_seen_at: datetime
