"""Web Push end to end: a subscriber keypair made here, the subscription registered over HTTP, the
outbox sending through the real pywebpush to a local push service, and the message decrypted
with http_ece as the browser would."""

from __future__ import annotations

import dataclasses
import json
import time
import uuid
from datetime import timedelta
from typing import Any

import httpx
import jwt
import msgspec
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select

from backend.context import Context
from backend.db.base import utcnow
from backend.db.unit import unit_of_work
from backend.domain.notices import rules, webpush
from backend.domain.notices import service as notices
from backend.domain.notices import service as outbox
from backend.domain.notices.models import NoticeDelivery, WebPushSubscription
from backend.domain.notices.schemas import WebPushSubscribe
from backend.domain.notices.webpush import MAX_PAYLOAD_BYTES
from backend.errors import DomainError, Invalid
from backend.settings import load_settings
from tests.factories import make_user
from tests.notices.helpers import Browser, login, notify
from tests.notices.push_service import PushServiceServer


async def _subscribe(client: httpx.AsyncClient, headers: dict[str, str], browser: Browser,
                     endpoint: str) -> dict[str, Any]:
    response = await client.post("/api/notices/webpush-subscriptions", json=browser.subscription(endpoint),
                                 headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _webpush_delivery(ctx: Context) -> NoticeDelivery:
    async with unit_of_work(ctx) as session:
        return (await session.execute(select(NoticeDelivery).where(NoticeDelivery.channel == "webpush"))).scalar_one()


async def _subscription(ctx: Context) -> WebPushSubscription:
    async with unit_of_work(ctx) as session:
        return (await session.execute(select(WebPushSubscription))).scalar_one()


async def test_push_reaches_the_push_service_signed_and_encrypted(ctx: Context, client: httpx.AsyncClient) -> None:
    user_id, phone = await make_user(ctx)
    headers = await login(client, phone)
    key = await client.get("/api/notices/webpush-key", headers=headers)
    assert key.status_code == 200
    public_key = key.json()["publicKey"]
    browser = Browser()
    with PushServiceServer() as service:
        first = await _subscribe(client, headers, browser, service.endpoint())
        # Idempotent on the endpoint: the same row again.
        assert (await _subscribe(client, headers, browser, service.endpoint()))["id"] == first["id"]
        notice_id = await notify(ctx, user_id, kind="queue_called")
        assert await outbox.deliver_due(ctx, now=utcnow()) == 2  # inbox + webpush
    [request] = service.received
    assert request.path == "/push/sub-1"
    assert request.headers["content-encoding"] == "aes128gcm"
    assert request.headers["urgency"] == "high"
    assert request.headers["ttl"] == str(30 * 60)

    # VAPID (RFC 8292): "vapid t=<JWT>, k=<our public key>"; the JWT verifies with the published key.
    scheme, _, params = request.headers["authorization"].partition(" ")
    assert scheme == "vapid"
    parts = dict(p.strip().split("=", 1) for p in params.split(","))
    assert parts["k"] == public_key
    published = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), rules.b64url_decode(public_key) or b"")
    claims = jwt.decode(parts["t"], published, algorithms=["ES256"], audience=service.base_url)
    assert claims["aud"] == service.base_url
    assert claims["sub"] == "mailto:ops@meitong.local"
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600
    other = ec.generate_private_key(ec.SECP256R1()).public_key()
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(parts["t"], other, algorithms=["ES256"], audience=service.base_url)

    assert browser.decrypt(request.body) == {
        "noticeId": str(notice_id), "kind": "queue_called", "title": "排队叫号", "body": "请到 3 号磅",
        "titleEn": "Your turn", "bodyEn": "Go to weighbridge 3", "data": {"orderNo": "T1"},
    }
    # Someone else's subscription keys cannot read it.
    with pytest.raises(Exception):  # noqa: B017 - http_ece raises InvalidTag from cryptography
        Browser().decrypt(request.body)
    delivery = await _webpush_delivery(ctx)
    assert (delivery.status, delivery.attempts, delivery.target) == ("sent", 1, service.endpoint())


async def test_an_ordinary_notice_is_normal_urgency_and_a_long_one_is_cut_to_fit(
    ctx: Context, client: httpx.AsyncClient,
) -> None:
    user_id, phone = await make_user(ctx)
    headers = await login(client, phone)
    browser = Browser()
    with PushServiceServer() as service:
        await _subscribe(client, headers, browser, service.endpoint())
        async with unit_of_work(ctx) as session:
            await notices.enqueue(session, user_id=user_id, kind="order.dispatched", title_zh="派单", title_en="Dispatched",
                                  body_zh="煤" * 3000, body_en="coal " * 1000, data={"url": "/driver/orders/1"})
            await session.commit()
        assert await outbox.deliver_due(ctx, now=utcnow()) == 2
    [request] = service.received
    assert (request.headers["urgency"], request.headers["ttl"]) == ("normal", str(24 * 3600))
    message = browser.decrypt(request.body)
    assert len(json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()) <= MAX_PAYLOAD_BYTES
    assert message["truncated"] is True and message["body"] == "煤" * 200 + "…"
    assert message["data"] == {"url": "/driver/orders/1"}


async def test_gone_410_disables_the_subscription(ctx: Context, client: httpx.AsyncClient) -> None:
    user_id, phone = await make_user(ctx)
    headers = await login(client, phone)
    with PushServiceServer() as service:
        endpoint = service.endpoint()
        await _subscribe(client, headers, Browser(), endpoint)
        await notify(ctx, user_id)
        service.status = 410
        await outbox.deliver_due(ctx, now=utcnow())
    delivery = await _webpush_delivery(ctx)
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert delivery.last_error and delivery.last_error.startswith("gone")
    assert (await _subscription(ctx)).disabled_at is not None
    # No more pushes to it...
    await notify(ctx, user_id)
    async with unit_of_work(ctx) as session:
        channels = (await session.execute(select(NoticeDelivery.channel))).scalars().all()
    assert sorted(channels) == ["inbox", "inbox", "webpush"]
    # ...until the browser subscribes again.
    await _subscribe(client, headers, Browser(), endpoint)
    assert (await _subscription(ctx)).disabled_at is None


async def test_500_is_retried_with_backoff_and_429_waits_as_asked(ctx: Context, client: httpx.AsyncClient) -> None:
    user_id, phone = await make_user(ctx)
    headers = await login(client, phone)
    with PushServiceServer() as service:
        await _subscribe(client, headers, Browser(), service.endpoint())
        await notify(ctx, user_id)
        now = utcnow()
        service.status = 500
        await outbox.deliver_due(ctx, now=now)
        delivery = await _webpush_delivery(ctx)
        assert (delivery.status, delivery.attempts) == ("pending", 1)
        assert delivery.next_attempt_at == now + timedelta(seconds=30)
        assert delivery.last_error and "500" in delivery.last_error
        assert (await _subscription(ctx)).disabled_at is None
        # Not due yet: nothing is tried.
        await outbox.deliver_due(ctx, now=now + timedelta(seconds=29))
        assert len(service.received) == 1

        service.status, service.retry_after = 429, "600"
        now += timedelta(seconds=30)
        await outbox.deliver_due(ctx, now=now)
        delivery = await _webpush_delivery(ctx)
        # The backoff would be 60 s; the push service asked for 600.
        assert (delivery.status, delivery.attempts) == ("pending", 2)
        assert delivery.next_attempt_at == now + timedelta(seconds=600)

        service.status, service.retry_after = 201, None
        assert await outbox.deliver_due(ctx, now=now + timedelta(seconds=600)) == 1
    assert len(service.received) == 3
    delivery = await _webpush_delivery(ctx)
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 3, None)


async def test_unsubscribe_stops_pushes_and_only_touches_ones_own(ctx: Context, client: httpx.AsyncClient) -> None:
    user_id, phone = await make_user(ctx)
    _, other_phone = await make_user(ctx)
    headers = await login(client, phone)
    other_headers = await login(client, other_phone)
    with PushServiceServer() as service:
        endpoint = service.endpoint()
        await _subscribe(client, headers, Browser(), endpoint)
        await notify(ctx, user_id)  # queued while still subscribed
        url = "/api/notices/webpush-subscriptions"
        theirs = await client.delete(url, params={"endpoint": endpoint}, headers=other_headers)
        assert theirs.status_code == 404 and theirs.json()["code"] == "not_found"
        assert (await client.delete(url, params={"endpoint": endpoint}, headers=headers)).status_code == 204
        assert (await client.delete(url, params={"endpoint": endpoint}, headers=headers)).status_code == 404
        await outbox.deliver_due(ctx, now=utcnow())
    assert service.received == []
    delivery = await _webpush_delivery(ctx)
    assert (delivery.status, delivery.last_error) == ("failed", "gone: subscription removed")
    await notify(ctx, user_id)
    async with unit_of_work(ctx) as session:
        assert len((await session.execute(select(NoticeDelivery).where(NoticeDelivery.channel == "webpush"))).all()) == 1


async def test_a_browser_moves_to_whoever_subscribes_it_last(ctx: Context, client: httpx.AsyncClient) -> None:
    first_id, first_phone = await make_user(ctx)
    second_id, second_phone = await make_user(ctx)
    endpoint = "https://push.example.com/send/abc"
    browser = Browser()
    await _subscribe(client, await login(client, first_phone), browser, endpoint)
    await _subscribe(client, await login(client, second_phone), browser, endpoint)
    assert (await _subscription(ctx)).user_id == second_id
    await notify(ctx, first_id)
    async with unit_of_work(ctx) as session:
        assert (await session.execute(select(NoticeDelivery.channel))).scalars().all() == ["inbox"]


def _with(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    body = json.loads(json.dumps(body))
    *parents, last = path.split(".")
    node = body
    for name in parents:
        node = node[name]
    node[last] = value
    return body


@pytest.mark.parametrize(("path", "value", "status", "field"), [
    ("keys.p256dh", rules.b64url(b"\x02" + b"\x11" * 32), 422, "keys.p256dh"),  # compressed point, 33 bytes
    ("keys.p256dh", rules.b64url(b"\x04" + b"\x01" * 64), 422, "keys.p256dh"),  # 65 bytes, not on the curve
    ("keys.p256dh", "not base64url!", 422, "keys.p256dh"),
    ("keys.auth", rules.b64url(bytes(range(1, 16))), 422, "keys.auth"),  # 15 bytes, not 16
    ("endpoint", "http://push.example.com/send/abc", 422, "endpoint"),
    ("endpoint", "ftp://127.0.0.1/x", 422, "endpoint"),
    ("endpoint", "https://" + "a" * 520 + ".example.com/", 400, "endpoint"),
    ("surprise", 1, 400, "surprise"),
    ("keys.extra", "x", 400, "keys.extra"),
])
async def test_bad_subscriptions_are_refused_naming_the_field(
    ctx: Context, client: httpx.AsyncClient, path: str, value: Any, status: int, field: str,
) -> None:
    _, phone = await make_user(ctx)
    headers = await login(client, phone)
    body = _with(Browser().subscription("https://push.example.com/send/abc"), path, value)
    response = await client.post("/api/notices/webpush-subscriptions", json=body, headers=headers)
    assert response.status_code == status, response.text
    error = response.json()
    assert error["field"] == field
    assert error["message_zh"] and error["message_en"]
    async with unit_of_work(ctx) as session:
        assert (await session.execute(select(WebPushSubscription))).first() is None


async def test_subscribing_needs_a_signed_in_user(client: httpx.AsyncClient) -> None:
    body = Browser().subscription("https://push.example.com/send/abc")
    assert (await client.post("/api/notices/webpush-subscriptions", json=body)).status_code == 401


@pytest.mark.parametrize("endpoint", [
    "http://127.0.0.1:8080/push", "https://localhost/push", "https://10.1.2.3/push", "https://[::1]/push",
    "https://169.254.169.254/latest", "https://user@push.example.com/x",
])
def test_production_refuses_endpoints_on_the_platforms_own_network(endpoint: str) -> None:
    with pytest.raises(Invalid) as raised:
        rules.check_endpoint(endpoint, allow_loopback_http=False)
    assert raised.value.field == "endpoint"


def test_production_takes_a_real_push_service() -> None:
    endpoint = f"https://fcm.googleapis.com/fcm/send/{uuid.uuid4()}"
    assert rules.check_endpoint(endpoint, allow_loopback_http=False) == endpoint


def test_the_vapid_key_is_made_once_and_published_as_an_uncompressed_point() -> None:
    first, again = load_settings(), load_settings()
    assert first.vapid_private_key_pem == again.vapid_private_key_pem  # kept in the var dir
    point = rules.b64url_decode(webpush.application_server_key(first.vapid_private_key_pem))
    assert point is not None and len(point) == 65 and point[0] == 0x04
    assert first.vapid_subject == "mailto:ops@meitong.local"


async def test_without_a_vapid_key_pushes_wait_and_no_key_is_published(ctx: Context) -> None:
    user_id, _ = await make_user(ctx)
    browser = Browser()
    async with unit_of_work(ctx) as session:
        await notices.subscribe_webpush(session, settings=ctx.settings, user_id=user_id,
                                        data=msgspec.convert(browser.subscription("https://push.example.com/s/1"),
                                                             WebPushSubscribe))
    await notify(ctx, user_id)
    unkeyed = dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, vapid_private_key_pem=""))
    assert await outbox.deliver_due(unkeyed, now=utcnow()) == 1  # the inbox
    delivery = await _webpush_delivery(ctx)
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("pending", 0, "webpush not configured")
    with pytest.raises(DomainError) as raised:
        notices.webpush_key(settings=unkeyed.settings)
    assert (raised.value.status, raised.value.code) == (503, "webpush_not_configured")


@pytest.mark.parametrize(("kind", "level"), [
    ("queue_called", "high"), ("queue.call", "high"), ("queue_requeued", "normal"), ("order_dispatched", "normal"),
    ("recall_notice", "normal"),
])
def test_only_queue_calls_are_high_urgency(kind: str, level: str) -> None:
    assert webpush.urgency(kind) == level
