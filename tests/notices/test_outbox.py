from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from backend.context import Context
from backend.db.base import utcnow
from backend.db.unit import unit_of_work
from backend.domain.notices import service as notices
from backend.domain.notices import service as outbox
from backend.domain.notices.delivery import MAX_ATTEMPTS, backoff_s
from backend.domain.notices.models import Notice, NoticeDelivery
from backend.sms import ConsoleSmsSender
from tests.factories import make_user
from tests.notices.helpers import add_device, notify


async def _deliveries(ctx: Context) -> dict[str, NoticeDelivery]:
    async with unit_of_work(ctx) as session:
        return {d.channel: d for d in (await session.execute(select(NoticeDelivery))).scalars()}


async def test_enqueue_in_a_rolled_back_transaction_leaves_nothing(ctx: Context) -> None:
    user_id, _ = await make_user(ctx)
    async with unit_of_work(ctx) as session:
        await notices.enqueue(session, user_id=user_id, kind="k", title_zh="标题", title_en="Title",
                              body_zh="正文", body_en="Body", sms=True)
        # Inside the transaction the outbox rows exist...
        assert (await session.execute(select(func.count()).select_from(NoticeDelivery))).scalar_one() == 2
        await session.rollback()
    async with unit_of_work(ctx) as session:
        assert (await session.execute(select(func.count()).select_from(Notice))).scalar_one() == 0
        assert (await session.execute(select(func.count()).select_from(NoticeDelivery))).scalar_one() == 0


async def test_deliver_due_sends_inbox_and_sms(ctx: Context) -> None:
    user_id, phone = await make_user(ctx)
    pubsub = ctx.redis.pubsub()
    await pubsub.subscribe(notices.inbox_channel(user_id))
    await pubsub.get_message(timeout=1)  # the subscribe confirmation
    notice_id = await notify(ctx, user_id, sms=True)

    assert await outbox.deliver_due(ctx, now=utcnow()) == 2
    rows = await _deliveries(ctx)
    assert {c: (d.status, d.attempts) for c, d in rows.items()} == {"inbox": ("sent", 1), "sms": ("sent", 1)}
    assert rows["sms"].target == phone
    assert isinstance(ctx.sms, ConsoleSmsSender)
    assert ctx.sms.last_to(phone) == "【煤通】排队叫号：请到 3 号磅"
    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=2)
    assert message is not None and json.loads(message["data"])["id"] == str(notice_id)
    await pubsub.aclose()
    # Nothing is sent twice.
    assert await outbox.deliver_due(ctx, now=utcnow() + timedelta(hours=2)) == 0
    async with unit_of_work(ctx) as session:
        assert (await notices.unread_count(session, user_id=user_id)).count == 1


async def test_fcm_without_credentials_waits_pending(ctx: Context) -> None:
    user_id, _ = await make_user(ctx)
    await add_device(ctx, user_id)
    await notify(ctx, user_id)
    assert await outbox.deliver_due(ctx, now=utcnow()) == 1  # the inbox
    fcm = (await _deliveries(ctx))["fcm"]
    assert (fcm.status, fcm.attempts, fcm.last_error) == ("pending", 0, "fcm not configured")


def test_backoff_doubles_from_30_s_up_to_an_hour() -> None:
    assert [backoff_s(n) for n in range(1, MAX_ATTEMPTS + 1)] == [30, 60, 120, 240, 480, 960, 1920, 3600]
