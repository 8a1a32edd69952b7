"""The enterprise, mine and regulator apps in the browser, on data made through the JSON API:
an enterprise admin draws a fence on the grid and issues a key; the mine overview shows devices
online and offline; a regulator enrols TOTP at first login, filters the list, suspends a plant."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pyotp
import pytest
from playwright.sync_api import Page, expect

from backend.checks.credit_code import make_credit_code
from backend.db.session import create_engine, create_sessionmaker
from backend.demo.seed import DEMO_PASSWORD, USERS
from backend.domain.identity import service as identity
from devices.platform_client import SignedClient
from tests.browser import mfa
from tests.browser import world as bw
from tests.browser.conftest import Server, password_login, run_async

PASSWORD = "Coal2026pass"
ADMIN_PHONE = "13912340002"
REGULATOR_PHONE = "13912340003"
LON, LAT = 107.52, 38.21
FENCE = {"type": "Polygon", "coordinates": [[[LON, LAT], [LON + 0.009, LAT], [LON + 0.011, LAT + 0.005],
                                             [LON + 0.004, LAT + 0.008], [LON - 0.002, LAT + 0.004], [LON, LAT]]]}


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


async def _regulator(database_url: str, org_id: str) -> None:
    """Regulators are appointed, not registered: made through the identity service, as the seed does."""
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        user_id = await identity.create_user(session, phone=REGULATOR_PHONE, name="吴监管", password=PASSWORD)
        await identity.add_membership(session, user_id=user_id, org_id=uuid.UUID(org_id), role="regulator")
        await session.commit()
    await engine.dispose()


async def _heartbeats(base_url: str, key_id: str, secret: str, codes: list[str]) -> None:
    async with SignedClient(base_url, key_id, secret) as machine:
        for code in codes:
            response = await machine.post("/open/v1/devices/heartbeat", json={"deviceCode": code, "status": {"ok": True}})
            assert response.status_code == 200, response.text


@pytest.fixture(scope="module")
def world(server: Server) -> dict[str, str]:
    """A mine with an admin, a site, gates, a lane and three devices (two reporting); a washing plant;
    a district regulator not yet enrolled in TOTP."""
    with server.api() as platform:
        mfa.api_login(platform, USERS[0]["phone"], DEMO_PASSWORD)
        mfa.api_step_up(platform, USERS[0]["phone"])  # granting a role asks for the code again

        def org(name: str, kind: str, serial: str) -> str:
            prefix = ("11" if kind == "regulator" else "91") + "150623" + serial
            body = {"name": name, "kind": kind, "creditCode": make_credit_code(prefix), "regionCode": "150623",
                    "address": "鄂托克前旗上海庙镇", "contactName": "周经理", "contactPhone": "13912349999"}
            return str(_created(platform.post("/api/enterprise/orgs", json=body))["id"])

        mine = org("红旗示范煤矿有限公司", "mine", "MA0BR0001")
        plant = org("青山洗煤有限公司", "washing_plant", "MA0BR0002")
        regulator_org = org("鄂托克前旗交通运输局", "regulator", "MB0BR0003")
        bw.join_staff(server, platform, org_id=mine, phone=ADMIN_PHONE, name="周矿长", role="enterprise_admin",
                      password=PASSWORD)
    with server.api() as admin:
        mfa.api_login(admin, ADMIN_PHONE, PASSWORD)
        site = _created(admin.post(f"/api/enterprise/orgs/{mine}/sites",
                                   json={"name": "一号储煤场", "kind": "mine_yard", "fence": FENCE}))["id"]
        east = _created(admin.post(f"/api/enterprise/sites/{site}/gates", json={
            "name": "东门", "direction": "both", "designated": True, "lon": LON + 0.009, "lat": LAT + 0.0005}))["id"]
        _created(admin.post(f"/api/enterprise/sites/{site}/gates", json={
            "name": "西侧便门", "direction": "out", "designated": False, "lon": LON - 0.0015, "lat": LAT + 0.004}))
        lane = _created(admin.post(f"/api/enterprise/sites/{site}/lanes", json={
            "name": "1号进场车道", "direction": "in", "gateId": east, "hasWeighbridge": True}))["id"]
        for kind, code, name in (("camera", "HK-ANPR-7001", "进场抓拍"), ("weighbridge", "YH-XK3190-7001", "1号地磅"),
                                 ("barrier", "BR-7001", "进场道闸")):
            _created(admin.post(f"/api/enterprise/sites/{site}/devices",
                                json={"kind": kind, "code": code, "name": name, "vendor": "", "laneId": lane}))
        mfa.api_step_up(admin, ADMIN_PHONE)
        issued = _created(admin.post(f"/api/enterprise/orgs/{mine}/keys", json={"name": "1号磅房边缘网关"}))
    run_async(_heartbeats(server.base_url, issued["key"]["keyId"], issued["secret"], ["HK-ANPR-7001", "YH-XK3190-7001"]))
    run_async(_regulator(server.database_url, regulator_org))
    return {"mine": mine, "plant": plant, "site": site}


def _created(response: Any) -> Any:
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_enterprise_admin_draws_a_site_and_issues_a_key(page: Page, world: dict[str, str], shots) -> None:
    page.goto("/enterprise/orgs")
    expect(page).to_have_url(re.compile(r"/enterprise/login\?next="))
    password_login(page, ADMIN_PHONE, PASSWORD)
    expect(page).to_have_url(re.compile(r"/enterprise/orgs$"))
    expect(page.get_by_role("heading", name="红旗示范煤矿有限公司")).to_be_visible()
    shots(page, "enterprise-orgs")

    # Register a second organisation through the form; a mistyped credit code is refused on its field.
    code = make_credit_code("91150623MA0BR0004")
    register = page.locator("#register")
    register.locator("summary").click()
    register.get_by_label("机构名称").fill("红旗煤炭物流有限公司")
    register.get_by_label("机构类型").select_option("carrier")
    register.get_by_label("所在地区").select_option("150623")
    register.get_by_label("统一社会信用代码").fill(code[:17] + ("0" if code[17] != "0" else "1"))
    register.get_by_role("button", name="提交登记").click()
    field = register.locator(".field", has=page.get_by_label("统一社会信用代码"))
    expect(field.locator(".field-error")).to_contain_text("校验")
    register.get_by_label("统一社会信用代码").fill(code)
    register.get_by_role("button", name="提交登记").click()
    expect(page).to_have_url(re.compile(r"/enterprise/orgs/[0-9a-f-]{36}$"))
    expect(page.get_by_role("heading", name="红旗煤炭物流有限公司", level=1)).to_be_visible()
    page.goto("/enterprise/orgs")

    page.get_by_role("link", name=re.compile("红旗示范煤矿有限公司")).click()
    expect(page.locator("#sites").get_by_role("link", name="一号储煤场")).to_be_visible()
    page.get_by_role("link", name="新建场地").click()
    page.get_by_label("场地名称").fill("二号储煤场")
    page.get_by_role("button", name="在网格上绘制").click()
    grid = page.locator("svg[data-grid]")
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box is not None
    for fx, fy in ((0.3, 0.7), (0.72, 0.68), (0.78, 0.35), (0.4, 0.28)):
        grid.click(position={"x": fx * box["width"], "y": fy * box["height"]})
    expect(page.get_by_text("已点 4 个顶点")).to_be_visible()
    page.get_by_role("button", name="闭合围栏").click()
    fence_text = page.get_by_label("电子围栏（GeoJSON）").input_value()
    assert '"type":"Polygon"' in fence_text and fence_text.count("[") == 2 + 5
    expect(page.locator("svg[data-fence-preview] path.area")).to_be_visible()
    expect(page.locator("[data-fence-status]")).to_contain_text("4 个顶点 · 面积约")
    shots(page, "enterprise-site-draw")
    page.get_by_role("button", name="保存场地").click()

    expect(page).to_have_url(re.compile(r"/enterprise/sites/[0-9a-f-]{36}$"))
    expect(page.get_by_role("heading", name="二号储煤场", level=1)).to_be_visible()
    expect(page.locator("#fence > svg.fence path.area")).to_be_visible()
    gates = page.locator("#gates")
    gates.locator("summary").click()
    gates.get_by_label("卡口名称").fill("南门")
    gates.get_by_label("方向").select_option("out")
    centre_lon, centre_lat = page.locator("#fence .coords").inner_text().split(", ")
    gates.get_by_label("经度").fill(centre_lon)
    gates.get_by_label("纬度").fill(centre_lat)
    gates.get_by_role("button", name="添加卡口").click()
    expect(page.locator("#gates .list").get_by_text("南门")).to_be_visible()

    page.goto(f"/enterprise/sites/{world['site']}")
    expect(page.locator("#fence > svg.fence .gate")).to_have_count(2)
    expect(page.locator("#devices .dot.on")).to_have_count(2)
    expect(page.locator("#devices .dot.off")).to_have_count(1)
    shots(page, "enterprise-site")

    page.goto(f"/enterprise/orgs/{world['mine']}")
    keys = page.locator("#keys")
    keys.locator("summary").click()
    keys.get_by_label("用途名称").fill("ERP 系统")
    keys.get_by_role("button", name="签发", exact=True).click()
    # Issuing a key asks for the code again, then goes on.
    mfa.page_step_up(page, ADMIN_PHONE, shot=lambda: shots(page, "enterprise-step-up"))
    secret = page.locator("[data-key-secret]")
    expect(secret).to_have_text(re.compile(r"^[A-Za-z0-9_-]{43}$"))
    expect(page.get_by_text("密钥只显示这一次")).to_be_visible()
    shots(page, "enterprise-org-key")
    page.get_by_role("button", name="我已保存").click()
    expect(keys.get_by_text("ERP 系统", exact=True)).to_be_visible()
    expect(page.locator("[data-key-secret]")).to_have_text("")


def test_the_account_page_signs_another_device_out(page: Page, world: dict[str, str], server: Server, shots) -> None:
    with server.api() as other:  # another device of the same administrator
        mfa.api_login(other, ADMIN_PHONE, PASSWORD)
        assert other.get("/api/auth/me").status_code == 200
        page.goto("/enterprise/login")
        password_login(page, ADMIN_PHONE, PASSWORD)
        expect(page).to_have_url(re.compile(r"/enterprise/orgs$"))
        page.get_by_role("link", name="登录设备").first.click()
        expect(page.get_by_role("heading", name="登录设备与安全")).to_be_visible()
        current = page.locator("li[data-current]")
        expect(current.get_by_text("本设备")).to_be_visible()
        expect(page.locator("[data-remaining]")).to_have_text("10")
        shots(page, "account-sessions")
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="退出其他所有设备").click()
        expect(page.locator("li[data-session]")).to_have_count(1)
        assert other.get("/api/auth/me").status_code == 401


def test_mine_overview_shows_devices_online_and_offline(page: Page, world: dict[str, str], shots) -> None:
    page.goto("/mine/login")
    password_login(page, ADMIN_PHONE, PASSWORD)
    expect(page).to_have_url(re.compile(r"/mine/sites$"))
    site = page.locator("section.card", has=page.get_by_role("heading", name="一号储煤场"))
    expect(site.locator("svg.fence path.area")).to_be_visible()
    expect(site.locator('[data-device="HK-ANPR-7001"] .dot.on')).to_be_visible()
    expect(site.locator('[data-device="BR-7001"] .dot.off')).to_be_visible()
    expect(site.get_by_text("指定出入口", exact=True)).to_be_visible()
    expect(site.get_by_text("非指定出入口")).to_be_visible()
    shots(page, "mine-sites")


def test_regulator_enrols_totp_filters_and_suspends(page: Page, world: dict[str, str], shots) -> None:
    page.goto("/regulator/orgs")
    password_login(page, REGULATOR_PHONE, PASSWORD, second_factor=False)
    enrol = page.locator('[data-step="enrol"]')
    expect(enrol.get_by_role("heading", name="绑定动态口令")).to_be_visible()
    expect(enrol.get_by_role("img", name="动态口令二维码")).to_be_visible()
    secret = enrol.locator("[data-secret]").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret)
    shots(page, "regulator-enrol")
    mfa.SECRETS[REGULATOR_PHONE] = secret
    enrol.get_by_label("6 位动态口令").fill(pyotp.TOTP(secret).now())
    enrol.get_by_role("button", name="完成绑定并登录").click()
    # Ten recovery codes, shown once, before going on.
    codes = page.locator('[data-step="codes"]')
    expect(codes.get_by_role("heading", name="保存恢复码")).to_be_visible()
    expect(codes.locator("[data-codes] li")).to_have_count(10)
    world["recovery_codes"] = "\n".join(codes.locator("[data-codes] li").all_inner_texts())
    shots(page, "regulator-recovery-codes")
    codes.get_by_role("button", name="我已保存，继续").click()

    expect(page).to_have_url(re.compile(r"/regulator/orgs$"))
    rows = page.locator("#org-list li[data-org]")
    expect(rows.filter(has_text="红旗示范煤矿有限公司")).to_have_count(1)
    expect(rows.filter(has_text="青山洗煤有限公司")).to_have_count(1)
    shots(page, "regulator-orgs")
    page.goto("/regulator/orgs?lang=en")
    expect(page.get_by_role("heading", name="Organisations in my region")).to_be_visible()
    shots(page, "regulator-orgs-en")
    page.goto("/regulator/orgs?lang=zh")
    page.get_by_placeholder("搜索名称或信用代码").fill("青山")
    expect(rows).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=%E9%9D%92%E5%B1%B1|q=青山"))
    page.get_by_placeholder("搜索名称或信用代码").fill("")
    page.get_by_label("机构类型").select_option("mine")
    expect(rows.filter(has_text="青山洗煤有限公司")).to_have_count(0)
    expect(rows.filter(has_text="红旗示范煤矿有限公司")).to_have_count(1)

    page.goto(f"/regulator/orgs/{world['plant']}")
    page.get_by_label("暂停业务").check()
    page.get_by_label("处置原因").fill("未按规定安装进煤采集设备")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="提交处置").click()
    mfa.page_step_up(page, REGULATOR_PHONE)  # suspending asks for the code again, then goes on
    expect(page.locator(".page-head .badge")).to_have_text("暂停")
    expect(page.get_by_text("当前处置：暂停。原因：未按规定安装进煤采集设备")).to_be_visible()
    page.goto(f"/regulator/orgs/{world['mine']}")
    expect(page.locator("#sites svg.fence path.area")).to_have_count(2)
    shots(page, "regulator-org")
    page.goto("/regulator/orgs?status=suspended")
    expect(rows.filter(has_text="青山洗煤有限公司")).to_have_count(1)


def test_a_recovery_code_stands_in_for_the_lost_phone_once(page: Page, world: dict[str, str], shots) -> None:
    code = world["recovery_codes"].split("\n")[0]
    page.goto("/regulator/login")
    password_login(page, REGULATOR_PHONE, PASSWORD, second_factor=False)
    totp = page.locator('[data-step="totp"]')
    expect(totp.get_by_role("heading", name="动态口令验证")).to_be_visible()
    totp.get_by_role("button", name="手机不在身边？使用恢复码").click()
    recovery = page.locator('[data-step="recovery"]')
    recovery.get_by_label("恢复码").fill(code)
    shots(page, "login-recovery-code")
    recovery.get_by_role("button", name="验证并登录").click()
    expect(page).to_have_url(re.compile(r"/regulator/orgs$"))
    page.goto("/account/sessions?app=regulator")
    expect(page.locator("[data-remaining]")).to_have_text("9")
    # Spent: the same code opens nothing the next time.
    page.context.clear_cookies()
    page.goto("/regulator/login")
    password_login(page, REGULATOR_PHONE, PASSWORD, second_factor=False)
    page.locator('[data-step="totp"]').get_by_role("button", name="手机不在身边？使用恢复码").click()
    recovery.get_by_label("恢复码").fill(code)
    recovery.get_by_role("button", name="验证并登录").click()
    expect(recovery.locator(".field-error")).to_contain_text("恢复码错误或已使用")
