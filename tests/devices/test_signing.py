"""The machine-interface signing scheme, pinned to a worked example computed with openssl.

    printf '%s' '{"hello":"煤通"}' | openssl dgst -sha256
    printf 'POST\n/open/v1/ping\n1767225600\nn0nce-2026-01-01-0001\n<body sha256>' \
        | openssl dgst -sha256 -hmac 'demo-secret-please-rotate'

The same literals appear in docs/machine-interface.md; change neither alone.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest

from devices import signing
from devices.platform_client import SignedClient
from devices.signing import (
    HEADER_KEY,
    HEADER_NONCE,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    MAX_CLOCK_SKEW_S,
    NONCE_PATTERN,
    canonical_request,
    sign,
    signatures_match,
    signed_headers,
)

KEY_ID = "mk_demo"
SECRET = "demo-secret-please-rotate"
METHOD = "POST"
PATH = "/open/v1/ping"
TIMESTAMP_S = 1767225600  # 2026-01-01T00:00:00Z
NONCE = "n0nce-2026-01-01-0001"
BODY = '{"hello":"煤通"}'.encode()

BODY_HEX = "7b2268656c6c6f223a22e785a4e9809a227d"
BODY_SHA256 = "2d0ba0560e8ad87280a91c29ce08503ae73d15d3d424719de4d963b37e479ce1"
CANONICAL = (
    "POST\n"
    "/open/v1/ping\n"
    "1767225600\n"
    "n0nce-2026-01-01-0001\n"
    "2d0ba0560e8ad87280a91c29ce08503ae73d15d3d424719de4d963b37e479ce1"
)
SIGNATURE = "98ae50a5304c738c3af463ce451036834d3b44bd9fa34e9724ff6130052afd2a"
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

EXAMPLE: dict[str, Any] = dict(method=METHOD, path=PATH, timestamp_s=TIMESTAMP_S, nonce=NONCE, body=BODY)


def test_worked_example_body() -> None:
    assert BODY.hex() == BODY_HEX
    assert signing.body_sha256_hex(BODY) == BODY_SHA256
    assert signing.body_sha256_hex(b"") == EMPTY_SHA256 == signing.EMPTY_BODY_SHA256


def test_worked_example_canonical_string() -> None:
    assert canonical_request(**EXAMPLE) == CANONICAL
    assert not CANONICAL.endswith("\n")


def test_worked_example_signature() -> None:
    assert sign(secret=SECRET, **EXAMPLE) == SIGNATURE


def test_worked_example_headers() -> None:
    headers = signed_headers(key_id=KEY_ID, secret=SECRET, **EXAMPLE)
    assert headers == {
        "X-MT-Key": "mk_demo",
        "X-MT-Timestamp": "1767225600",
        "X-MT-Nonce": "n0nce-2026-01-01-0001",
        "X-MT-Signature": SIGNATURE,
    }


def test_method_is_upper_cased() -> None:
    assert sign(secret=SECRET, **{**EXAMPLE, "method": "post"}) == SIGNATURE


@pytest.mark.parametrize(
    "change",
    [
        {"method": "PUT"},
        {"path": "/open/v1/ping?x=1"},
        {"path": "/open/v1/pinG"},
        {"timestamp_s": TIMESTAMP_S + 1},
        {"nonce": "n0nce-2026-01-01-0002"},
        {"body": '{"hello":"煤通" }'.encode()},
        {"body": b""},
    ],
)
def test_tampering_with_any_field_changes_the_signature(change: dict[str, Any]) -> None:
    assert sign(secret=SECRET, **{**EXAMPLE, **change}) != SIGNATURE


def test_another_secret_gives_another_signature() -> None:
    assert sign(secret=SECRET + "x", **EXAMPLE) != SIGNATURE


def test_signatures_match() -> None:
    assert signatures_match(SIGNATURE, SIGNATURE)
    assert not signatures_match(SIGNATURE, SIGNATURE[:-1] + "b")
    assert not signatures_match(SIGNATURE, SIGNATURE[:-1])
    assert not signatures_match(SIGNATURE, "")
    assert not signatures_match(SIGNATURE, "煤" * 64)  # non-ASCII must not raise


def test_defaults_fill_now_and_a_random_valid_nonce() -> None:
    before = int(time.time())
    a = signed_headers(key_id=KEY_ID, secret=SECRET, method="GET", path=PATH)
    b = signed_headers(key_id=KEY_ID, secret=SECRET, method="GET", path=PATH)
    assert before <= int(a[HEADER_TIMESTAMP]) <= int(time.time())
    assert NONCE_PATTERN.fullmatch(a[HEADER_NONCE]) and NONCE_PATTERN.fullmatch(b[HEADER_NONCE])
    assert a[HEADER_NONCE] != b[HEADER_NONCE]
    assert a[HEADER_SIGNATURE] == sign(
        secret=SECRET, method="GET", path=PATH, timestamp_s=int(a[HEADER_TIMESTAMP]),
        nonce=a[HEADER_NONCE], body=b"",
    )


@pytest.mark.parametrize(
    "nonce, ok",
    [("a" * 15, False), ("a" * 16, True), ("a" * 64, True), ("a" * 65, False),
     ("abc-DEF_0123456789", True), ("abc.def+0123456789", False), ("abcdefgh01234567\n", False)],
)
def test_nonce_pattern(nonce: str, ok: bool) -> None:
    assert bool(NONCE_PATTERN.fullmatch(nonce)) is ok


@pytest.mark.parametrize(
    "change",
    [{"nonce": "short"}, {"path": "/open/v1/ping\nGET"}, {"path": "open/v1/ping"},
     {"timestamp_s": -1}, {"method": ""}, {"method": "PO ST"}],
)
def test_ambiguous_or_malformed_input_is_refused(change: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        sign(secret=SECRET, **{**EXAMPLE, **change})


def test_timestamp_is_fresh() -> None:
    assert MAX_CLOCK_SKEW_S == 300
    assert signing.timestamp_is_fresh(TIMESTAMP_S, now_s=TIMESTAMP_S + 300)
    assert signing.timestamp_is_fresh(TIMESTAMP_S, now_s=TIMESTAMP_S - 300)
    assert not signing.timestamp_is_fresh(TIMESTAMP_S, now_s=TIMESTAMP_S + 301)
    assert not signing.timestamp_is_fresh(TIMESTAMP_S, now_s=TIMESTAMP_S - 301)


async def test_signed_client_signs_exactly_the_bytes_it_sends() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": True})

    async with SignedClient(
        "https://platform.example", KEY_ID, SECRET, transport=httpx.MockTransport(handler)
    ) as client:
        r1 = await client.post("/open/v1/devices/heartbeat", json={"deviceCode": "磅-01", "status": {"a": 1}})
        r2 = await client.get("/open/v1/ping?x=1&y=a b")
    assert r1.status_code == r2.status_code == 200

    post, get = seen
    assert post.content == '{"deviceCode":"磅-01","status":{"a":1}}'.encode()
    assert post.headers["content-type"] == "application/json"
    assert get.content == b""
    assert get.url.raw_path == b"/open/v1/ping?x=1&y=a%20b"
    for req in seen:
        assert req.headers[HEADER_KEY] == KEY_ID
        expected = sign(
            secret=SECRET, method=req.method, path=req.url.raw_path.decode(),
            timestamp_s=int(req.headers[HEADER_TIMESTAMP]), nonce=req.headers[HEADER_NONCE],
            body=req.content,
        )
        assert signatures_match(req.headers[HEADER_SIGNATURE], expected)
    assert post.headers[HEADER_NONCE] != get.headers[HEADER_NONCE]
    assert json.loads(post.content) == {"deviceCode": "磅-01", "status": {"a": 1}}
