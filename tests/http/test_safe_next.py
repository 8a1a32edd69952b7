"""Redirect targets after login and the language switch: same-origin paths only. `/%09/host/path` used
to pass (a browser drops the tab and goes to //host/path, off-site)."""

from __future__ import annotations

import pytest

from backend.http.pages import safe_next

NASTY = [
    "/\t/evil.example/path", "/\n/evil.example", "/\r/evil.example", "/%09/evil.example/path",
    "/%0a/evil.example", "/%0D/evil.example", "/%2509/evil.example", "/%252F/evil.example",
    "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example", "/%5Cevil.example",
    "/%2F/evil.example", "/%2f%2fevil.example", "https://evil.example", "http:/evil.example",
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>",
    " //evil.example", "\t//evil.example", "evil.example", "", "/\x00/evil.example", "/%00x",
    "/\x7f/evil.example", "/a\tb", "/" + "a" * 3000,
]
FINE = ["/", "/driver/orders", "/mine/orders?status=issued&q=%E7%85%A4", "/enterprise/contracts#new",
        "/regulator/orgs?next=/x", "/driver/profile?lang=en"]


@pytest.mark.parametrize("target", NASTY)
def test_nasty_targets_fall_back_to_the_default(target):
    assert safe_next(target, "/home") == "/home"


@pytest.mark.parametrize("target", FINE)
def test_local_paths_are_kept(target):
    assert safe_next(target, "/home") == target


@pytest.mark.parametrize("raw", ["/%09/evil.example/path", "/%0A/evil.example", "%2F%2Fevil.example",
                                 "/%5C/evil.example", "https%3A%2F%2Fevil.example"])
async def test_the_language_switch_and_login_page_stay_on_site(client, raw):
    r = await client.get(f"/lang?to=en&next={raw}")
    assert r.status_code == 302 and r.headers["location"] == "/", r.headers
    page = await client.get(f"/driver/login?next={raw}")
    assert page.status_code == 200
    assert 'data-next="/driver/profile"' in page.text
