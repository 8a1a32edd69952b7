"""The one clock: services, handlers and tokens read the test's clock, so a test sets the day in
China instead of depending on when the suite runs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from backend import clock as backend_clock
from backend.domain.contracts.rules import china_today
from tests import factories as f
from tests.clock import TestClock, wait_out_midnight
from tests.contracts import helpers as c


def test_the_test_clock_freezes_sets_and_advances(clock: TestClock) -> None:
    before = backend_clock.system_now()
    assert before - timedelta(seconds=5) < backend_clock.now() < before + timedelta(seconds=5)
    at = clock.freeze(datetime(2026, 5, 31, 15, 59, 59, tzinfo=UTC))
    assert backend_clock.now() == at and china_today() == date(2026, 5, 31)  # 23:59:59 in Beijing
    clock.advance(1)
    assert backend_clock.now() == at + timedelta(seconds=1) and china_today() == date(2026, 6, 1)
    clock.set(datetime(2026, 1, 1, tzinfo=UTC))
    assert backend_clock.now_s() == datetime(2026, 1, 1, tzinfo=UTC).timestamp()


def test_midnight_is_waited_out_only_when_it_is_near() -> None:
    assert wait_out_midnight(margin=timedelta(0)) == 0.0


async def test_contract_numbers_take_the_day_in_china_not_in_utc(ctx, client, clock: TestClock) -> None:
    p = await c.parties(ctx, client)
    clock.set(datetime(2026, 5, 31, 15, 59, 0, tzinfo=UTC))  # 23:59 in Beijing
    assert (await c.draft(client, p))["contractNo"] == "HT202605310001"
    clock.set(datetime(2026, 5, 31, 16, 1, 0, tzinfo=UTC))  # 00:01 the next day in Beijing, still May 31 in UTC
    assert (await c.draft(client, p))["contractNo"] == "HT202606010001"


async def test_an_access_token_expires_by_the_platform_clock(ctx, client, clock: TestClock) -> None:
    _, number = await f.make_user(ctx)
    headers = await f.login(client, number)
    assert (await client.get("/api/auth/me", headers=headers)).status_code == 200
    clock.advance(ctx.settings.access_token_ttl_s - 5)
    assert (await client.get("/api/auth/me", headers=headers)).status_code == 200
    clock.advance(10)
    assert (await client.get("/api/auth/me", headers=headers)).status_code == 401
