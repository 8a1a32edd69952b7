"""Mettler Toledo standard continuous output (also WILDCAT, KERN FTC, Cardinal 225, Toledo 8142).

18 bytes (17 when the indicator is set to send no checksum)::

    02  SWA  SWB  SWC  w w w w w w  t t t t t t  0D  CK
    STX status words  displayed weight tare         CR  checksum
                      6 digits, no sign, no point; gross or net per SWB

    SWA b0-b2 display: 000 XXXX00 · 001 XXXXX0 · 010 XXXXXX · 011 XXXXX.X · 100 XXXX.XX
                       101 XXX.XXX · 110 XX.XXXX · 111 X.XXXXX     (b3-b4 increment, not used)
    SWB b0 net · b1 negative · b2 out of range · b3 motion · b4 kg (0 = lb)
    SWC b0 grams (b3 print request, b4 expanded x10: not used)
    CK  two's complement of the 7-bit sum of all earlier bytes: the frame's 7-bit sum is 0

    e.g. 02 2A 30 20 "025480" "000000" 0D 24  ->  gross 25480 kg, stable, tare 0
         02 2A 3B 20 "000120" "014000" 0D 24  ->  net -120 kg, in motion, tare 14000

Constant bits (b5/b6) are not validated: Mettler and Fairbanks documents disagree on them.
"""

from __future__ import annotations

from devices.weighbridge.errors import ChecksumError, FrameFormatError, OutOfRangeError
from devices.weighbridge.reading import Reading, Unit, digits
from devices.weighbridge.stream import StxSplitter

LENGTH = 18
LENGTH_NO_CHECKSUM = 17

# SWA b0-b2 -> decimal places of the displayed digits (negative: the display multiplies).
_DECIMALS = {0b000: -2, 0b001: -1, 0b010: 0, 0b011: 1, 0b100: 2, 0b101: 3, 0b110: 4, 0b111: 5}


def checksum(body: bytes) -> int:
    """The check byte for `body` (STX through CR)."""
    return -sum(body) & 0x7F


def decode(raw: bytes, *, with_checksum: bool = True) -> Reading:
    """One frame -> Reading; out-of-range frames are refused (`OutOfRangeError`)."""
    raw = bytes(raw)
    length = LENGTH if with_checksum else LENGTH_NO_CHECKSUM
    if len(raw) != length or raw[0] != 0x02 or raw[16] != 0x0D:
        raise FrameFormatError(f"not STX + 15 bytes + CR{' + checksum' if with_checksum else ''}", raw)
    if any(b > 0x7F for b in raw):
        raise FrameFormatError("bytes above 0x7F in a 7-bit frame", raw)
    if with_checksum and sum(raw) & 0x7F:
        raise ChecksumError(f"check byte {raw[17]:02X}, content needs {checksum(raw[:17]):02X}", raw)
    swa, swb, swc = raw[1], raw[2], raw[3]
    weight = digits(raw[4:10], raw, "weight")
    tare = digits(raw[10:16], raw, "tare")
    if swb & 0b100:
        raise OutOfRangeError("indicator flags out of range", raw)
    decimals = _DECIMALS[swa & 0b111]
    if decimals < 0:
        weight, tare, decimals = weight * 10**-decimals, tare * 10**-decimals, 0
    unit: Unit = "g" if swc & 0b1 else "kg" if swb & 0b10000 else "lb"
    return Reading(
        value=-weight if swb & 0b10 else weight,
        decimals=decimals,
        unit=unit,
        stable=not swb & 0b1000,
        net=bool(swb & 0b1),
        tare=tare,
        raw=raw,
    )


def _decode_short(raw: bytes) -> Reading:
    return decode(raw, with_checksum=False)


def splitter(*, with_checksum: bool = True) -> StxSplitter:
    """Stream splitter: sync on STX with CR 16 bytes later (and the checksum after it)."""
    if with_checksum:
        return StxSplitter(decode, length=LENGTH, end_byte=0x0D, end_at=16)
    return StxSplitter(_decode_short, length=LENGTH_NO_CHECKSUM, end_byte=0x0D, end_at=16)
