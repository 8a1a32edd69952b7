"""A driver registers through the page (SMS code from the outbox file), is refused once for a wrong
ID check digit, lands on the profile, logs out and back in."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from backend.checks.idcard import make_id_card
from tests.browser.conftest import Server, password_login

PHONE = "13912340001"
PASSWORD = "Coal2026pass"
ID_NUMBER = make_id_card("15062219850612" + "123")
WRONG_CHECK_DIGIT = ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1")


def test_landing(page: Page, shots) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name="一票到底，一码通行")).to_be_visible()
    for name in ("司机", "矿端", "企业", "监管"):
        expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    shots(page, "landing")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="One chain of documents, one code at every gate")).to_be_visible()
    shots(page, "landing-en")
    page.get_by_role("link", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")


def test_driver_registers_logs_out_and_back_in(page: Page, server: Server, shots) -> None:
    page.goto("/driver/register")
    form = page.locator("form#register")
    # Step 1: phone and SMS code, then a password.
    form.get_by_label("手机号").fill(PHONE)
    form.get_by_role("button", name="获取验证码").click()
    expect(form.get_by_role("button", name=re.compile(r"\d+ 秒后重发"))).to_be_disabled()
    form.get_by_label("短信验证码").fill(server.sms_code(PHONE))
    form.get_by_label("设置登录密码").fill(PASSWORD)
    form.get_by_role("button", name="下一步").click()
    # Step 2: identity, with a mistyped ID number first.
    expect(form.get_by_role("group", name="身份信息")).to_be_visible()
    form.get_by_label("真实姓名").fill("张建军")
    form.get_by_label("身份证号").fill(WRONG_CHECK_DIGIT)
    form.get_by_label("驾驶证号").fill(ID_NUMBER)
    form.get_by_label("从业资格证号").fill("NM15062200012345")
    form.get_by_label("所在地区").select_option("150622")
    form.get_by_role("button", name="下一步").click()
    # Step 3: the vehicle; the legal gross mass follows body and axles (GB 1589).
    expect(form.get_by_role("group", name="车辆信息")).to_be_visible()
    form.get_by_label("车牌号").fill("蒙K12345")
    form.locator("label.colour-choice", has_text="黄牌").click()
    form.get_by_label("车辆类型").select_option("tractor_semitrailer")
    gross = form.locator("[data-gross-out]")
    form.get_by_label("轴数").select_option("5")
    expect(gross).to_have_text("43")
    form.get_by_label("车辆类型").select_option("truck")
    expect(gross).to_have_text("31")
    form.get_by_label("车辆类型").select_option("tractor_semitrailer")
    form.get_by_label("轴数").select_option("6")
    expect(gross).to_have_text("49")
    form.get_by_label("能源类型").select_option("diesel")
    form.get_by_label("核定载质量（kg）").fill("31000")
    shots(page, "driver-register-vehicle")
    form.get_by_role("button", name="提交实名注册").click()

    # The refusal: back on the identity step, the Chinese reason under the ID field.
    id_field = form.locator(".field", has=page.get_by_label("身份证号"))
    expect(id_field.locator(".field-error")).to_have_text("身份证号校验位不正确，请核对号码")
    expect(form.get_by_label("身份证号")).to_have_attribute("aria-invalid", "true")
    shots(page, "driver-register-refused")
    form.get_by_label("身份证号").fill(ID_NUMBER)
    form.get_by_role("button", name="下一步").click()
    form.get_by_role("button", name="提交实名注册").click()

    # The profile: what the driver sees of himself.
    expect(page).to_have_url(re.compile(r"/driver/profile$"))
    expect(page.get_by_role("heading", name="张建军")).to_be_visible()
    expect(page.get_by_text("已实名认证")).to_be_visible()
    masked = ID_NUMBER[:6] + "********" + ID_NUMBER[-4:]
    expect(page.locator("[data-id-masked]")).to_have_text(masked)
    assert ID_NUMBER not in page.content()
    plate = page.locator('.plate[data-plate="蒙K12345"]')
    expect(plate).to_have_text("蒙K·12345")
    expect(plate).to_have_class(re.compile(r"\byellow\b"))
    expect(page.get_by_text("总质量限值 49 吨 · 核定载质量 31 吨")).to_be_visible()
    shots(page, "driver-profile")
    page.goto("/driver/profile?lang=en")
    expect(page.get_by_text("Real name verified")).to_be_visible()
    shots(page, "driver-profile-en")
    page.goto("/driver/profile?lang=zh")

    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/driver/login$"))
    page.goto("/driver/profile")
    expect(page).to_have_url(re.compile(r"/driver/login\?next="))
    password_login(page, PHONE, PASSWORD, shots=lambda: shots(page, "driver-login"))
    expect(page).to_have_url(re.compile(r"/driver/profile$"))
    expect(page.get_by_role("heading", name="张建军")).to_be_visible()
    expect(page.locator('.plate[data-plate="蒙K12345"]')).to_be_visible()


def test_driver_adds_a_new_energy_vehicle(page: Page, server: Server) -> None:
    page.goto("/driver/login")
    password_login(page, PHONE, PASSWORD)
    expect(page).to_have_url(re.compile(r"/driver/profile$"))
    add = page.locator("#add-vehicle")
    add.locator("summary").click()
    add.get_by_label("车牌号").fill("蒙K12345D")
    add.locator("label.colour-choice", has_text="黄绿牌").click()
    add.get_by_label("能源类型").select_option("electric")
    add.get_by_label("核定载质量（kg）").fill("30000")
    add.get_by_role("button", name="保存车辆").click()
    expect(page.locator('.plate.yellow_green[data-plate="蒙K12345D"]')).to_be_visible()


def test_service_worker_serves_the_shell_and_an_offline_page(page: Page, shots) -> None:
    page.goto("/driver/login")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now the worker controls the page and has seen /driver/login online
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    try:
        page.goto("/enterprise/orgs")
        expect(page.get_by_role("heading", name="网络未连接")).to_be_visible()
        expect(page.locator("link[href='/static/css/app.css']")).to_have_count(1)
        assert page.evaluate("getComputedStyle(document.querySelector('.card')).borderRadius") == "14px"
        shots(page, "offline")
        page.goto("/driver/login")
        expect(page.get_by_role("heading", name="登录煤通·司机")).to_be_visible()
    finally:
        page.context.set_offline(False)
