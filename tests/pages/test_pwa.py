"""Installable apps: one manifest per app with an SVG icon, and the service worker at the root."""

from __future__ import annotations

import pytest

APPS = {"driver": "煤通·司机", "mine": "煤通·矿端", "enterprise": "煤通·企业", "regulator": "煤通·监管"}


@pytest.mark.parametrize("name", sorted(APPS))
async def test_manifest(client, name):
    r = await client.get(f"/{name}/manifest.webmanifest")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/manifest+json")
    body = r.json()
    assert body["name"] == APPS[name] and body["display"] == "standalone"
    assert body["start_url"].startswith(f"/{name}/") and body["scope"] == f"/{name}/"
    assert body["theme_color"].startswith("#")
    icon = body["icons"][0]
    assert icon["sizes"] == "any" and icon["type"] == "image/svg+xml"
    svg = await client.get(icon["src"])
    assert svg.status_code == 200 and svg.text.startswith("<svg") and "image/svg+xml" in svg.headers["content-type"]
    en = (await client.get(f"/{name}/manifest.webmanifest?lang=en")).json()
    assert en["name"].startswith("meitong")


async def test_service_worker_caches_the_shell_and_has_an_offline_page(client):
    r = await client.get("/sw.js")
    assert r.status_code == 200 and "javascript" in r.headers["content-type"]
    assert r.headers["service-worker-allowed"] == "/" and "no-cache" in r.headers["cache-control"]
    assert "__VERSION__" not in r.text
    for asset in ("/static/css/app.css", "/static/js/app.js", "/static/vendor/htmx/htmx.min.js", "/offline"):
        assert f'"{asset}"' in r.text
        assert (await client.get(asset)).status_code == 200, asset
    offline = await client.get("/offline")
    assert "网络未连接" in offline.text
