"""The second factor in the browser tests (a live server on the wall clock): administrators and
regulators log in with a TOTP code, enrolling at their first login, and re-enter it (step-up) for the
most dangerous actions. Demo accounts use their published secrets (backend/demo/seed.py DEMO_TOTP);
accounts the tests make enrol on their first login and their secrets are kept here.

TEST SETUP ONLY: a code is accepted once per 30 s step (users.totp_last_step), and a module logs the
same administrator in several times within a step, so before computing a code the last used step is
reset in the server's own database. The once-only rule itself is tested in tests/identity."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import httpx
import pyotp
from playwright.sync_api import Page, expect
from sqlalchemy import text

from backend.db.session import create_engine
from backend.demo.seed import DEMO_TOTP
from tests.browser.conftest import Server, run_async

SECRETS: dict[str, str] = dict(DEMO_TOTP)
_servers: list[Server] = []


def use_server(server: Server) -> None:
    """The session's live server (conftest's `server` fixture), whose database the codes reset."""
    _servers[:] = [server]


async def _reset(database_url: str, phone: str) -> None:
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE users SET totp_last_step = 0 WHERE phone = :phone"), {"phone": phone})
    await engine.dispose()


def code(phone: str) -> str:
    """A code the server accepts now for `phone` (enrolled: a demo account or one enrolled here)."""
    run_async(_reset(_servers[0].database_url, phone))
    return pyotp.TOTP(SECRETS[phone]).now()


def _ok(response: httpx.Response) -> dict[str, object]:
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def api_login(client: httpx.Client, phone: str, password: str) -> None:
    """Log a cookie-keeping client in, through the TOTP step (or enrolment) where the account needs it."""
    body = _ok(client.post("/api/auth/login", json={"phone": phone, "password": password}))
    if body["status"] == "totp_setup_required":
        setup = _ok(client.post("/api/auth/totp/enrol", json={"mfaToken": body["mfaToken"]}))
        SECRETS[phone] = str(setup["secret"])
        _ok(client.post("/api/auth/totp/enrol/confirm",
                        json={"mfaToken": body["mfaToken"], "totpCode": pyotp.TOTP(SECRETS[phone]).now()}))
    elif body["status"] == "totp_required":
        _ok(client.post("/api/auth/login/totp", json={"mfaToken": body["mfaToken"], "totpCode": code(phone)}))
    else:
        assert body["status"] == "ok", body


def api_step_up(client: httpx.Client, phone: str) -> None:
    _ok(client.post("/api/auth/step-up", json={"totpCode": code(phone)}))


def page_second_factor(page: Page, phone: str, *, timeout_s: float = 10.0) -> None:
    """After the password step on the login page: enter the TOTP code, or enrol first (then note the
    recovery codes and go on), as a person would. Returns at once for accounts without TOTP."""
    totp, enrol = page.locator('[data-step="totp"]'), page.locator('[data-step="enrol"]')
    deadline = time.monotonic() + timeout_s
    while "/login" in page.url:
        if totp.is_visible():
            totp.get_by_label("6 位动态口令").fill(code(phone))
            totp.get_by_role("button", name="验证并登录").click()
            return
        if enrol.is_visible():
            secret = enrol.locator("[data-secret]")
            expect(secret).to_have_text(re.compile(r"^[A-Z2-7]{16,}$"))
            SECRETS[phone] = secret.inner_text()
            enrol.get_by_label("6 位动态口令").fill(pyotp.TOTP(SECRETS[phone]).now())
            enrol.get_by_role("button", name="完成绑定并登录").click()
            codes = page.locator('[data-step="codes"]')
            expect(codes.locator("[data-codes] li")).to_have_count(10)
            codes.get_by_role("button", name="我已保存，继续").click()
            return
        assert time.monotonic() < deadline, f"login of {phone} reached neither the app nor a TOTP step"
        page.wait_for_timeout(100)


def page_step_up(page: Page, phone: str, *, shot: Callable[[], object] | None = None) -> None:
    """Answer the step-up dialog a dangerous action opens (static/js/stepup.js)."""
    dialog = page.locator("dialog.stepup")
    expect(dialog.get_by_role("heading", name="再次验证身份")).to_be_visible()
    if shot:
        shot()
    dialog.get_by_label("6 位动态口令").fill(code(phone))
    dialog.get_by_role("button", name="确认").click()
    expect(dialog).to_have_count(0)
