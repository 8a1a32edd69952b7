from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import msgspec

from backend.structs import Out


class Actor(msgspec.Struct, frozen=True, kw_only=True):
    """Who acts and from where: a person (user id) or a machine (key id), with the client address/agent."""

    user_id: uuid.UUID | None
    label: str
    client: str = ""


class AuditOut(Out):
    at: datetime
    actor_label: str
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    client: str
