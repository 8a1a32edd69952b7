"""The one-code pass on the wire: the driver's pass, a gate's verification, offline uploads.

Times are UTC; `validFrom`/`validUntil` mirror the signed token (valid for from <= t < until).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from backend.structs import Out, Struct

Transition = Literal["in", "out"]
OfflineResult = Literal["accepted", "duplicate", "refused"]
# A scanned QR text is ~260 characters; anything far longer is junk (the library refuses > 1024 too).
ScannedCode = Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]
PlateRead = Annotated[str, msgspec.Meta(min_length=1, max_length=16)]
# An offline gate keeps hours of passages at most; a bigger upload is split by the gate.
MAX_OFFLINE_PASSAGES = 500


class DriverPassOut(Out):
    """What the driver's phone needs to draw the rolling QR itself, offline too: every 30 s it shows
    `token + "." + TOTP(totpSecret, now)` (RFC 6238, SHA-1, 6 digits, `stepS`-second steps)."""

    order_id: uuid.UUID
    order_no: str
    token: str
    totp_secret: str
    step_s: int
    plate: str
    site_id: uuid.UUID
    site_name: str
    valid_from: datetime
    valid_until: datetime
    server_time: datetime


class PassVerify(Struct):
    """A gate's scan: the phone's `MT1.<p>.<s>.<code>` or a printed `MT1.<p>.<s>` (then `plateRead`
    is required), at the caller's own site, for the transition the lane serves."""

    code: ScannedCode
    site_id: uuid.UUID
    transition: Transition
    plate_read: PlateRead | None = None
    gate_id: uuid.UUID | None = None


class PassVerdictOut(Out):
    """Every verification is answered 200: a refusal is an everyday answer at a gate. `code` is
    "ok" or the refusal's stable code; the order fields are present once the pass's signature holds."""

    accepted: bool
    code: str
    message_zh: str
    message_en: str
    transition: str
    open_barrier: bool
    order_id: uuid.UUID | None = None
    order_no: str | None = None
    plate: str | None = None


class OfflinePassage(Struct):
    """A passage a gate accepted while offline (verified with the bundle): `totpStep` is the step
    the code matched, None for a printed pass (which needs `plateRead`)."""

    order_id: uuid.UUID
    transition: Transition
    at: datetime
    totp_step: Annotated[int, msgspec.Meta(ge=0, le=2**40)] | None = None
    plate_read: PlateRead | None = None


class OfflinePassages(Struct):
    site_id: uuid.UUID
    passages: Annotated[list[OfflinePassage], msgspec.Meta(min_length=1, max_length=MAX_OFFLINE_PASSAGES)]
    gate_id: uuid.UUID | None = None


class OfflinePassageResult(Out):
    """`result`: accepted (recorded now), duplicate (recorded before) or refused (not recorded: `code` says why)."""

    order_id: uuid.UUID
    transition: str
    result: OfflineResult
    code: str
    message_zh: str
    message_en: str


class OfflinePassagesOut(Out):
    results: list[OfflinePassageResult]
