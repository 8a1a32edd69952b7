"""JT/T 808 (2011, 2013, 2019) codec: framing, headers, subpackages and the messages we use.

Pure: bytes in, frozen dataclasses out, and back. Errors are `FrameError` subclasses with a stable
`code`. Typical server loop: `FrameSplitter.feed(chunk)` → `decode_frame` → `Reassembler.add` →
`decode_body`; or `decode_message` for a frame known not to be subpackaged.
"""

from geo.protocols.jt808.batch import LocationBatch, TextMessage
from geo.protocols.jt808.codec import (
    Empty,
    Message,
    Payload,
    decode_body,
    decode_message,
    encode_body,
    encode_message,
)
from geo.protocols.jt808.errors import FrameError
from geo.protocols.jt808.extras import Extras
from geo.protocols.jt808.flags import Alarm, Status
from geo.protocols.jt808.frame import Frame, decode_frame, encode_frame
from geo.protocols.jt808.framing import FrameSplitter
from geo.protocols.jt808.header import Header
from geo.protocols.jt808.location import Location
from geo.protocols.jt808.session import Authentication, GeneralReply, Registration, RegistrationReply
from geo.protocols.jt808.subpackage import Reassembler

__all__ = [
    "Alarm",
    "Authentication",
    "Empty",
    "Extras",
    "Frame",
    "FrameError",
    "FrameSplitter",
    "GeneralReply",
    "Header",
    "Location",
    "LocationBatch",
    "Message",
    "Payload",
    "Reassembler",
    "Registration",
    "RegistrationReply",
    "Status",
    "TextMessage",
    "decode_body",
    "decode_frame",
    "decode_message",
    "encode_body",
    "encode_frame",
    "encode_message",
]
