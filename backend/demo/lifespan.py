"""The demo's part of the web process's lifespan: the simulated lane (when settings.demo_lane_url is
set) and, beside it, the demo trucks (when the gateway runs in-process and settings.demo_trucks > 0).
create_app enters it after the in-app jobs and gateway, so the trucks find their gateway listening."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from backend.context import Context
from backend.demo import invoices as demo_invoices
from backend.demo.fleet import demo_fleet
from backend.demo.lane import demo_lane
from backend.domain.waybills.events import WaybillClosed
from backend.events import subscribe


@asynccontextmanager
async def demo_lifespan(ctx: Context) -> AsyncIterator[None]:
    settings = ctx.settings
    # The first demo load to reach the plant gets the carrier's clean freight invoice (once).
    subscribe(WaybillClosed, demo_invoices.on_waybill_closed, when="after_commit")
    async with contextlib.AsyncExitStack() as stack:
        fleet = None
        if settings.jt808_in_app and settings.demo_trucks > 0 and settings.demo_lane_url:
            fleet = await stack.enter_async_context(demo_fleet(ctx))
        if settings.demo_lane_url:
            await stack.enter_async_context(demo_lane(ctx, fleet=fleet))
        yield
