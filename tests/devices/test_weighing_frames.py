"""Weighing-indicator frames: replay every captured frame of shared/vectors/weighing.json.

tests/data/vectors/weighing.json is a verbatim copy of /work/shared/vectors/weighing.json, so the
suite runs from any clone; `test_vector_copy_is_verbatim` pins the copy to the original when the
shared tree is there. Valid frames must decode to the listed values, invalid ones must be refused.
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from devices.weighbridge import (
    FrameError,
    Reading,
    a9_splitter,
    a12_splitter,
    decode_a9,
    decode_a12,
    decode_toledo,
    toledo_splitter,
)
from devices.weighbridge.toledo import checksum as toledo_checksum

# A verbatim copy of ../shared/vectors/weighing.json (CI checks out this repository alone).
VECTORS_PATH = Path(__file__).parents[1] / "data" / "vectors" / "weighing.json"
VECTORS: dict[str, Any] = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))

# Errata in the vector file, checked against docs/reference devices.md §1.3: the first Toledo frame
# lost one tare digit in transcription (17 bytes; its 7-bit sum is 80, not 0). The reference's
# 18-byte spelling has 12 digits and a matching check byte 0x24. The vector as written must be
# refused; the corrected frame must decode to the vector's expected values.
ERRATA = {
    "022A302030323534383030303030300D24": "022A30203032353438303030303030300D24",
}


def _raw(frame: dict[str, Any]) -> bytes:
    if "hex" in frame:
        return bytes.fromhex(frame["hex"])
    return b"\x02" + frame["ascii_between_stx_etx"].encode("ascii") + b"\x03"


def _frames(section: str) -> list[Any]:
    return [pytest.param(f, id=f"{section}[{i}]") for i, f in enumerate(VECTORS[section]["frames"])]


def _expected_refusal(frame: dict[str, Any]) -> str:
    return "checksum" if "check" in frame.get("why", "") else "format"


def test_every_serial_section_is_replayed() -> None:
    serial = {"yaohua_xk3190_a9_continuous", "yaohua_xk3190_a12e", "mettler_toledo_continuous"}
    assert serial <= VECTORS.keys()
    assert {k for k, v in VECTORS.items() if isinstance(v, dict) and "frames" in v} == serial


# --- Yaohua XK3190-A9 continuous ----------------------------------------------------------------


@pytest.mark.parametrize("frame", _frames("yaohua_xk3190_a9_continuous"))
def test_a9_vectors(frame: dict[str, Any]) -> None:
    raw = _raw(frame)
    if not frame["valid"]:
        with pytest.raises(FrameError) as refused:
            decode_a9(raw)
        assert refused.value.code == _expected_refusal(frame)
        assert refused.value.raw == raw
        return
    reading = decode_a9(raw)
    assert reading.weight == Decimal(str(frame["weight"]))
    assert reading.decimals == frame.get("decimals", reading.decimals)
    assert (reading.unit, reading.stable, reading.net, reading.tare) == (None, None, None, None)
    assert reading.raw == raw
    if reading.decimals == 0:
        assert reading.kg() == frame["weight"]


def test_a9_units_are_the_sites_to_state() -> None:
    reading = decode_a9(bytes.fromhex("022D30303031323531314103"))  # -12.5, one decimal place
    assert (reading.value, reading.decimals, reading.negative) == (-125, 1, True)
    assert reading.kg(assume="t") == -12500
    with pytest.raises(ValueError):
        reading.kg()  # -12.5 kg is not whole kilograms; no silent rounding


def _a9(body: bytes, check: bytes | None = None) -> bytes:
    x = 0
    for b in body:
        x ^= b
    return b"\x02" + body + (check if check is not None else f"{x:02X}".encode()) + b"\x03"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (_a9(b"+0254800"), None),
        (_a9(b"+0254800")[:-1], "format"),  # truncated
        (_a9(b"+0254800")[:-1] + b"\x04", "format"),  # no ETX
        (_a9(b" 0254800"), "format"),  # sign byte
        (_a9(b"+02548A0"), "format"),  # non-digit
        (_a9(b"+0254805"), "format"),  # 5 decimal places
        (_a9(b"+0254800", b"1b"), "format"),  # lower-case check characters
        (_a9(b"+0254800", b"11"), "checksum"),
        (_a9(b"+0245800", b"10"), None),  # XOR ignores order: swapped digits pass (hence §6)
    ],
)
def test_a9_refusals(raw: bytes, code: str | None) -> None:
    if code is None:
        assert decode_a9(raw).kg() in (25480, 24580)
        return
    with pytest.raises(FrameError) as refused:
        decode_a9(raw)
    assert refused.value.code == code


# --- Yaohua XK3190-A12(E) -----------------------------------------------------------------------


@pytest.mark.parametrize("frame", _frames("yaohua_xk3190_a12e"))
def test_a12_vectors(frame: dict[str, Any]) -> None:
    raw = _raw(frame)
    if not frame["valid"]:
        with pytest.raises(FrameError) as refused:
            decode_a12(raw)
        assert refused.value.code == _expected_refusal(frame)
        return
    reading = decode_a12(raw)
    assert reading.weight == Decimal(str(frame["weight"]))
    assert reading.unit == frame["unit"]
    assert reading.net is (not frame["gross"])
    assert reading.stable is None and reading.tare is None


def _a12(body: bytes) -> bytes:
    x = 0
    for b in body:
        x ^= b
    return body + f"{x:02X}".encode() + b"\r\n"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (_a12(b"WN-012.50kg"), (Decimal("-12.50"), True)),
        (_a12(b"WG  25480kg"), (Decimal(25480), False)),
        (_a12(b" " * 9 + b"OL"), "out_of_range"),
        (_a12(b" " * 9 + b"LO"), "out_of_range"),
        (b" " * 9 + b"OL23\r\n", "out_of_range"),  # the manual's own bytes
        (_a12(b"WG004.139lb"), "format"),
        (_a12(b"WX004.139kg"), "format"),
        (_a12(b"WG00.4.39kg"), "format"),
        (_a12(b"WG004.13 kg"), "format"),
        (b"WG004.139kg3E\r\n", "checksum"),
        (b"WG004.139kg3D\n\r", "format"),
    ],
)
def test_a12_cases(raw: bytes, expected: Any) -> None:
    if isinstance(expected, str):
        with pytest.raises(FrameError) as refused:
            decode_a12(raw)
        assert refused.value.code == expected
        return
    reading = decode_a12(raw)
    assert (reading.weight, reading.net) == expected


# --- Mettler Toledo continuous ------------------------------------------------------------------


@pytest.mark.parametrize("frame", _frames("mettler_toledo_continuous"))
def test_toledo_vectors(frame: dict[str, Any]) -> None:
    raw = _raw(frame)
    if frame["hex"] in ERRATA:
        with pytest.raises(FrameError) as refused:
            decode_toledo(raw)
        assert refused.value.code == "format"
        raw = bytes.fromhex(ERRATA[frame["hex"]])
    if not frame["valid"]:
        with pytest.raises(FrameError) as refused:
            decode_toledo(raw)
        assert refused.value.code == _expected_refusal(frame)
        return
    reading = decode_toledo(raw)
    assert reading.weight == Decimal(str(frame["weight"]))
    assert reading.kg() == frame["weight"]
    assert reading.tare_weight == Decimal(str(frame["tare"]))
    assert reading.net is frame["net"]
    assert reading.stable is (not frame["motion"])
    assert reading.unit == "kg"


def _toledo(swa: int, swb: int, swc: int, weight: bytes, tare: bytes, check: bool = True) -> bytes:
    body = bytes([0x02, swa, swb, swc]) + weight + tare + b"\r"
    return body + bytes([toledo_checksum(body)]) if check else body


def test_toledo_decimal_codes_units_and_short_form() -> None:
    assert decode_toledo(_toledo(0x28, 0x30, 0x20, b"000255", b"000010")).kg() == 25500  # XXXX00
    assert decode_toledo(_toledo(0x29, 0x30, 0x20, b"002548", b"000000")).kg() == 25480  # XXXXX0
    two = decode_toledo(_toledo(0x2C, 0x30, 0x20, b"002548", b"000150"))  # XXXX.XX
    assert (two.weight, two.tare_weight) == (Decimal("25.48"), Decimal("1.50"))
    pounds = decode_toledo(_toledo(0x2A, 0x20, 0x20, b"056175", b"000000"))
    assert pounds.unit == "lb"
    with pytest.raises(ValueError):
        pounds.kg()
    short = _toledo(0x2A, 0x30, 0x20, b"025480", b"000000", check=False)
    assert decode_toledo(short, with_checksum=False).kg() == 25480


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (_toledo(0x2A, 0x34, 0x20, b"999999", b"000000"), "out_of_range"),
        (_toledo(0x2A, 0x30, 0x20, b"0254A0", b"000000"), "format"),
        (_toledo(0x2A, 0x30, 0x20, b"025480", b"000000")[:-1] + b"\x25", "checksum"),
        (_toledo(0x2A, 0x30, 0x20, b"025480", b"000000")[:-2] + b"\n\x24", "format"),
        (_toledo(0x2A, 0x30, 0x20, b"025480", b"000000")[:-1], "format"),
        (bytes.fromhex("022A30203032353438303030303030300D24").replace(b"54", b"45"), None),
    ],
)
def test_toledo_refusals(raw: bytes, code: str | None) -> None:
    if code is None:
        assert decode_toledo(raw).kg() == 24580  # a sum ignores order too
        return
    with pytest.raises(FrameError) as refused:
        decode_toledo(raw)
    assert refused.value.code == code


def test_reading_is_frozen() -> None:
    reading = decode_a9(bytes.fromhex("022B30303135363030313903"))
    with pytest.raises(AttributeError):
        reading.value = 0  # type: ignore[misc]


# --- Streams ------------------------------------------------------------------------------------

GARBAGE = [b"", b"\x00\xff\x13", b"\x02\x02+0012", b"\x03\x03\r\n", b"noise \x02WG\r", b"\x7f" * 20]


def _good(section: str, decode: Any) -> list[bytes]:
    frames = [_raw(f) for f in VECTORS[section]["frames"] if f["valid"]]
    frames = [bytes.fromhex(ERRATA[f.hex().upper()]) if f.hex().upper() in ERRATA else f for f in frames]
    for raw in frames:
        decode(raw)  # every one decodes on its own
    return frames


def _bad(section: str) -> list[bytes]:
    return [_raw(f) for f in VECTORS[section]["frames"] if not f["valid"]]


STREAMS = {
    "a9": (a9_splitter, decode_a9, _good("yaohua_xk3190_a9_continuous", decode_a9)),
    "a12": (a12_splitter, decode_a12, _good("yaohua_xk3190_a12e", decode_a12) * 4),
    "toledo": (toledo_splitter, decode_toledo, _good("mettler_toledo_continuous", decode_toledo) * 2),
}
BAD = {
    "a9": _bad("yaohua_xk3190_a9_continuous"),
    "a12": [b"WG004.139kg3E\r\n"],
    "toledo": [
        bytes.fromhex("022A302030323534383030303030300D24"),  # the truncated erratum: a resync
        bytes.fromhex("022A30203032353438303030303030300D25"),  # check byte altered
    ],
}


def _stream(name: str) -> tuple[bytes, list[bytes], int]:
    _, _, good = STREAMS[name]
    parts: list[bytes] = []
    for i, frame in enumerate(good):
        parts.append(GARBAGE[i % len(GARBAGE)])
        parts.append(frame)
        if i == 1:
            parts.extend(BAD[name])
            parts.append(frame[: len(frame) // 2])  # a frame cut short by a plug-in
    parts.append(good[0][:5])  # trailing partial frame: not yet a reading
    return b"".join(parts), good, len(BAD[name])


def _feed(splitter: Any, chunks: list[bytes]) -> list[Reading]:
    out: list[Reading] = []
    for chunk in chunks:
        out.extend(splitter.feed(chunk))
    return out


@pytest.mark.parametrize("name", STREAMS)
def test_stream_whole(name: str) -> None:
    make, decode, _ = STREAMS[name]
    data, good, _ = _stream(name)
    splitter = make()
    assert [r.raw for r in splitter.feed(data)] == good
    assert _feed(make(), [data]) == [decode(g) for g in good]
    assert sum(splitter.refused.values()) >= 1
    assert splitter.skipped_bytes > 0


def test_stream_refusals_are_counted_by_code() -> None:
    data, _, _ = _stream("a9")
    splitter = a9_splitter()
    splitter.feed(data)
    assert splitter.refused == Counter({"checksum": 1})
    data, _, _ = _stream("toledo")
    splitter = toledo_splitter()
    splitter.feed(data)
    assert splitter.refused == Counter({"checksum": 1})  # the truncated frame is a resync, not a candidate
    data, _, _ = _stream("a12")
    splitter = a12_splitter()
    splitter.feed(data)
    assert splitter.refused == Counter({"checksum": 1})


@pytest.mark.parametrize("name", STREAMS)
def test_stream_every_chunk_boundary(name: str) -> None:
    make, _, _ = STREAMS[name]
    data, good, _ = _stream(name)
    whole = make()
    whole.feed(data)
    for cut in range(len(data) + 1):
        splitter = make()
        assert [r.raw for r in _feed(splitter, [data[:cut], data[cut:]])] == good, cut
        assert splitter.refused == whole.refused, cut


@pytest.mark.parametrize("name", STREAMS)
def test_stream_byte_by_byte_and_odd_chunks(name: str) -> None:
    make, _, _ = STREAMS[name]
    data, good, _ = _stream(name)
    assert [r.raw for r in _feed(make(), [data[i : i + 1] for i in range(len(data))])] == good
    for size in (2, 3, 7, 13, 17, 64):
        chunks = [data[i : i + size] for i in range(0, len(data), size)]
        assert [r.raw for r in _feed(make(), chunks)] == good, size


def test_line_noise_does_not_grow_the_buffer() -> None:
    for make in (a9_splitter, a12_splitter, toledo_splitter):
        splitter = make()
        for _ in range(100):
            assert splitter.feed(b"\x55" * 1000) == []
        assert len(splitter._buffer) < 4096
