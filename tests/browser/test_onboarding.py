"""Consent and onboarding on screen: a newcomer's carrier (pending review) invites a driver, who
accepts on his home page; the demo city regulator approves the carrier from the review queue."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from backend.checks.credit_code import make_credit_code
from tests.browser import mfa
from tests.browser import world as bw
from tests.browser.conftest import FETCH, Server, password_login, phone_page

PASSWORD = "Coal2026pass"
APPLICANT, DRIVER, PLATE = "13912340901", "13912340902", "蒙K90901"
REGULATOR = "13800000006"  # the demo city regulator (Ordos holds Otog Front Banner)
CARRIER = "浏览器申请运输有限公司"


def test_driver_accepts_on_his_home_page_and_the_regulator_approves(browser: Browser, server: Server, shots) -> None:
    bw.register_driver(server, phone=DRIVER, name="蒙师傅", plate=PLATE, id_prefix="15062319900101123",
                       region="150623", password=PASSWORD)
    with server.api() as applicant:
        bw.ok(applicant.post("/api/auth/sms", json={"phone": APPLICANT, "purpose": "register"}), (202,))
        bw.ok(applicant.post("/api/auth/register", json={"phone": APPLICANT, "smsCode": server.sms_code(APPLICANT),
                                                         "name": "申请人", "password": PASSWORD}))
        carrier = bw.ok(applicant.post("/api/enterprise/orgs", json={
            "name": CARRIER, "kind": "carrier", "creditCode": make_credit_code("91150623MA0BW0901"),
            "regionCode": "150623"}))
        assert carrier["status"] == "pending"
        invited = bw.ok(applicant.post(f"/api/enterprise/orgs/{carrier['id']}/fleet/drivers", json={"phone": DRIVER}))
        assert "蒙师傅" not in str(invited)

    with phone_page(browser, server) as page:
        page.goto("/driver/profile")
        password_login(page, DRIVER, PASSWORD)
        item = page.locator("#invitations li[data-invitation]")
        expect(item).to_have_count(1)
        expect(item).to_contain_text(CARRIER)
        shots(page, "driver-invitation")
        item.get_by_role("button", name="接受").click()
        expect(page.locator("#invitations")).to_have_count(0)
        me = page.request.get("/api/driver/me", headers=FETCH).json()
        assert me["carrierOrgId"] == carrier["id"]

    with phone_page(browser, server) as page:
        step = page.request.post("/api/auth/login", headers=FETCH, data={"phone": REGULATOR, "password": "Meitong2026"}).json()
        page.request.post("/api/auth/login/totp", headers=FETCH,
                          data={"mfaToken": step["mfaToken"], "totpCode": mfa.code(REGULATOR)})  # once per step: mfa resets it
        page.goto("/regulator/reviews")
        row = page.locator("li[data-review]").filter(has_text=CARRIER)
        expect(row).to_have_count(1)
        shots(page, "regulator-reviews")
        row.get_by_role("link", name=CARRIER).click()
        expect(page).to_have_url(re.compile(rf"/regulator/orgs/{carrier['id']}"))
        shots(page, "regulator-review")
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="审核通过").click()
        expect(page.locator(".page-head .badge")).to_have_text("正常")
        expect(page.locator("#review")).to_have_count(0)
