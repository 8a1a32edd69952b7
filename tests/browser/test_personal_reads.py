"""谁查看了我的信息 in the browser: the demo city regulator opens 张师傅's record through the API; 张师傅
then finds the look on his profile's link — the regulator's office, role and (an official) his name."""

from __future__ import annotations

import re
import time

import pyotp
from playwright.sync_api import Page, expect

from backend.demo.seed import DEMO_DRIVER_PHONE, DEMO_PASSWORD, DEMO_TOTP
from tests.browser.conftest import Server, password_login

REGULATOR = "13800000006"  # 陈监管(市), 鄂尔多斯市能源局


def _regulator_headers(server: Server) -> dict[str, str]:
    secret = pyotp.TOTP(DEMO_TOTP[REGULATOR])
    with server.api() as api:
        for at_s in (time.time(), time.time() + 30):  # the next step too: another test may have used this one
            r = api.post("/api/auth/login", json={"phone": REGULATOR, "password": DEMO_PASSWORD})
            assert r.json()["status"] == "totp_required", r.text
            r = api.post("/api/auth/login/totp", json={"mfaToken": r.json()["mfaToken"], "totpCode": secret.at(at_s)})
            if r.status_code == 200:
                return {"Authorization": f"Bearer {r.json()['accessToken']}"}
    raise AssertionError(r.text)


def test_the_driver_sees_that_a_regulator_looked_at_his_record(page: Page, server: Server, shots) -> None:
    with server.api() as api:
        r = api.post("/api/auth/login", json={"phone": DEMO_DRIVER_PHONE, "password": DEMO_PASSWORD})
        assert r.status_code == 200, r.text
        driver_id = api.get("/api/driver/me").json()["id"]
        r = api.get(f"/api/regulator/drivers/{driver_id}", headers=_regulator_headers(server))
        assert r.status_code == 200, r.text

    page.goto("/driver/login")
    password_login(page, DEMO_DRIVER_PHONE, DEMO_PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.goto("/driver/profile")
    page.get_by_role("link", name="谁查看了我的信息").click()
    expect(page.get_by_role("heading", name="谁查看了我的信息")).to_be_visible()
    row = page.locator("[data-read]").first
    expect(row).to_contain_text("鄂尔多斯市能源局")
    expect(row).to_contain_text("监管")
    expect(row).to_contain_text("陈监管(市)")
    expect(row).to_contain_text("身份证号")
    shots(page, "driver-reads")
