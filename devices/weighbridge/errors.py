"""Refused frames: one `FrameError` subclass per reason, each with a stable `code`.

Codes are API (logs, counters and the lane controller switch on them):
    format        the bytes are not laid out as the protocol says (length, markers, non-digits)
    checksum      the layout is right but the check bytes do not match the content
    out_of_range  a well-formed frame that reports overload/underload instead of a weight
"""

from __future__ import annotations

from geo.protocols.errors import ProtocolFrameError


class FrameError(ProtocolFrameError):
    """A frame that must not be used as a weight. `raw` is the refused bytes."""


class FrameFormatError(FrameError):
    code = "format"


class ChecksumError(FrameError):
    code = "checksum"


class OutOfRangeError(FrameError):
    code = "out_of_range"
