"""耀华 (Yaohua) XK3190 serial output: A9 continuous mode (tF=0) and A12(E).

A9 / A9+ / A23P / A26 / DS3, continuous mode tF=0, 12 bytes::

    02  sign  d d d d d d  p  X X  03
    STX '+'|'-' 6 ASCII digits, MSD first, no point
                           p  '0'..'4' decimal places
                              X X  XOR of bytes 2..9 (sign, digits, p) as upper-case ASCII hex
    e.g. 02 2B 30 30 31 35 36 30 30 31 39 03  ->  +001560, 0 places, XOR 0x19  ->  1560
    No unit, no motion flag, no gross/net flag: stability is the host's job.
    XOR ignores byte order, so swapped digits still pass: require several identical frames.

A12(E), 15 bytes::

    'W'  'G'|'N'  w w w w w w w  'k' 'g'  X X  0D 0A
                  7 chars incl. '.', space-padded, '-' first when negative
                                           X X  XOR of bytes 1..11 as upper-case ASCII hex
    e.g. "WG004.139kg" "3D" CR LF  ->  gross 4.139 kg
    Overload is 9 spaces + "OL", underload 9 spaces + "LO" (check "23"): refused as out_of_range.
"""

from __future__ import annotations

from devices.weighbridge.errors import FrameFormatError, OutOfRangeError
from devices.weighbridge.reading import Reading, check_ascii_hex_xor
from devices.weighbridge.stream import LineSplitter, StxSplitter

A9_LENGTH = 12
A12_LENGTH = 15


def decode_a9(raw: bytes) -> Reading:
    """One A9 continuous frame (exactly 12 bytes, STX..ETX) -> Reading (unit, stable, net None)."""
    raw = bytes(raw)
    if len(raw) != A9_LENGTH or raw[0] != 0x02 or raw[11] != 0x03:
        raise FrameFormatError("not STX + 10 bytes + ETX", raw)
    sign = raw[1:2]
    if sign not in (b"+", b"-"):
        raise FrameFormatError(f"sign byte {sign!r} is neither '+' nor '-'", raw)
    if not raw[2:8].isdigit():
        raise FrameFormatError(f"weight {raw[2:8]!r} is not 6 ASCII digits", raw)
    places = raw[8:9]
    if places not in (b"0", b"1", b"2", b"3", b"4"):
        raise FrameFormatError(f"decimal places byte {places!r} is not 0-4", raw)
    check_ascii_hex_xor(raw[1:9], raw[9:11], raw)
    magnitude = int(raw[2:8])
    value = -magnitude if sign == b"-" else magnitude
    return Reading(value=value, decimals=int(places), unit=None, stable=None, net=None, tare=None, raw=raw)


def decode_a12(raw: bytes) -> Reading:
    """One A12(E) frame (exactly 15 bytes, ending CR LF) -> Reading in kg, gross or net."""
    raw = bytes(raw)
    if len(raw) != A12_LENGTH or raw[13:] != b"\r\n":
        raise FrameFormatError("not 13 bytes + CR LF", raw)
    check_ascii_hex_xor(raw[0:11], raw[11:13], raw)
    if raw[0:11] in (b" " * 9 + b"OL", b" " * 9 + b"LO"):
        raise OutOfRangeError("overload" if raw[9:11] == b"OL" else "underload", raw)
    if raw[0:1] != b"W" or raw[1:2] not in (b"G", b"N"):
        raise FrameFormatError(f"header {raw[0:2]!r} is not 'WG' or 'WN'", raw)
    if raw[9:11] != b"kg":
        raise FrameFormatError(f"unit {raw[9:11]!r} is not 'kg'", raw)
    field = raw[2:9].lstrip(b" ")
    negative = field.startswith(b"-")
    number = field[1:] if negative else field
    whole, point, fraction = number.partition(b".")
    if not whole.isdigit() or not (fraction.isdigit() or not point):
        raise FrameFormatError(f"weight {raw[2:9]!r} is not a number", raw)
    magnitude = int(whole + fraction)
    return Reading(
        value=-magnitude if negative else magnitude,
        decimals=len(fraction),
        unit="kg",
        stable=None,
        net=raw[1:2] == b"N",
        tare=None,
        raw=raw,
    )


def a9_splitter() -> StxSplitter:
    """Stream splitter for A9 continuous output: sync on STX, ETX 11 bytes later."""
    return StxSplitter(decode_a9, length=A9_LENGTH, end_byte=0x03)


def a12_splitter() -> LineSplitter:
    """Stream splitter for A12(E) output: each frame is the last 15 bytes before LF."""
    return LineSplitter(decode_a12, length=A12_LENGTH)
