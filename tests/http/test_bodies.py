"""Hostile bodies: nested 1,000 deep, invalid UTF-8, lone surrogates, strings for numbers. Each used to
answer 500 (or, for strings, to be accepted); now a 400 {code, message_zh, message_en, field}, on any
route, signed in or not, and nothing stored."""

from __future__ import annotations

import time

import msgspec
import pytest
from sqlalchemy import func, select

from backend.db.unit import unit_of_work
from backend.http import bodies
from tests.orders import helpers as oh

LOGIN = "/api/auth/login"
JSON = {"content-type": "application/json"}


def _refused(response, code: str, field: str | None = None) -> dict:
    assert response.status_code == 400, response.text
    body = response.json()
    assert set(body) == {"code", "message_zh", "message_en", "field"}, body
    assert body["code"] == code, body
    if field is not None:
        assert body["field"] == field, body
    return body


@pytest.mark.parametrize("opener", ["[", '{"a":'])
async def test_a_body_nested_1000_deep_is_a_400(client, opener):
    closer = "]" if opener == "[" else "}"
    body = opener * 1000 + "1" + closer * 1000
    # Anonymously on every route that reads a body before a guard; signed in on a guarded one.
    for path in (LOGIN, "/api/auth/sms", "/api/auth/refresh", "/api/driver/register"):
        r = await client.post(path, content=body.encode(), headers=JSON)
        refused = _refused(r, "body_too_deep")
        assert "32" in refused["message_zh"] and "32" in refused["message_en"]


async def test_a_deep_body_is_a_400_signed_in_too(ctx, client):
    w = await oh.world(ctx, client)
    body = b'{"contractId": ' + b"[" * 1000 + b"]" * 1000 + b"}"
    _refused(await client.post("/api/mine/orders", content=body, headers={**JSON, **w.parties.sales}),
             "body_too_deep")


async def test_depth_is_counted_outside_strings_and_up_to_the_setting(client):
    assert not bodies.depth_exceeds(b'{"a": "' + b"[" * 5000 + b'"}', 32)
    assert not bodies.depth_exceeds(b"[" * 32 + b"]" * 32, 32)
    assert bodies.depth_exceeds(b"[" * 33 + b"]" * 33, 32)
    assert not bodies.depth_exceeds(b"[]" * 10_000, 32)
    assert not bodies.depth_exceeds(b'["\\"[[[[", ' * 40 + b"1" + b"]" * 40, 64)
    assert not bodies.depth_exceeds(b'["a\\\\", ' + b"[" * 31 + b"]" * 31 + b"]", 32)  # "a\\" ends there
    assert bodies.depth_exceeds(b'["a\\\\", ' + b"[" * 32 + b"]" * 32 + b"]", 32)
    assert bodies.depth_exceeds(b'{"a": "}}}}", "b": ' + b"[" * 40 + b"]" * 40 + b"}", 32)


async def test_depth_check_is_bounded_on_a_25_mb_body():
    # Against msgspec decoding a flat array of the same size (C speed, whatever the machine's load):
    # a Python loop per byte would be a hundred times slower.
    size = 25 * 1024 * 1024
    started = time.perf_counter()
    msgspec.json.decode(b"[" + b"1," * (size // 2 - 1) + b"1]")
    reference_s = time.perf_counter() - started
    for body in ((b"[" * 32 + b"]" * 32) * (size // 64), b"[" * size, b'["' + b"[" * size + b'"]',
                 b"[" + b'"a",' * (size // 4) + b'"a"]'):
        started = time.perf_counter()
        bodies.depth_exceeds(body, 32)
        assert time.perf_counter() - started < 10 * reference_s + 0.5


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b'{"phone": "13800000000", "password": "a\xffb"}', "password"),
        (b'{"phone": "1380000\xed\xa0\x80", "password": "x"}', "phone"),  # a surrogate, UTF-8-encoded
        (b'{"phone": "\xc3", "password": "x"}', "phone"),  # truncated sequence
    ],
)
async def test_invalid_utf8_is_a_400_naming_the_field(client, raw, field):
    _refused(await client.post(LOGIN, content=raw, headers=JSON), "invalid_utf8", field)


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (rb'{"phone": "13800000000", "password": "\ud800"}', "password"),
        (rb'{"phone": "13800000000", "password": "x\ud800y"}', "password"),
        (rb'{"phone": "\udc00", "password": "x"}', "phone"),
        (rb'{"phone": "\uDBFF\u0041", "password": "x"}', "phone"),
    ],
)
async def test_a_lone_surrogate_is_a_400_naming_the_field(client, raw, field):
    _refused(await client.post(LOGIN, content=raw, headers=JSON), "invalid_surrogate", field)


async def test_an_escaped_pair_and_an_escaped_backslash_are_fine(client):
    # "\ud83d\ude00" is an emoji; "\\ud800" is a backslash and text: neither is refused as a surrogate.
    for raw in (rb'{"phone": "13800000000", "password": "\ud83d\ude00"}',
                rb'{"phone": "13800000000", "password": "\\ud800"}'):
        r = await client.post(LOGIN, content=raw, headers=JSON)
        assert r.status_code == 401, r.text  # a wrong password, judged as one


async def test_malformed_json_is_a_400(client):
    _refused(await client.post(LOGIN, content=b'{"phone": ', headers=JSON), "invalid_json")


async def test_a_string_for_an_integer_is_a_400_and_creates_no_order(ctx, client):
    from backend.domain.orders.models import PickupOrder

    w = await oh.world(ctx, client)
    for planned in ("30000", 30000.0, 3e4, True):
        r = await client.post("/api/mine/orders", json=oh.issue_body(w, plannedKg=planned), headers=w.parties.sales)
        refused = _refused(r, "invalid_input", "plannedKg")
        assert "int" in refused["message_en"], refused
    r = await client.post("/api/mine/orders", json=oh.issue_body(w, count="2"), headers=w.parties.sales)
    _refused(r, "invalid_input", "count")
    async with unit_of_work(ctx) as session:
        assert await session.scalar(select(func.count()).select_from(PickupOrder)) == 0
    # The same order with a number is accepted: strictness refuses types, not orders.
    assert (await client.post("/api/mine/orders", json=oh.issue_body(w), headers=w.parties.sales)).status_code == 201


async def test_a_float_where_a_float_is_due_still_takes_an_integer(ctx, client):
    from tests.contracts import helpers as c

    p = await c.parties(ctx, client)
    r = await client.post("/api/enterprise/contracts", json=c.body(p, sulphurPct=1), headers=p.sales)
    assert r.status_code == 201, r.text
    r = await client.post("/api/enterprise/contracts", json=c.body(p, sulphurPct="1.0"), headers=p.sales)
    _refused(r, "invalid_input", "sulphurPct")


@pytest.mark.parametrize("query", ["offset=1.0", "offset=1e3", "limit=5.5", "limit=true"])
async def test_query_integers_are_strict(ctx, client, query):
    from tests import factories as f

    _, admin_phone = await f.make_user(ctx, admin=True)
    headers = await f.login(client, admin_phone)
    r = await client.get(f"/api/regulator/orgs?{query}", headers=headers)
    _refused(r, "invalid_input", query.split("=")[0])
    assert (await client.get("/api/regulator/orgs?offset=0&limit=5", headers=headers)).status_code == 200
