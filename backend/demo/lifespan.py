"""The demo's part of the web process's lifespan: the simulated lane (when settings.demo_lane_url is
set) and, beside it, the demo trucks (when the gateway runs in-process and settings.demo_trucks > 0).
create_app enters it after the in-app jobs and gateway, so the trucks find their gateway listening."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from backend.context import Context
from backend.demo.fleet import demo_fleet
from backend.demo.lane import demo_lane


@asynccontextmanager
async def demo_lifespan(ctx: Context) -> AsyncIterator[None]:
    settings = ctx.settings
    async with contextlib.AsyncExitStack() as stack:
        fleet = None
        if settings.jt808_in_app and settings.demo_trucks > 0 and settings.demo_lane_url:
            fleet = await stack.enter_async_context(demo_fleet(ctx))
        if settings.demo_lane_url:
            await stack.enter_async_context(demo_lane(ctx, fleet=fleet))
        yield
