from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from backend.domain.identity.schemas import Phone, Role
from backend.structs import Out, Struct

InvitationKind = Literal["fleet", "member"]
InvitationStatus = Literal["pending", "accepted", "declined", "cancelled", "expired"]


class FleetInvite(Struct):
    phone: Phone


class MemberInvite(Struct):
    phone: Phone
    role: Role


class InvitationAnswer(Struct):
    """Accepting a fleet invitation while bound to another carrier moves the driver only when he says so."""

    leave_current_carrier: bool = False


class InvitationOut(Out):
    """What the inviter sees: the phone it typed and the state, never who holds the phone."""

    id: uuid.UUID
    kind: str
    org_id: uuid.UUID
    role: str
    phone: str
    status: str
    created_at: datetime
    expires_at: datetime
    responded_at: datetime | None


class MyInvitationOut(Out):
    """What the invited person sees: who invites him to what."""

    id: uuid.UUID
    kind: str
    org_id: uuid.UUID
    org_name: str
    org_kind: str
    role: str
    status: str
    created_at: datetime
    expires_at: datetime
    # A fleet invitation to a driver bound elsewhere: accepting moves him (he must confirm it).
    moves_from_carrier: bool = False
