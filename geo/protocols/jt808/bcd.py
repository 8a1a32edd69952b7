"""BCD fields: terminal phone numbers and YYMMDDhhmmss times (sent in GMT+8, kept in UTC)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from geo.protocols.jt808.errors import FrameFormatError

# Terminals send local Beijing time whatever their location (reference §1, §6).
GMT8 = timezone(timedelta(hours=8), "GMT+8")


def bcd_to_str(raw: bytes) -> str:
    """Two decimal digits per byte; a nibble above 9 is refused (not a BCD field)."""
    digits = raw.hex()
    if not digits.isdigit():
        raise FrameFormatError(f"not BCD: {digits}", raw)
    return digits


def str_to_bcd(digits: str, size: int) -> bytes:
    """`digits` left-padded with zeros to `size` bytes (phone numbers are right-aligned)."""
    if not digits.isdigit() or len(digits) > 2 * size:
        raise ValueError(f"{digits!r} does not fit BCD[{size}]")
    return bytes.fromhex(digits.rjust(2 * size, "0"))


def bcd_to_time(raw: bytes) -> datetime:
    """BCD[6] YYMMDDhhmmss in GMT+8 → aware UTC datetime (years 2000–2099)."""
    digits = bcd_to_str(raw)
    try:
        local = datetime(
            2000 + int(digits[0:2]),
            int(digits[2:4]),
            int(digits[4:6]),
            int(digits[6:8]),
            int(digits[8:10]),
            int(digits[10:12]),
            tzinfo=GMT8,
        )
    except ValueError as bad:
        raise FrameFormatError(f"bad BCD time {digits}: {bad}", raw) from None
    return local.astimezone(UTC)


def time_to_bcd(moment: datetime) -> bytes:
    """Aware datetime → BCD[6] in GMT+8."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: give a timezone (UTC)")
    return bytes.fromhex(moment.astimezone(GMT8).strftime("%y%m%d%H%M%S"))
