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


class FrameError(ValueError):
    """A frame that must not be used. `raw` is the refused bytes."""

    code: str = "frame"

    def __init__(self, message: str, raw: bytes = b"") -> None:
        super().__init__(f"{self.code}: {message}")
        self.raw = raw

    def __reduce__(self) -> tuple[type[FrameError], tuple[str, bytes]]:
        # Keep the plain message (without the code prefix) and raw bytes across pickling.
        return (type(self), (str(self).split(": ", 1)[1], self.raw))


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
