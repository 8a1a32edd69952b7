"""Password guessing without self-inflicted denial of service (backend/domain/identity/backoff.py):
the guesser is slowed per account and per address, the owner's known devices are not, and the owner
is told (once an hour) while the guesser learns nothing new."""

from __future__ import annotations

import uuid

import httpx
from litestar import Litestar

from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.notices import service as notices
from backend.domain.notices.schemas import NoticeOut
from tests import factories as f
from tests.clock import TestClock
from tests.http.limits_helpers import client_from, tighten

WRONG = "Wrong-pass-1"
PROXIES = ("10.0.0.0/8",)


async def login(http: httpx.AsyncClient, number: str, password: str = f.PASSWORD, **extra: str) -> httpx.Response:
    # As our pages' fetch does: a client holding session cookies must send it (backend.http.auth, CSRF).
    return await http.post("/api/auth/login", json={"phone": number, "password": password, **extra},
                           headers={"X-Requested-With": "fetch"})


async def failure_notices(ctx: Context, user_id: uuid.UUID) -> list[NoticeOut]:
    async with unit_of_work(ctx) as session:
        page = await notices.list_inbox(session, user_id=user_id, offset=0, limit=50)
    return [n for n in page.items if n.kind == "login_failures"]


async def test_a_guesser_cannot_lock_the_owner_out(ctx: Context, app: Litestar, clock: TestClock) -> None:
    """The finding: ten wrong passwords from anyone locked the regulator out for 15 minutes."""
    user_id, number, _ = await f.staff(ctx, role="regulator", kind="regulator", region_code="150600")
    tighten(app, ctx, trusted_proxies=PROXIES, login_attempts_per_ip=20)
    clock.freeze()
    async with client_from(app, "203.0.113.5") as owner, client_from(app, "198.51.100.7") as guesser, \
            client_from(app, "10.0.0.2") as proxy:
        first = await login(owner, number)
        assert first.status_code == 200 and first.json()["status"] == "totp_setup_required", first.text
        assert first.json()["deviceToken"] and owner.cookies.get("mt_device") == first.json()["deviceToken"]

        answers = [await login(guesser, number, WRONG) for _ in range(30)]
        assert [r.status_code for r in answers[:5]] == [401] * 5
        assert {r.status_code for r in answers[5:]} == {429}
        scopes = [r.json()["scope"] for r in answers[5:]]
        assert scopes == ["login_account"] * 15 + ["login_ip"] * 10, scopes  # 20 a window from his address
        assert answers[5].json()["limit"] == 5 and answers[5].headers["Retry-After"] == "2"

        # The owner's browser (its cookie) logs in on the right password while the guessing goes on.
        assert (await login(owner, number)).status_code == 200
        # So does his app from elsewhere, with the token in the body.
        async with client_from(app, "192.0.2.44") as app_elsewhere:
            assert (await login(app_elsewhere, number, deviceToken=first.json()["deviceToken"])).status_code == 200
        # A new device of his, behind the trusted proxy, waits out the back-off like anyone, then gets in.
        via_proxy = {"X-Forwarded-For": "203.0.113.77"}
        refused = await proxy.post("/api/auth/login", json={"phone": number, "password": f.PASSWORD}, headers=via_proxy)
        assert refused.status_code == 429 and refused.json()["scope"] == "login_account"
        clock.advance(int(refused.headers["Retry-After"]))
        done = await proxy.post("/api/auth/login", json={"phone": number, "password": f.PASSWORD}, headers=via_proxy)
        assert done.status_code == 200, done.text

    # The owner heard of it once; the guesser's answers said nothing a stranger's phone would not.
    (notice,) = await failure_notices(ctx, user_id)
    assert "198.51.100.7" in notice.body_zh and "198.51.100.7" in notice.body_en


async def test_the_answers_do_not_tell_a_registered_phone(ctx: Context, app: Litestar, clock: TestClock) -> None:
    _, number = await f.make_user(ctx)
    clock.freeze()

    async def trace(ip: str, phone: str) -> list[tuple[int, str, str | None]]:
        async with client_from(app, ip) as http:
            out = []
            for _ in range(8):
                r = await login(http, phone, WRONG)
                out.append((r.status_code, r.json()["code"], r.headers.get("Retry-After")))
            return out

    assert await trace("198.51.100.7", number) == await trace("198.51.100.8", f.phone())


async def test_back_off_doubles_up_to_its_cap_and_a_right_password_after_it_starts_over(
        ctx: Context, app: Litestar, clock: TestClock) -> None:
    _, number = await f.make_user(ctx)
    tighten(app, ctx, login_backoff_free_failures=3, login_backoff_cap_s=16)
    clock.freeze()
    async with client_from(app, "198.51.100.7") as http:
        assert [(await login(http, number, WRONG)).status_code for _ in range(3)] == [401] * 3
        waits = []
        for _ in range(5):
            refused = await login(http, number, WRONG)
            assert refused.status_code == 429
            waits.append(int(refused.headers["Retry-After"]))
            clock.advance(waits[-1] - 1)
            assert (await login(http, number, f.PASSWORD)).status_code == 429  # a second early: still waiting
            clock.advance(1)
            assert (await login(http, number, WRONG)).status_code == 401
        assert waits == [2, 4, 8, 16, 16]
        clock.advance(16)
        assert (await login(http, number)).status_code == 200
        # The right password after the wait: the count starts over (three free tries again). The
        # client now holds a device cookie, which would exempt it: drop it to be a stranger again.
        http.cookies.clear()
        assert [(await login(http, number, WRONG)).status_code for _ in range(4)] == [401, 401, 401, 429]


async def test_a_device_token_is_signed_bound_to_its_user_and_lost_by_guessing(
        ctx: Context, app: Litestar, clock: TestClock) -> None:
    _, number = await f.make_user(ctx)
    _, other_number = await f.make_user(ctx)
    clock.freeze()
    async with client_from(app, "203.0.113.5") as owner, client_from(app, "198.51.100.7") as guesser:
        mine = (await login(owner, number)).json()["deviceToken"]
        theirs = (await login(owner, other_number)).json()["deviceToken"]
        for _ in range(5):
            assert (await login(guesser, number, WRONG)).status_code == 401
        assert (await login(guesser, number, WRONG)).status_code == 429
        # Another account's token, a forged one and a garbled one do not exempt.
        forged = mine[:-4] + ("0000" if not mine.endswith("0000") else "1111")
        for token in (theirs, forged, "d1.garbage", "x" * 200):
            assert (await login(guesser, number, deviceToken=token)).status_code == 429, token
        assert (await login(guesser, number, deviceToken=mine)).status_code == 200
        # A stolen token used for guessing: its own failures count against it, and it stops exempting.
        for _ in range(5):
            assert (await login(guesser, number, WRONG, deviceToken=mine)).status_code == 401
        assert (await login(guesser, number, deviceToken=mine)).status_code == 429
        # A token expires.
        fresh = (await login(owner, other_number)).json()["deviceToken"]
        tighten(app, ctx, device_token_ttl_s=100)
        clock.advance(101)
        for _ in range(5):
            await login(guesser, other_number, WRONG)
        assert (await login(owner, other_number, deviceToken=fresh)).status_code == 429


async def test_failed_login_notices_come_at_most_once_an_hour(ctx: Context, app: Litestar, clock: TestClock) -> None:
    user_id, number = await f.make_user(ctx)
    clock.freeze()
    async with client_from(app, "198.51.100.7") as guesser:
        for _ in range(4):
            assert (await login(guesser, number, WRONG)).status_code == 401
        assert await failure_notices(ctx, user_id) == []  # a few typos are no news
        assert (await login(guesser, number, WRONG)).status_code == 401
        assert len(await failure_notices(ctx, user_id)) == 1
        for wait_s in (2, 4, 8):
            clock.advance(wait_s)
            assert (await login(guesser, number, WRONG)).status_code == 401
        assert len(await failure_notices(ctx, user_id)) == 1
        clock.advance(3600)
        assert (await login(guesser, number, WRONG)).status_code == 401
        assert len(await failure_notices(ctx, user_id)) == 2
