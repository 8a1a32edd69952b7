"""Location extras: a TLV list `id BYTE, len BYTE, value`, kept raw and in order, read on demand.

Typed readers cover the standard ids; a value whose length is not the standard one (vendors
reuse ids) reads as None but stays in `items` untouched, as do unknown and vendor ids.
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.protocols.jt808.errors import FrameFormatError

MILEAGE, FUEL, TACHO_SPEED = 0x01, 0x02, 0x03
OVERSPEED, AREA_IN_OUT, SEGMENT_TIME = 0x11, 0x12, 0x13
EXT_SIGNALS, IO_STATUS, ANALOG, RSSI, SATELLITES = 0x25, 0x2A, 0x2B, 0x30, 0x31


@dataclass(frozen=True, slots=True)
class OverspeedExtra:
    position_type: int  # 0 none, 1 circle, 2 rectangle, 3 polygon, 4 segment
    area_id: int | None  # absent when position_type is 0


@dataclass(frozen=True, slots=True)
class AreaInOutExtra:
    position_type: int
    area_id: int
    direction: int  # 0 in, 1 out


@dataclass(frozen=True, slots=True)
class SegmentTimeExtra:
    segment_id: int
    drive_time_s: int
    result: int  # 0 too short, 1 too long


@dataclass(frozen=True, slots=True)
class Extras:
    items: tuple[tuple[int, bytes], ...] = ()

    @property
    def ids(self) -> tuple[int, ...]:
        return tuple(extra_id for extra_id, _ in self.items)

    def raw(self, extra_id: int) -> bytes | None:
        return next((value for key, value in self.items if key == extra_id), None)

    def _uint(self, extra_id: int, size: int) -> int | None:
        value = self.raw(extra_id)
        return int.from_bytes(value, "big") if value is not None and len(value) == size else None

    @property
    def mileage_km(self) -> float | None:
        tenths = self._uint(MILEAGE, 4)  # 0.1 km
        return None if tenths is None else tenths / 10

    @property
    def fuel_l(self) -> float | None:
        tenths = self._uint(FUEL, 2)  # 0.1 L
        return None if tenths is None else tenths / 10

    @property
    def tacho_speed_kmh(self) -> float | None:
        tenths = self._uint(TACHO_SPEED, 2)  # 0.1 km/h, from the tachograph
        return None if tenths is None else tenths / 10

    @property
    def overspeed(self) -> OverspeedExtra | None:
        value = self.raw(OVERSPEED)
        if value is None or len(value) not in (1, 5):
            return None
        return OverspeedExtra(value[0], int.from_bytes(value[1:], "big") if len(value) == 5 else None)

    @property
    def area_in_out(self) -> AreaInOutExtra | None:
        value = self.raw(AREA_IN_OUT)
        if value is None or len(value) != 6:
            return None
        return AreaInOutExtra(value[0], int.from_bytes(value[1:5], "big"), value[5])

    @property
    def segment_time(self) -> SegmentTimeExtra | None:
        value = self.raw(SEGMENT_TIME)
        if value is None or len(value) != 7:
            return None
        return SegmentTimeExtra(
            int.from_bytes(value[0:4], "big"), int.from_bytes(value[4:6], "big"), value[6]
        )

    @property
    def ext_signals(self) -> int | None:
        return self._uint(EXT_SIGNALS, 4)

    @property
    def io_status(self) -> int | None:
        return self._uint(IO_STATUS, 2)

    @property
    def analog(self) -> int | None:
        return self._uint(ANALOG, 4)  # bits 0–15 AD0, 16–31 AD1

    @property
    def rssi(self) -> int | None:
        return self._uint(RSSI, 1)

    @property
    def satellites(self) -> int | None:
        return self._uint(SATELLITES, 1)

    def encode(self) -> bytes:
        out = bytearray()
        for extra_id, value in self.items:
            if len(value) > 0xFF:
                raise ValueError(f"extra {extra_id:#04x} longer than 255 bytes")
            out += bytes([extra_id, len(value)]) + value
        return bytes(out)


def parse_extras(raw: bytes) -> Extras:
    items: list[tuple[int, bytes]] = []
    i = 0
    while i < len(raw):
        if i + 2 > len(raw):
            raise FrameFormatError(f"extra header cut at byte {i}", raw)
        extra_id, size = raw[i], raw[i + 1]
        if i + 2 + size > len(raw):
            raise FrameFormatError(f"extra {extra_id:#04x} declares {size} bytes past the end", raw)
        items.append((extra_id, bytes(raw[i + 2 : i + 2 + size])))
        i += 2 + size
    return Extras(tuple(items))
