"""Weighbridge indicators: decoders for their serial output and stream splitters for a live line.

Pure library (stdlib only). Each decoder takes one frame's bytes and returns a frozen `Reading`
or raises a `FrameError` whose `code` says why ("format", "checksum", "out_of_range"). Each
splitter takes arbitrary chunks from the serial port and returns complete readings, resyncing on
noise and counting refused frames. Wire layouts are in each module's docstring:

    yaohua   耀华 XK3190-A9 continuous (tF=0), 12 bytes STX..ETX, ASCII-hex XOR check
             XK3190-A12(E), 15 bytes "WG004.139kg" + XOR + CR LF
    toledo   Mettler Toledo standard continuous output, STX SWA SWB SWC weight tare CR checksum

    >>> from devices.weighbridge import decode_a9
    >>> decode_a9(bytes.fromhex("022B30303135363030313903")).kg()
    1560
"""

from devices.weighbridge.errors import ChecksumError, FrameError, FrameFormatError, OutOfRangeError
from devices.weighbridge.reading import Reading
from devices.weighbridge.stream import LineSplitter, StxSplitter
from devices.weighbridge.toledo import decode as decode_toledo
from devices.weighbridge.toledo import splitter as toledo_splitter
from devices.weighbridge.yaohua import a9_splitter, a12_splitter, decode_a9, decode_a12

__all__ = [
    "ChecksumError",
    "FrameError",
    "FrameFormatError",
    "LineSplitter",
    "OutOfRangeError",
    "Reading",
    "StxSplitter",
    "a9_splitter",
    "a12_splitter",
    "decode_a9",
    "decode_a12",
    "decode_toledo",
    "toledo_splitter",
]
