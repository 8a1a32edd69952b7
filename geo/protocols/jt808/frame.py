"""One frame: wire bytes ↔ (header, body), with the XOR check and the declared length verified.

Strict mode (the default) refuses a wrong check byte or a body length that disagrees with the
header. Lenient mode accepts both, as Traccar does, and records what was wrong in the `Frame`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from geo.protocols.jt808.errors import ChecksumError, FrameFormatError, LengthError
from geo.protocols.jt808.framing import FLAG, MIN_CONTENT, checksum, escape, unescape
from geo.protocols.jt808.header import Header, encode_header, parse_header


@dataclass(frozen=True, slots=True)
class Frame:
    header: Header
    body: bytes  # the bytes received (in lenient mode they may differ from header.body_len)
    checksum: int  # the check byte received
    checksum_valid: bool = True
    body_len_valid: bool = True


def decode_frame(wire: bytes, *, strict: bool = True) -> Frame:
    """`wire` is one frame with its 0x7e flags, as `FrameSplitter` returns it."""
    if len(wire) < MIN_CONTENT + 2 or wire[0] != FLAG or wire[-1] != FLAG:
        raise FrameFormatError("not a 7e-delimited frame", wire)
    content = unescape(wire[1:-1])
    header = parse_header(content)
    if len(content) < header.size + 1:
        raise FrameFormatError("no check byte after the header", wire)
    body = content[header.size : -1]
    check = content[-1]
    checksum_valid = checksum(content[:-1]) == check
    body_len_valid = len(body) == header.body_len
    if strict and not checksum_valid:
        raise ChecksumError(f"check byte {check:#04x}, computed {checksum(content[:-1]):#04x}", wire)
    if strict and not body_len_valid:
        raise LengthError(f"header says {header.body_len} body bytes, frame has {len(body)}", wire)
    return Frame(header, body, check, checksum_valid, body_len_valid)


def encode_frame(header: Header, body: bytes) -> bytes:
    """Wire bytes for `body` under `header` (its body_len is set from `body`)."""
    content = encode_header(replace(header, body_len=len(body))) + body
    return bytes([FLAG]) + escape(content + bytes([checksum(content)])) + bytes([FLAG])
