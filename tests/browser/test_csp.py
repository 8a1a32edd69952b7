"""Every app's pages in Chromium with the Content-Security-Policy enforced: the driver, mine, enterprise
and regulator apps (each page of the route table, its ids taken from the demo data), the login pages,
the public ticket check and the API docs at /schema. Any console message about the policy ("Content
Security Policy", "Refused to") fails the test: an inline script or style element, an eval, a load from
outside."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import closing
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from playwright.sync_api import Browser, Page

from backend.demo.seed import DEMO_DRIVER_PHONE, DEMO_PASSWORD
from tests.browser import mfa
from tests.browser.conftest import FETCH, PHONE, Server

# Who opens each app's pages: the demo mine's admin (mine and enterprise), a regulator (TOTP from the
# demo secrets), the demo driver.
USERS = {"driver": DEMO_DRIVER_PHONE, "mine": "13800000001", "enterprise": "13800000001", "regulator": "13800000006"}
# htmx reports the evals its config (allowEval false) refuses as evalDisallowedError, before the CSP would.
_VIOLATION = re.compile(r"Content Security Policy|Refused to|evalDisallowed|unsafe-eval", re.IGNORECASE)


def _login(server: Server, phone: str) -> httpx.Client:
    client = httpx.Client(base_url=server.base_url, headers=FETCH, timeout=10.0)
    mfa.api_login(client, phone, DEMO_PASSWORD)  # through the TOTP step or enrolment (tests/browser/mfa.py)
    assert client.cookies.get("mt_access")
    return client


def _first_id(client: httpx.Client, path: str, key: str = "id") -> str | None:
    r = client.get(path)
    if r.status_code != 200:
        return None
    body = r.json()
    items = body.get("items", body) if isinstance(body, dict) else body
    return str(items[0][key]) if items else None


def _ids(server: Server) -> dict[str, str]:
    """Real ids from the demo data for the pages' path parameters (a random one where none exists)."""
    ids: dict[str, str] = {}
    with closing(_login(server, USERS["mine"])) as mine:
        me = mine.get("/api/auth/me").json()
        memberships = me.get("memberships") or []
        if memberships:
            ids["org_id"] = str(memberships[0].get("orgId") or memberships[0].get("org_id"))
        for name, path, key in (("contract_id", "/api/enterprise/contracts", "id"), ("order_id", "/api/mine/orders", "id"),
                                ("site_id", "/api/mine/sites", "id")):
            found = _first_id(mine, path, key)
            if found:
                ids[name] = found
    return ids


def _page_paths(app: Litestar, prefix: str, ids: dict[str, str]) -> list[str]:
    paths = set()
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or "GET" not in route.methods or not route.path.startswith(prefix):
            continue
        if route.path.endswith(("manifest.webmanifest", "/live", "/today")) or "/photos/" in route.path:
            continue  # not pages: the manifest, htmx fragments, images
        path = route.path
        for name, kind in re.findall(r"\{(\w+):(\w+)\}", path):
            path = path.replace(f"{{{name}:{kind}}}", ids.get(name) or (str(uuid.uuid4()) if kind == "uuid" else "X1"))
        paths.add(path)
    return sorted(paths)


@pytest.fixture(scope="module")
def opened(browser: Browser, server: Server, _one_app: Litestar) -> Iterator[Any]:
    violations: list[str] = []
    seen: list[str] = []

    def open_pages(app_name: str | None, paths: list[str], *, cookies_from: httpx.Client | None = None,
                   wait_for: str | None = None) -> None:
        context = browser.new_context(base_url=server.base_url, **PHONE)
        context.set_default_timeout(15_000)
        if cookies_from is not None:
            context.add_cookies([{"name": c.name, "value": c.value or "", "url": server.base_url}
                                 for c in cookies_from.cookies.jar])
        page: Page = context.new_page()
        page.on("console", lambda msg: violations.append(f"{page.url}: {msg.text}") if _VIOLATION.search(msg.text) else None)
        page.on("pageerror", lambda exc: violations.append(f"{page.url}: pageerror {exc}"))
        for path in paths:
            response = page.goto(path, wait_until="load")
            assert response is not None, path
            csp = response.headers.get("content-security-policy", "")
            if "text/html" in response.headers.get("content-type", ""):
                assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0], path
            if wait_for:
                page.wait_for_selector(wait_for)
            page.wait_for_timeout(250)  # let module scripts and their first fetches run
            if page.locator("[hx-trigger*=every]").count():
                page.wait_for_timeout(2_300)  # the first poll (2 s) evaluates its trigger
            seen.append(f"{app_name}:{path}")
        context.close()

    yield open_pages, violations, seen


def test_every_apps_pages_run_under_the_csp(opened, server: Server, _one_app: Litestar) -> None:
    open_pages, violations, seen = opened
    ids = _ids(server)
    open_pages(None, ["/", "/offline", "/driver/login", "/mine/login", "/enterprise/login", "/regulator/login",
                      "/driver/register", f"/verify/{uuid.uuid4().hex[:12]}", "/driver/login?next=/%09/evil.example"])
    for app_name, phone in USERS.items():
        with closing(_login(server, phone)) as client:
            open_pages(app_name, _page_paths(_one_app, f"/{app_name}/", ids), cookies_from=client)
    assert violations == [], "\n".join(violations)
    print(f"{len(seen)} pages opened under the CSP")
    assert len(seen) > 40


def test_the_api_docs_render_under_the_csp(opened) -> None:
    open_pages, violations, _ = opened
    open_pages(None, ["/schema"], wait_for=".opblock")
    assert violations == [], "\n".join(violations)
