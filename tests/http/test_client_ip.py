"""Whom to believe about the client's address (MEITONG_TRUSTED_PROXIES, backend.http.auth.client_ip):
the TCP peer, unless it is a trusted proxy; then the right-most X-Forwarded-For hop that is not."""

from __future__ import annotations

import pytest
from litestar import Litestar

from backend.context import Context
from backend.http.auth import client_ip
from backend.settings import load_settings
from tests.clock import TestClock
from tests.http.limits_helpers import client_from, freeze_at_window_start, tighten

PROXIES = ("10.0.0.0/8", "2001:db8::/32")


def scope(app: Litestar, peer: str, *forwarded: str) -> dict[str, object]:
    return {"type": "http", "client": (peer, 5000), "litestar_app": app,
            "headers": [(b"x-forwarded-for", value.encode()) for value in forwarded]}


def test_without_trusted_proxies_the_peer_is_the_client(app: Litestar, ctx: Context) -> None:
    assert ctx.settings.trusted_proxies == ()  # the default trusts no one
    assert client_ip(scope(app, "198.51.100.7", "1.2.3.4")) == "198.51.100.7"
    assert client_ip(scope(app, "10.0.0.2", "1.2.3.4")) == "10.0.0.2"


def test_forwarded_for_is_read_only_from_a_trusted_peer_and_right_to_left(app: Litestar, ctx: Context) -> None:
    tighten(app, ctx, trusted_proxies=PROXIES)
    # An untrusted peer's header is the client's own claim.
    assert client_ip(scope(app, "198.51.100.7", "10.0.0.9")) == "198.51.100.7"
    # Through one proxy: the address it saw.
    assert client_ip(scope(app, "10.0.0.2", "203.0.113.5")) == "203.0.113.5"
    # The client wrote a spoofed hop before the proxy appended the real one: the real one wins.
    assert client_ip(scope(app, "10.0.0.2", "1.2.3.4, 203.0.113.5")) == "203.0.113.5"
    # Two trusted proxies in a row (two headers count as one list): skip both.
    assert client_ip(scope(app, "10.0.0.2", "1.2.3.4, 203.0.113.5", "10.1.1.1")) == "203.0.113.5"
    assert client_ip(scope(app, "2001:db8::1", "2001:db8::7, 2001:0db8:0:0:0:0:0:99, 198.51.100.1")) == "198.51.100.1"
    # Junk where a trusted proxy's hop should be: stop at the last hop vouched for, never at the junk.
    assert client_ip(scope(app, "10.0.0.2", "203.0.113.5, not-an-ip")) == "10.0.0.2"
    # Nothing but proxies (a proxy's own health check): the farthest proxy.
    assert client_ip(scope(app, "10.0.0.2", "10.0.0.3")) == "10.0.0.3"
    assert client_ip(scope(app, "10.0.0.2")) == "10.0.0.2"


async def test_a_spoofed_header_does_not_escape_the_per_address_limit(app: Litestar, ctx: Context, clock: TestClock) -> None:
    tighten(app, ctx, trusted_proxies=PROXIES, rate_per_ip=3)
    freeze_at_window_start(clock, 60)
    async with client_from(app, "198.51.100.7") as direct, client_from(app, "10.0.0.2") as proxy:
        # Straight at the server, a rotating header changes nothing.
        statuses = [(await direct.get("/api/regions", headers={"X-Forwarded-For": f"192.0.2.{n}"})).status_code
                    for n in range(4)]
        assert statuses == [200, 200, 200, 429]
        # Through the proxy, a hop written by the client before the proxy's own changes nothing either.
        statuses = [(await proxy.get("/api/regions", headers={"X-Forwarded-For": f"192.0.2.{n}, 203.0.113.5"})).status_code
                    for n in range(4)]
        assert statuses == [200, 200, 200, 429]
        # The proxy's other clients are other addresses.
        assert (await proxy.get("/api/regions", headers={"X-Forwarded-For": "203.0.113.6"})).status_code == 200


def test_trusted_proxies_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEITONG_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.7 2001:db8::/32")
    assert load_settings().trusted_proxies == ("10.0.0.0/8", "192.168.1.7/32", "2001:db8::/32")
    monkeypatch.setenv("MEITONG_TRUSTED_PROXIES", "10.0.0.0/33")
    with pytest.raises(ValueError):
        load_settings()
