"""The demo region seeds through the services (so it passes every check) and only once."""

from __future__ import annotations

import pyotp
from sqlalchemy import func, select, text

from backend import clock
from backend.db.base import Base
from backend.db.unit import unit_of_work
from backend.demo.seed import DEMO_TOTP, USERS, seed_with


async def _counts(ctx) -> dict[str, int]:
    async with unit_of_work(ctx) as session:
        return {
            t.name: (await session.execute(select(func.count()).select_from(t))).scalar_one()
            for t in Base.metadata.sorted_tables
        }


async def test_seed_is_idempotent(ctx):
    first = await seed_with(ctx)
    assert any(item.startswith("site ") for item in first.created)
    assert any(item.startswith("driver ") for item in first.created)
    before = await _counts(ctx)
    assert before["organisations"] == 8 and before["sites"] == 3 and before["vehicles"] == 6
    # The demo region is active; one newcomer's carrier awaits the demo regulators' review, and has
    # invited the demo driver (his home page shows it); the demo fleet joined by accepted invitations.
    async with unit_of_work(ctx) as session:
        statuses = (await session.execute(text("SELECT status, count(*) FROM organisations GROUP BY status"))).all()
        invitations = (await session.execute(text("SELECT status, count(*) FROM invitations GROUP BY status"))).all()
    assert dict(statuses) == {"active": 7, "pending": 1}
    assert dict(invitations) == {"accepted": 5, "pending": 1}
    # The watchdog at work: the demo exit lane's camera went silent an hour ago; its own sweep found it.
    assert "watchdog: 1 device(s) silent" in first.created
    async with unit_of_work(ctx) as session:
        silent = (await session.execute(text("SELECT details FROM alerts WHERE kind = 'device_silent'"))).all()
    assert len(silent) == 1 and "DEMO-ANPR-02" in str(silent[0][0]), silent
    second = await seed_with(ctx)
    assert second.created == []
    assert await _counts(ctx) == before


async def test_demo_logins_work(client, ctx):
    await seed_with(ctx)
    r = await client.post("/api/auth/login", json={"phone": "13800000005", "password": "Meitong2026"})
    assert r.status_code == 200 and r.json()["status"] == "ok"
    client.cookies.clear()
    r = await client.post("/api/auth/login", json={"phone": "13800000007", "password": "Meitong2026"})
    assert r.json()["status"] == "totp_required"


async def test_demo_administrators_log_in_with_their_published_totp_secrets(client, ctx):
    """A newcomer can still log in as every demo administrator: the banner prints each secret, its
    current code and the `meitong totp` hint; a password alone gets no tokens."""
    report = await seed_with(ctx)
    admins = {u["phone"] for u in USERS if u.get("admin") or u["role"] in ("enterprise_admin", "carrier_admin",
                                                                          "regulator")}
    assert admins <= set(DEMO_TOTP)
    banner = report.banner(base_url="http://127.0.0.1:8000")
    assert "meitong totp <phone>" in banner and all(secret in banner for secret in DEMO_TOTP.values())
    for phone in sorted(admins):
        step = (await client.post("/api/auth/login", json={"phone": phone, "password": "Meitong2026"})).json()
        assert step["status"] == "totp_required" and step["tokens"] is None, phone
        code = pyotp.TOTP(DEMO_TOTP[phone]).at(clock.now_s())
        ok = await client.post("/api/auth/login/totp", json={"mfaToken": step["mfaToken"], "totpCode": code})
        assert ok.status_code == 200, (phone, ok.text)
        client.cookies.clear()
