"""Message ids and the body dispatch: a `Frame` ↔ a typed message.

`decode_message(wire)` is the entry point for one frame from `FrameSplitter`; a subpackaged frame
should go through `Reassembler` first (`decode_body` takes the joined frame).
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.protocols.jt808.batch import (
    LocationBatch,
    TextMessage,
    decode_batch,
    decode_text,
    encode_batch,
    encode_text,
)
from geo.protocols.jt808.errors import UnsupportedError
from geo.protocols.jt808.frame import Frame, decode_frame, encode_frame
from geo.protocols.jt808.header import Header
from geo.protocols.jt808.location import Location, decode_location, encode_location
from geo.protocols.jt808.session import (
    Authentication,
    GeneralReply,
    Registration,
    RegistrationReply,
    decode_authentication,
    decode_general_reply,
    decode_registration,
    decode_registration_reply,
    encode_authentication,
    encode_general_reply,
    encode_registration,
    encode_registration_reply,
)

TERMINAL_REPLY = 0x0001
HEARTBEAT = 0x0002
LOGOUT = 0x0003
REGISTER = 0x0100
AUTHENTICATE = 0x0102
LOCATION = 0x0200
LOCATION_BATCH = 0x0704
PLATFORM_REPLY = 0x8001
REGISTER_REPLY = 0x8100
TEXT = 0x8300


@dataclass(frozen=True, slots=True)
class Empty:
    """Body of 0x0002 heartbeat and 0x0003 logout."""


Payload = (
    Empty
    | GeneralReply
    | Registration
    | RegistrationReply
    | Authentication
    | Location
    | LocationBatch
    | TextMessage
)


@dataclass(frozen=True, slots=True)
class Message:
    frame: Frame
    payload: Payload

    @property
    def header(self) -> Header:
        return self.frame.header


def decode_body(frame: Frame) -> Payload:
    msg_id, body, v2019 = frame.header.msg_id, frame.body, frame.header.version_2019
    if frame.header.encryption:
        raise UnsupportedError(f"encrypted body (mode {frame.header.encryption})", body)
    if msg_id in (TERMINAL_REPLY, PLATFORM_REPLY):
        return decode_general_reply(body)
    if msg_id in (HEARTBEAT, LOGOUT):
        return Empty()  # a body here is tolerated: some terminals pad it
    if msg_id == REGISTER:
        return decode_registration(body, version_2019=v2019)
    if msg_id == REGISTER_REPLY:
        return decode_registration_reply(body)
    if msg_id == AUTHENTICATE:
        return decode_authentication(body, version_2019=v2019)
    if msg_id == LOCATION:
        return decode_location(body)
    if msg_id == LOCATION_BATCH:
        return decode_batch(body)
    if msg_id == TEXT:
        return decode_text(body, version_2019=v2019)
    raise UnsupportedError(f"message id {msg_id:#06x}", body)


def decode_message(wire: bytes, *, strict: bool = True) -> Message:
    """One whole, non-subpackaged frame (flags included) → header and typed body."""
    frame = decode_frame(wire, strict=strict)
    if frame.header.subpackaged:
        raise UnsupportedError("subpackage: reassemble with Reassembler, then decode_body", wire)
    return Message(frame, decode_body(frame))


def encode_body(payload: Payload, *, version_2019: bool = False) -> bytes:
    match payload:
        case Empty():
            return b""
        case GeneralReply():
            return encode_general_reply(payload)
        case Registration():
            return encode_registration(payload)
        case RegistrationReply():
            return encode_registration_reply(payload)
        case Authentication():
            return encode_authentication(payload, version_2019=version_2019)
        case Location():
            return encode_location(payload)
        case LocationBatch():
            return encode_batch(payload)
        case TextMessage():
            return encode_text(payload, version_2019=version_2019)
    raise TypeError(f"cannot encode {type(payload).__name__}")


def encode_message(
    msg_id: int, payload: Payload, *, terminal_id: str, seq: int, version_2019: bool = False
) -> bytes:
    """Wire bytes of one message; 2019 headers carry protocol version 1 and a 20-digit phone."""
    header = Header(
        msg_id=msg_id,
        terminal_id=terminal_id,
        seq=seq,
        body_len=0,
        version_2019=version_2019,
        protocol_version=1 if version_2019 else 0,
    )
    return encode_frame(header, encode_body(payload, version_2019=version_2019))
