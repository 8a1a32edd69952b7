"""Refused JT/T 808 frames: one `FrameError` subclass per reason, each with a stable `code`.

Codes are API (logs and counters switch on them):
    format       the bytes are not laid out as the protocol says (short header, bad BCD, bad TLV)
    checksum     the XOR check byte does not match the content
    length       the body length in the header disagrees with the bytes received
    escape       a 0x7d not followed by 0x01/0x02, or a raw 0x7e inside a frame
    unsupported  a valid frame of a message id or attribute (encryption) we do not decode
    subpackage   a subpackage that cannot be reassembled (bad index, too many pending)
    overflow     a stream produced more bytes without a frame end than the splitter holds
"""

from __future__ import annotations

from geo.protocols.errors import ProtocolFrameError


class FrameError(ProtocolFrameError):
    """A frame that must not be used. `raw` is the refused bytes."""


class FrameFormatError(FrameError):
    code = "format"


class ChecksumError(FrameError):
    code = "checksum"


class LengthError(FrameError):
    code = "length"


class EscapeError(FrameError):
    code = "escape"


class UnsupportedError(FrameError):
    code = "unsupported"


class SubpackageError(FrameError):
    code = "subpackage"


class BufferOverflowError(FrameError):
    code = "overflow"
