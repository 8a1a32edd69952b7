"""End to end through the real firebase-admin SDK against a local OAuth + FCM v1 endpoint."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from backend.context import Context
from backend.db.base import utcnow
from backend.db.unit import unit_of_work
from backend.domain.notices import service as outbox
from backend.domain.notices.delivery import MAX_ATTEMPTS
from backend.domain.notices.models import NoticeDelivery, PushDevice
from tests.factories import make_user
from tests.notices.fcm_relay import RelayServer
from tests.notices.helpers import add_device, notify, with_fcm

TOKEN = "fcm-token-abcdefgh"


async def _fcm_delivery(ctx: Context) -> NoticeDelivery:
    async with unit_of_work(ctx) as session:
        return (await session.execute(select(NoticeDelivery).where(NoticeDelivery.channel == "fcm"))).scalar_one()


async def test_fcm_message_reaches_the_endpoint_through_the_sdk(ctx: Context, tmp_path: Path) -> None:
    user_id, _ = await make_user(ctx)
    await add_device(ctx, user_id, TOKEN)
    notice_id = await notify(ctx, user_id)
    with RelayServer() as relay:
        fcm_ctx = with_fcm(ctx, credentials_file=relay.service_account(tmp_path), endpoint=relay.base_url)
        assert await outbox.deliver_due(fcm_ctx, now=utcnow()) == 2
    assert len(relay.token_requests) == 1 and relay.unauthorised == 0
    [sent] = relay.sent
    assert sent["path"] == "/v1/projects/meitong-test/messages:send"
    message = sent["message"]
    assert message["token"] == TOKEN
    assert message["notification"] == {"title": "排队叫号", "body": "请到 3 号磅"}
    assert message["data"] == {"noticeId": str(notice_id), "kind": "test", "orderNo": "T1"}
    delivery = await _fcm_delivery(ctx)
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 1, None)


async def test_fcm_500_is_retried_with_backoff_then_failed(ctx: Context, tmp_path: Path) -> None:
    user_id, _ = await make_user(ctx)
    await add_device(ctx, user_id, TOKEN)
    await notify(ctx, user_id)
    now = utcnow()
    with RelayServer() as relay:
        relay.mode = "error500"
        fcm_ctx = with_fcm(ctx, credentials_file=relay.service_account(tmp_path), endpoint=relay.base_url)
        await outbox.deliver_due(fcm_ctx, now=now)
        delivery = await _fcm_delivery(ctx)
        assert (delivery.status, delivery.attempts) == ("pending", 1)
        assert delivery.next_attempt_at == now + timedelta(seconds=30)
        assert delivery.last_error and "Internal error" in delivery.last_error
        # Not due yet: nothing is tried.
        await outbox.deliver_due(fcm_ctx, now=now + timedelta(seconds=29))
        assert len(relay.sent) == 1
        await outbox.deliver_due(fcm_ctx, now=now + timedelta(seconds=30))
        delivery = await _fcm_delivery(ctx)
        assert (delivery.attempts, delivery.next_attempt_at) == (2, now + timedelta(seconds=90))
        for _ in range(MAX_ATTEMPTS):
            now += timedelta(hours=2)
            await outbox.deliver_due(fcm_ctx, now=now)
    delivery = await _fcm_delivery(ctx)
    assert (delivery.status, delivery.attempts) == ("failed", MAX_ATTEMPTS)
    assert len(relay.sent) == MAX_ATTEMPTS


async def test_fcm_recovers_after_a_failure(ctx: Context, tmp_path: Path) -> None:
    user_id, _ = await make_user(ctx)
    await add_device(ctx, user_id, TOKEN)
    await notify(ctx, user_id)
    with RelayServer() as relay:
        relay.mode = "error500"
        fcm_ctx = with_fcm(ctx, credentials_file=relay.service_account(tmp_path), endpoint=relay.base_url)
        await outbox.deliver_due(fcm_ctx, now=utcnow())
        relay.mode = "ok"
        assert await outbox.deliver_due(fcm_ctx, now=utcnow() + timedelta(minutes=1)) == 1
    delivery = await _fcm_delivery(ctx)
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 2, None)


async def test_unregistered_token_disables_the_device(ctx: Context, tmp_path: Path) -> None:
    user_id, _ = await make_user(ctx)
    await add_device(ctx, user_id, TOKEN)
    await notify(ctx, user_id)
    with RelayServer() as relay:
        relay.mode = "unregistered"
        fcm_ctx = with_fcm(ctx, credentials_file=relay.service_account(tmp_path), endpoint=relay.base_url)
        await outbox.deliver_due(fcm_ctx, now=utcnow())
    delivery = await _fcm_delivery(ctx)
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert delivery.last_error and delivery.last_error.startswith("unregistered")
    async with unit_of_work(ctx) as session:
        device = (await session.execute(select(PushDevice))).scalar_one()
        assert device.disabled_at is not None
    # A disabled device gets no more pushes.
    await notify(ctx, user_id)
    async with unit_of_work(ctx) as session:
        channels = (await session.execute(select(NoticeDelivery.channel))).scalars().all()
    assert sorted(channels) == ["fcm", "inbox", "inbox"]
