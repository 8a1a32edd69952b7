"""What the terminals feature answers: registration and authentication outcomes, bindings for apps."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from backend.structs import Out

# 0x8100 results (JT/T 808 table 8); the gateway sends them as they are.
REGISTER_OK = 0
REGISTER_VEHICLE_TAKEN = 1  # the vehicle already has another active terminal
REGISTER_NO_VEHICLE = 2  # no active vehicle with this plate (or terminal phone)
REGISTER_TERMINAL_TAKEN = 3  # the terminal is bound to another vehicle


class RegisterOutcome(msgspec.Struct, frozen=True, kw_only=True):
    result: int
    auth_code: str | None = None  # only on REGISTER_OK; never logged, stored only as its hash
    vehicle_id: uuid.UUID | None = None


class AuthOutcome(msgspec.Struct, frozen=True, kw_only=True):
    vehicle_id: uuid.UUID | None  # None: refused (unknown terminal, revoked, wrong code)
    plate: str = ""

    @property
    def ok(self) -> bool:
        return self.vehicle_id is not None


class TerminalOut(Out):
    """A vehicle's terminal as the mine and regulator apps show it ("terminal online")."""

    phone: str
    vehicle_id: uuid.UUID
    plate: str
    protocol_version: str
    maker_id: str
    model: str
    registered_at: datetime
    last_auth_at: datetime | None
    last_seen_at: datetime | None
    status: str
    online: bool


class SilentTerminal(msgspec.Struct, frozen=True, kw_only=True):
    """An active terminal that has reported, but not since the watchdog's cutoff."""

    phone: str
    vehicle_id: uuid.UUID
    plate: str
    last_seen_at: datetime
