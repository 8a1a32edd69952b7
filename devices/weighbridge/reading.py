"""The reading every weighing-indicator decoder returns, and the wire helpers they share.

A weight travels as the indicator displays it: a signed integer of displayed digits (`value`)
and a count of decimal places (`decimals`, negative when the display multiplies, as Toledo's
XXXX00 code does). `weight` is the exact Decimal; `kg()` the whole kilograms a weighbridge deals in.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from devices.weighbridge.errors import ChecksumError, FrameFormatError

Unit = Literal["kg", "lb", "g"]

_TO_KG = {"kg": Decimal(1), "t": Decimal(1000), "g": Decimal("0.001")}


@dataclass(frozen=True, slots=True)
class Reading:
    """One decoded frame.

    value     signed displayed number with the point removed (-12.5 -> -125, decimals 1)
    decimals  decimal places of `value` (and of `tare`)
    unit      "kg", "lb" or "g" as the frame states it; None when the format carries no unit (A9)
    stable    False while the indicator flags motion; None when the format has no such flag
    net       True for a net weight, False for gross; None when the format does not say
    tare      tare in the same scale as `value` (Toledo only), else None
    raw       the frame's bytes as received
    """

    value: int
    decimals: int
    unit: Unit | None
    stable: bool | None
    net: bool | None
    tare: int | None
    raw: bytes

    @property
    def weight(self) -> Decimal:
        """The displayed weight exactly, in `unit`."""
        return Decimal(self.value).scaleb(-self.decimals)

    @property
    def tare_weight(self) -> Decimal | None:
        return None if self.tare is None else Decimal(self.tare).scaleb(-self.decimals)

    @property
    def negative(self) -> bool:
        return self.value < 0

    def kg(self, assume: Literal["kg", "t"] = "kg") -> int:
        """Whole kilograms. `assume` is the site's configured unit for frames without one (A9).

        ValueError for pounds, or for a weight that is not a whole number of kilograms (a bench
        scale's 4.139 kg): rounding is the caller's decision, not the decoder's.
        """
        unit = self.unit or assume
        if unit not in _TO_KG:
            raise ValueError(f"cannot express {unit} as kg exactly")
        kg = self.weight * _TO_KG[unit]
        if kg != kg.to_integral_value():
            raise ValueError(f"{kg} kg is not a whole number of kilograms")
        return int(kg)


def xor(data: bytes) -> int:
    result = 0
    for byte in data:
        result ^= byte
    return result


def check_ascii_hex_xor(body: bytes, check: bytes, raw: bytes) -> None:
    """Yaohua check: XOR of `body` as two upper-case ASCII hex characters, high nibble first."""
    if len(check) != 2 or any(c not in b"0123456789ABCDEF" for c in check):
        raise FrameFormatError(f"check characters {check!r} are not upper-case hex", raw)
    if int(check, 16) != xor(body):
        raise ChecksumError(f"XOR is {xor(body):02X}, frame says {check.decode()}", raw)


def digits(field: bytes, raw: bytes, what: str) -> int:
    """A field of ASCII digits (leading spaces allowed as blanked zeros) as an int."""
    text = field.lstrip(b" ")
    if not text or not text.isdigit():
        raise FrameFormatError(f"{what} {field!r} is not ASCII digits", raw)
    return int(text)
