"""Refused frames: one `FrameError` subclass per reason, each with a stable `code`.

Codes are API (logs, counters and the lane controller switch on them):
    format        the bytes are not laid out as the protocol says (length, markers, non-digits)
    checksum      the layout is right but the check bytes do not match the content
    out_of_range  a well-formed frame that reports overload/underload instead of a weight
"""

from __future__ import annotations


class FrameError(ValueError):
    """A frame that must not be used as a weight. `raw` is the refused bytes."""

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


class OutOfRangeError(FrameError):
    code = "out_of_range"
