"""Every frame of the vectors file replays with its expected values; the broken one is refused."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from geo.protocols.jt808 import Location, LocationBatch, decode_message
from geo.protocols.jt808.bcd import GMT8, time_to_bcd
from geo.protocols.jt808.errors import ChecksumError, FrameError
from geo.protocols.jt808.session import Authentication, Registration
from tests.geo.jt808.conftest import VECTORS, is_clean, wire_of

HEADER_KEYS = {"msg_id", "version_2019", "terminal_id", "seq", "body_len", "checksum", "protocol_version"}
FRAME_KEYS = {"checksum_valid", "body_len_valid"}
# Kept for humans: Traccar's own assertions on vendor extras and the layout comment.
IGNORED_KEYS = {"traccar_asserts", "layout", "batch_count", "batch_type", "items"}


def check_location(loc: Location, expect: dict[str, Any]) -> None:
    readers: dict[str, Any] = {
        "alarm": lambda: f"{int(loc.alarm):#010x}",
        "status": lambda: f"{int(loc.status):#010x}",
        "acc_on": lambda: loc.acc_on,
        "fix_valid": lambda: loc.fix_valid,
        "lat": lambda: loc.lat_deg,
        "lon": lambda: loc.lon_deg,
        "altitude_m": lambda: loc.altitude_m,
        "speed_kmh": lambda: loc.speed_kmh,
        "course_deg": lambda: loc.direction_deg,
        "time_bcd": lambda: time_to_bcd(loc.time).hex(),
        "time_local": lambda: loc.time.astimezone(GMT8).replace(tzinfo=None).isoformat(),
        "time_utc_if_gmt8": lambda: loc.time.isoformat().replace("+00:00", "Z"),
        "mileage_km": lambda: loc.extras.mileage_km,
        "fuel_l": lambda: loc.extras.fuel_l,
        "rssi": lambda: loc.extras.rssi,
        "satellites": lambda: loc.extras.satellites,
        "io_status": lambda: f"{loc.extras.io_status:#06x}",
        "ext_status": lambda: f"{loc.extras.ext_signals:#010x}",
        "extra_ids": lambda: [f"{i:#04x}" for i in loc.extras.ids],
        "overspeed_0x11": lambda: vars_of(loc.extras.overspeed),
        "inout_0x12": lambda: vars_of(loc.extras.area_in_out),
        "route_time_0x13": lambda: vars_of(loc.extras.segment_time),
    }
    for key, expected in expect.items():
        if key in HEADER_KEYS | FRAME_KEYS | IGNORED_KEYS | {"msg_id"}:
            continue
        assert key in readers, f"vector key {key!r} has no reader: extend the test"
        actual = readers[key]()
        if isinstance(expected, float):
            assert actual == pytest.approx(expected, abs=1e-9), key
        else:
            assert actual == expected, key
    assert loc.time.utcoffset() is not None and loc.time.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert isinstance(loc.time, datetime)


def vars_of(extra: Any) -> dict[str, Any]:
    return {name: getattr(extra, name) for name in extra.__slots__}


def check_other(payload: Any, expect: dict[str, Any]) -> None:
    known = HEADER_KEYS | FRAME_KEYS | IGNORED_KEYS
    for key, expected in expect.items():
        if key in known:
            continue
        if key == "plate":
            expected = expected.removesuffix(" (GBK)")
        assert getattr(payload, key) == expected, key
    if isinstance(payload, Registration):
        assert payload.layout == expect["layout"][:4]


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: f"{v['expect']['msg_id']}-{v['hex'][-8:]}")
def test_vector_replays(vector: dict[str, Any]) -> None:
    expect = vector["expect"]
    message = decode_message(wire_of(vector), strict=False)
    header, frame = message.header, message.frame
    assert f"{header.msg_id:#06x}" == expect["msg_id"]
    assert header.terminal_id == expect["terminal_id"]
    assert header.seq == expect["seq"]
    assert header.body_len == expect["body_len"]
    assert header.version_2019 == expect.get("version_2019", False)
    assert header.protocol_version == expect.get("protocol_version", 0)
    assert f"{frame.checksum:#04x}" == expect["checksum"]
    assert frame.checksum_valid == expect["checksum_valid"]
    assert frame.body_len_valid == expect.get("body_len_valid", True)
    payload = message.payload
    if isinstance(payload, Location):
        check_location(payload, expect)
    elif isinstance(payload, LocationBatch):
        assert len(payload.items) == expect["batch_count"]
        assert payload.batch_type == expect["batch_type"]
        assert payload.blind_area == (expect["batch_type"] == 1)
        for item, item_expect in zip(payload.items, expect["items"], strict=True):
            check_location(item, item_expect)
    else:
        check_other(payload, expect)
        if isinstance(payload, Authentication):
            assert payload.imei is None


@pytest.mark.parametrize("vector", [v for v in VECTORS if is_clean(v)], ids=lambda v: v["hex"][-8:])
def test_clean_vectors_pass_strict(vector: dict[str, Any]) -> None:
    assert decode_message(wire_of(vector)).frame.checksum_valid


def test_broken_vectors_are_refused_in_strict_mode() -> None:
    broken = [v for v in VECTORS if not is_clean(v)]
    assert broken, "the vectors file should hold the bad-length/bad-checksum frame"
    for vector in broken:
        with pytest.raises(FrameError) as refused:
            decode_message(wire_of(vector))
        # The check byte is verified first; the frame is wrong on both counts.
        assert isinstance(refused.value, ChecksumError)
        assert refused.value.code == "checksum"
