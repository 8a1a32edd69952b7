"""The service worker's Web Push handler in real Chromium: a push handed to the worker through the
DevTools protocol, as the browser's push client hands over a decrypted message, shows a notice."""

from __future__ import annotations

import json
import time
from typing import Any

from playwright.sync_api import CDPSession, Page

from tests.browser.conftest import Server

MESSAGE = {"noticeId": "n-1", "kind": "queue.call", "title": "排队叫号", "body": "请到 3 号磅",
           "titleEn": "Your turn", "bodyEn": "Go to weighbridge 3", "data": {"url": "/driver/profile"}}


def _registration_id(cdp: CDPSession, timeout_s: float = 10.0) -> str:
    found: list[str] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated",
           lambda event: found.extend(r["registrationId"] for r in event["registrations"] if not r["isDeleted"]))
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + timeout_s
    while not found and time.monotonic() < deadline:
        cdp.send("Runtime.evaluate", {"expression": "1"})  # lets the event arrive
        time.sleep(0.05)
    assert found, "no service worker registration reported"
    return found[-1]


def _push(page: Page, server: Server, cdp: CDPSession, registration: str, data: str) -> list[dict[str, Any]]:
    # Close what an earlier push showed and wait until it is gone: a close still in flight would
    # otherwise take the next notification with it (same tag), and the test would see nothing.
    for _ in range(200):
        left = page.evaluate("async () => { const all = await (await navigator.serviceWorker.ready).getNotifications();"
                             " all.forEach((n) => n.close()); return all.length; }")
        if not left:
            break
        time.sleep(0.05)
    # Two deliveries at most, 10 s each: a push handed over while a loaded machine restarts the
    # worker after a navigation can be dropped by DevTools, as a real push service would retry it.
    for _ in range(2):
        cdp.send("ServiceWorker.deliverPushMessage",
                 {"origin": server.base_url, "registrationId": registration, "data": data})
        for _ in range(200):
            shown: list[dict[str, Any]] = page.evaluate("""async () => {
                const all = await (await navigator.serviceWorker.ready).getNotifications();
                return all.map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data }));
            }""")
            if shown:
                return shown
            time.sleep(0.05)
    raise AssertionError("no notification shown")


def test_a_push_shows_a_notification_in_the_pages_language(page: Page, server: Server) -> None:
    page.context.grant_permissions(["notifications"], origin=server.base_url)
    page.goto("/driver/login")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    cdp = page.context.new_cdp_session(page)
    registration = _registration_id(cdp)

    [shown] = _push(page, server, cdp, registration, json.dumps(MESSAGE, ensure_ascii=False))
    assert (shown["title"], shown["body"], shown["tag"]) == ("排队叫号", "请到 3 号磅", "n-1")
    assert shown["data"] == {"url": "/driver/profile", "noticeId": "n-1", "kind": "queue.call"}

    page.goto("/driver/login?lang=en")  # sets the mt_lang cookie the worker reads
    [shown] = _push(page, server, cdp, registration, json.dumps(MESSAGE, ensure_ascii=False))
    assert (shown["title"], shown["body"]) == ("Your turn", "Go to weighbridge 3")
    page.goto("/driver/login?lang=zh")

    # Not JSON (a push from elsewhere): shown as text under the platform's name, never an error.
    [shown] = _push(page, server, cdp, registration, "plain words")
    assert (shown["title"], shown["body"]) == ("煤通", "plain words")
