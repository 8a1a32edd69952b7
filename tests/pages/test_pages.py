"""Every page answers: 200 for the right person, 302 to the app's login when signed out, Chinese
by default and English with ?lang=en; errors on pages are pages, not JSON."""

from __future__ import annotations

import re
import uuid

import pytest

from tests import factories as f
from tests.pages import helpers as ph

APPS = ("driver", "mine", "enterprise", "regulator")
PROTECTED = {
    "/driver/profile": "driver", "/mine/sites": "mine", "/enterprise/orgs": "enterprise",
    "/regulator/orgs": "regulator",
}


def text_of(html: str) -> str:
    """What a reader sees: the markup without tags, scripts and the JSON of the script strings."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


async def test_landing_is_chinese_by_default_and_english_on_request(client):
    zh = await client.get("/")
    assert zh.status_code == 200 and 'lang="zh-CN"' in zh.text
    assert "一票到底，一码通行" in zh.text and "司机" in zh.text and "监管" in zh.text
    en = await client.get("/?lang=en")
    assert en.status_code == 200 and 'lang="en"' in en.text
    assert "One chain of documents" in en.text and "一票到底" not in text_of(en.text)
    assert "mt_lang=en" in en.headers.get("set-cookie", "")
    # The cookie keeps the choice on the next page.
    again = await client.get("/driver/login")
    assert "Log in to meitong · Driver" in again.text


@pytest.mark.parametrize("name", APPS)
async def test_login_pages(client, name):
    zh = await client.get(f"/{name}/login")
    assert zh.status_code == 200
    assert f'<link rel="manifest" href="/{name}/manifest.webmanifest">' in zh.text
    assert "登录煤通·" in zh.text and "密码" in zh.text
    en = await client.get(f"/{name}/login?lang=en")
    assert "Log in to meitong" in en.text and "登录煤通" not in text_of(en.text)


@pytest.mark.parametrize("path", sorted(PROTECTED))
async def test_signed_out_goes_to_the_apps_login(client, path):
    r = await client.get(path, follow_redirects=False)
    assert r.status_code == 302
    assert r.headers["location"] == f"/{PROTECTED[path]}/login?next={path}"


async def test_apps_roots_lead_to_their_home(client):
    for app, home in (("driver", "/driver/profile"), ("mine", "/mine/sites"), ("enterprise", "/enterprise/orgs"),
                      ("regulator", "/regulator/orgs")):
        r = await client.get(f"/{app}", follow_redirects=False)
        assert r.status_code == 302 and r.headers["location"] == home


async def test_driver_register_page_offers_ordos_and_wuhai(client):
    r = await client.get("/driver/register")
    assert r.status_code == 200
    for text in ("司机实名注册", "准格尔旗", "海勃湾区", "铰接列车", 'value="yellow_green"', "获取验证码"):
        assert text in r.text, text
    en = await client.get("/driver/register?lang=en")
    assert "Driver registration" in en.text and "Jungar Banner" in en.text and "tractor-semitrailer" in en.text


async def test_driver_profile_shows_masked_id_and_plate(client, ctx):
    body = await ph.driver_with_vehicle(client, ctx)
    r = await client.get("/driver/profile")
    assert r.status_code == 200, r.text
    id_number = body["idNumber"]
    assert body["name"] in r.text
    assert id_number[:6] + "********" + id_number[-4:] in r.text
    # Never the full number, not even as the licence number (which usually is the ID number).
    assert id_number not in r.text and body["qualificationCertNo"] not in r.text
    assert 'data-plate="蒙K12345"' in r.text and 'class="plate yellow' in r.text
    assert "已实名认证" in r.text
    en = await client.get("/driver/profile?lang=en")
    assert "Real name verified" in en.text and "My vehicles" in en.text and "已实名认证" not in text_of(en.text)


async def test_signed_in_driver_skips_login_and_registration(client, ctx):
    await ph.driver_with_vehicle(client, ctx)
    for path in ("/driver/login", "/driver/register"):
        r = await client.get(path, follow_redirects=False)
        assert r.status_code == 302 and r.headers["location"] == "/driver/profile"
    r = await client.get("/driver/login?next=//evil.example/x", follow_redirects=False)
    assert r.headers["location"] == "/driver/profile"


async def test_enterprise_pages(client, ctx):
    org_id, site_id, _ = await ph.mine_with_site(client, ctx)
    orgs = await client.get("/enterprise/orgs")
    assert orgs.status_code == 200 and "我的机构" in orgs.text and "登记新机构" in orgs.text
    org = await client.get(f"/enterprise/orgs/{org_id}")
    assert org.status_code == 200
    for text in ("一号储煤场", "人员账号", "接口密钥", "签发新密钥", 'class="fence'):
        assert text in org.text, text
    site = await client.get(f"/enterprise/sites/{site_id}")
    assert site.status_code == 200
    for text in ('<path class="area"', "东门", "指定出入口", "1号车道", "地磅", "1号地磅", "离线", "北", "m</text>"):
        assert text in site.text, text
    new = await client.get(f"/enterprise/orgs/{org_id}/sites/new")
    assert new.status_code == 200 and "data-fence-editor" in new.text and "在网格上绘制" in new.text
    en = await client.get(f"/enterprise/sites/{site_id}?lang=en")
    assert "Gates" in en.text and "Designated" in en.text and "卡口" not in text_of(en.text)


async def test_mine_overview(client, ctx):
    _, _, _ = await ph.mine_with_site(client, ctx)
    r = await client.get("/mine/sites")
    assert r.status_code == 200
    for text in ("场地总览", "一号储煤场", "东门", "1号车道", 'data-device="WB-PAGE-01" data-online="false"', "离线"):
        assert text in r.text, text
    en = await client.get("/mine/sites?lang=en")
    assert "Site overview" in en.text and "Offline" in en.text


async def test_regulator_pages_and_the_htmx_list(client, ctx):
    await f.make_org(ctx, kind="mine", region_code="150623", name="甲煤矿")
    await f.make_org(ctx, kind="carrier", region_code="150623", name="乙运输")
    _, phone, _ = await f.staff(ctx, role="regulator", kind="regulator", region_code="150623")
    await ph.regulator_login(client, phone)
    page = await client.get("/regulator/orgs")
    assert page.status_code == 200
    assert "辖区机构" in page.text and "甲煤矿" in page.text and "乙运输" in page.text and "鄂托克前旗" in page.text
    partial = await client.get("/regulator/orgs?q=甲", headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "<html" not in partial.text
    assert "甲煤矿" in partial.text and "乙运输" not in partial.text
    restore = await client.get("/regulator/orgs?q=甲", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.text
    by_kind = await client.get("/regulator/orgs?kind=carrier", headers={"HX-Request": "true"})
    assert "乙运输" in by_kind.text and "甲煤矿" not in by_kind.text
    org_id = (await client.get("/api/regulator/orgs?q=甲")).json()["items"][0]["id"]
    detail = await client.get(f"/regulator/orgs/{org_id}")
    assert detail.status_code == 200 and "监管处置" in detail.text and "列入失信黑名单" in detail.text
    en = await client.get(f"/regulator/orgs/{org_id}?lang=en")
    assert "Regulatory action" in en.text and "Blacklist" in en.text


async def test_someone_without_the_role_sees_no_access(client, ctx):
    await ph.driver_with_vehicle(client, ctx)
    for path in ("/regulator/orgs", "/mine/sites"):
        r = await client.get(path)
        assert r.status_code == 403 and "无权访问" in r.text and "切换账号" in r.text


async def test_missing_rows_answer_as_pages_in_the_readers_language(client, ctx):
    _, phone, _ = await f.staff(ctx, role="enterprise_admin")
    await ph.cookie_login(client, phone)
    r = await client.get(f"/enterprise/orgs/{uuid.uuid4()}")
    assert r.status_code == 404 and "text/html" in r.headers["content-type"]
    assert "无法打开此页面" in r.text and "机构不存在" in r.text
    en = await client.get(f"/enterprise/sites/{uuid.uuid4()}?lang=en")
    assert en.status_code == 404 and "site not found" in en.text


async def test_language_switch_sets_the_cookie_and_stays_local(client):
    r = await client.get("/lang?to=en&next=/driver/login", follow_redirects=False)
    assert r.status_code == 302 and r.headers["location"] == "/driver/login"
    assert "mt_lang=en" in r.headers["set-cookie"]
    evil = await client.get("/lang?to=en&next=//evil.example/", follow_redirects=False)
    assert evil.headers["location"] == "/"
