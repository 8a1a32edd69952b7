"""0x0704 location batch (2013+) and 0x8300 text from the platform."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from geo.protocols.jt808.errors import FrameFormatError
from geo.protocols.jt808.location import Location, decode_location, encode_location

BLIND_AREA = 1  # batch type 1: positions stored while out of coverage, re-uploaded later


@dataclass(frozen=True, slots=True)
class LocationBatch:
    batch_type: int  # 0 normal, 1 blind-area re-upload
    items: tuple[Location, ...]

    @property
    def blind_area(self) -> bool:
        return self.batch_type == BLIND_AREA


def decode_batch(body: bytes) -> LocationBatch:
    """count WORD · type BYTE · count × (length WORD · 0x0200 body)."""
    if len(body) < 3:
        raise FrameFormatError("batch needs 3 bytes", body)
    count, batch_type = struct.unpack_from(">HB", body)
    items: list[Location] = []
    at = 3
    for _ in range(count):
        if at + 2 > len(body):
            raise FrameFormatError(f"batch says {count} items, body ends after {len(items)}", body)
        (size,) = struct.unpack_from(">H", body, at)
        if at + 2 + size > len(body):
            raise FrameFormatError(f"batch item {len(items)} overruns the body", body)
        items.append(decode_location(body[at + 2 : at + 2 + size]))
        at += 2 + size
    if at != len(body):
        raise FrameFormatError(f"{len(body) - at} bytes after the last batch item", body)
    return LocationBatch(batch_type, tuple(items))


def encode_batch(batch: LocationBatch) -> bytes:
    out = bytearray(struct.pack(">HB", len(batch.items), batch.batch_type))
    for item in batch.items:
        raw = encode_location(item)
        out += struct.pack(">H", len(raw)) + raw
    return bytes(out)


TTS_FLAG = 1 << 3  # 0x8300 flag bit 3: read the text aloud


@dataclass(frozen=True, slots=True)
class TextMessage:
    flags: int  # 2013: bit 0 urgent, 2 display, 3 TTS, 4 ad screen, 5 CAN fault code
    text: str
    text_type: int | None = None  # 2019 only: 1 notification, 2 service

    @property
    def tts(self) -> bool:
        return bool(self.flags & TTS_FLAG)


def decode_text(body: bytes, *, version_2019: bool) -> TextMessage:
    head = 2 if version_2019 else 1
    if len(body) < head:
        raise FrameFormatError("text message without its flag byte", body)
    try:
        text = body[head:].decode("gbk")
    except UnicodeDecodeError:
        raise FrameFormatError("text is not GBK", body) from None
    return TextMessage(body[0], text, body[1] if version_2019 else None)


def encode_text(message: TextMessage, *, version_2019: bool) -> bytes:
    head = bytes([message.flags, message.text_type or 1]) if version_2019 else bytes([message.flags])
    return head + message.text.encode("gbk")
