"""Helpers for the rate-limit tests: tighter limits on the test's app, clients from chosen addresses."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import httpx
from litestar import Litestar

from backend.context import Context
from tests.clock import TestClock


def tighten(app: Litestar, ctx: Context, **settings: object) -> Context:
    """From now on the app runs with these settings (the same database and Redis): the setup of a
    test goes through the generous defaults, the part under test through the limits it sets."""
    tight = dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, **settings))  # type: ignore[arg-type]
    app.state.ctx = tight
    return tight


@asynccontextmanager
async def client_from(app: Litestar, ip: str) -> AsyncIterator[httpx.AsyncClient]:
    """HTTP into the app from TCP peer `ip`."""
    transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as c:
        yield c


def freeze_at_window_start(clock: TestClock, window_s: int) -> None:
    """Stop the clock at the start of the next window, so a test's requests share one window."""
    now_s = clock.now_s()
    clock.freeze(datetime.fromtimestamp((int(now_s // window_s) + 1) * window_s, UTC))
