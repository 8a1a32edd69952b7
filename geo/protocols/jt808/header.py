"""Message header: 12/16 bytes in 2011/2013, 17/21 bytes in 2019 (version byte, 10-byte phone).

Layout: msg id WORD · attributes WORD · [2019: protocol version BYTE] · phone BCD[6] or BCD[10] ·
sequence WORD · [subpackage: total WORD, index WORD (from 1)].
Attribute bits: 0–9 body length, 10–12 encryption (bit 10 = RSA), 13 subpackage, 14 version (2019).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from geo.protocols.jt808.bcd import bcd_to_str, str_to_bcd
from geo.protocols.jt808.errors import FrameFormatError

BODY_LENGTH_MASK = 0x03FF
ENCRYPTION_MASK = 0x1C00
SUBPACKAGE_BIT = 1 << 13
VERSION_BIT = 1 << 14
MAX_BODY_BYTES = BODY_LENGTH_MASK


@dataclass(frozen=True, slots=True)
class Header:
    msg_id: int
    terminal_id: str  # BCD digits: 12 (2011/2013) or 20 (2019)
    seq: int
    body_len: int  # as declared in the attributes
    version_2019: bool = False
    protocol_version: int = 0  # 2019 only (1 for 2019)
    encryption: int = 0  # attribute bits 10–12
    package_total: int = 0  # 0 when not subpackaged
    package_index: int = 0  # from 1

    @property
    def subpackaged(self) -> bool:
        return self.package_total > 0

    @property
    def size(self) -> int:
        return (17 if self.version_2019 else 12) + (4 if self.subpackaged else 0)


def parse_header(content: bytes) -> Header:
    """The header at the start of unescaped `content`; refused when it is too short for its flags."""
    if len(content) < 12:
        raise FrameFormatError(f"header needs 12 bytes, got {len(content)}", content)
    msg_id, attributes = struct.unpack_from(">HH", content)
    version_2019 = bool(attributes & VERSION_BIT)
    subpackaged = bool(attributes & SUBPACKAGE_BIT)
    size = (17 if version_2019 else 12) + (4 if subpackaged else 0)
    if len(content) < size:
        raise FrameFormatError(f"header needs {size} bytes, got {len(content)}", content)
    if version_2019:
        protocol_version, phone, (seq,) = content[4], content[5:15], struct.unpack_from(">H", content, 15)
    else:
        protocol_version, phone, (seq,) = 0, content[4:10], struct.unpack_from(">H", content, 10)
    total, index = struct.unpack_from(">HH", content, size - 4) if subpackaged else (0, 0)
    if subpackaged and not 1 <= index <= total:
        raise FrameFormatError(f"package {index} of {total}", content)
    return Header(
        msg_id=msg_id,
        terminal_id=bcd_to_str(phone),
        seq=seq,
        body_len=attributes & BODY_LENGTH_MASK,
        version_2019=version_2019,
        protocol_version=protocol_version,
        encryption=(attributes & ENCRYPTION_MASK) >> 10,
        package_total=total,
        package_index=index,
    )


def encode_header(header: Header) -> bytes:
    if header.body_len > MAX_BODY_BYTES:
        raise ValueError(f"body of {header.body_len} bytes: subpackage it")
    attributes = header.body_len | (header.encryption << 10) & ENCRYPTION_MASK
    attributes |= SUBPACKAGE_BIT if header.subpackaged else 0
    attributes |= VERSION_BIT if header.version_2019 else 0
    out = struct.pack(">HH", header.msg_id, attributes)
    if header.version_2019:
        out += bytes([header.protocol_version]) + str_to_bcd(header.terminal_id, 10)
    else:
        out += str_to_bcd(header.terminal_id, 6)
    out += struct.pack(">H", header.seq)
    if header.subpackaged:
        out += struct.pack(">HH", header.package_total, header.package_index)
    return out
