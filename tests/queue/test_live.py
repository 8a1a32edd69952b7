"""Server-Sent Events over a real socket (httpx's in-process transport buffers whole responses):
the driver's card is pushed again when the dispatcher calls him, the board when a truck checks in."""

from __future__ import annotations

import asyncio
import json
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import uvicorn
from litestar import Litestar

from backend.context import Context
from backend.db.unit import unit_of_work
from tests.queue import helpers as qh
from tests.queue.test_api import driver
from tests.sites import helpers as sh


@asynccontextmanager
async def serving(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{sock.getsockname()[1]}", timeout=10) as http:
            yield http
    finally:
        server.should_exit = True
        await task
        sock.close()


async def next_event(lines: AsyncIterator[str], *, timeout_s: float = 5.0) -> tuple[str, dict[str, Any]]:
    """The next named event (comments and keep-alives skipped), within `timeout_s`."""
    async def read() -> tuple[str, dict[str, Any]]:
        event, data = "", ""
        async for line in lines:
            if line.startswith("event:"):
                event = line.removeprefix("event:").strip()
            elif line.startswith("data:"):
                data += line.removeprefix("data:").strip()
            elif line == "" and event:
                return event, json.loads(data)
        raise AssertionError("stream ended")

    return await asyncio.wait_for(read(), timeout_s)


async def test_the_drivers_card_is_pushed_when_he_is_called(ctx: Context, app: Litestar) -> None:
    m = await qh.mine(ctx)
    async with serving(app) as http:
        me, headers = await driver(ctx, http)
        _, _, boss = await sh.member(ctx, http, role="dispatcher", org_id=m.org_id)
        first, mine = qh.ticket(m.site_id, await qh.driver_user(ctx)), qh.ticket(m.site_id, me)
        await qh.check_in(ctx, first)
        await qh.check_in(ctx, mine)
        hidden = await http.get(f"/api/driver/queue/{first.order_id}/events", headers=headers)
        assert hidden.status_code == 404
        async with http.stream("GET", f"/api/driver/queue/{mine.order_id}/events", headers=headers) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            lines = response.aiter_lines()
            event, card = await next_event(lines)
            assert (event, card["state"], card["position"]) == ("card", "waiting", 2)
            r = await http.post(f"/api/mine/sites/{m.site_id}/queue/call", json={"line": "lump_coal", "count": 1},
                                headers=boss)
            assert r.status_code == 200, r.text
            event, card = await next_event(lines)
            assert (card["state"], card["position"], card["ahead"]) == ("waiting", 1, 0)
            r = await http.post(f"/api/mine/sites/{m.site_id}/queue/call", json={"line": "lump_coal", "count": 1},
                                headers=boss)
            event, card = await next_event(lines)
            assert (event, card["state"], card["position"]) == ("card", "called", None)
            assert card["callDeadlineAt"] is not None


async def test_the_board_is_pushed_when_a_truck_checks_in(ctx: Context, app: Litestar) -> None:
    m = await qh.mine(ctx)
    async with serving(app) as http:
        _, _, boss = await sh.member(ctx, http, role="dispatcher", org_id=m.org_id)
        _, _, stranger = await sh.member(ctx, http, role="dispatcher")
        assert (await http.get(f"/api/mine/sites/{m.site_id}/queue/events", headers=stranger)).status_code == 404
        async with http.stream("GET", f"/api/mine/sites/{m.site_id}/queue/events", headers=boss) as response:
            assert response.status_code == 200
            lines = response.aiter_lines()
            event, board = await next_event(lines)
            assert (event, board["lines"]) == ("board", [])
            t = qh.ticket(m.site_id, await qh.driver_user(ctx), line="fine_coal")
            await qh.check_in(ctx, t)
            event, board = await next_event(lines)
            assert board["lines"][0]["line"] == "fine_coal"
            assert [w["orderId"] for w in board["lines"][0]["waiting"]] == [str(t.order_id)]
            assert uuid.UUID(board["siteId"]) == m.site_id


async def test_a_quiet_stream_sends_keep_alives_and_wakes_on_change(ctx: Context) -> None:
    m = await qh.mine(ctx)
    t = qh.ticket(m.site_id, await qh.driver_user(ctx))
    await qh.check_in(ctx, t)
    updates = qh.queue.card_updates(ctx, order_id=t.order_id, driver_user_id=t.driver_user_id, site_id=m.site_id,
                                    line=t.line, idle_s=0.3)
    try:
        first = await asyncio.wait_for(anext(updates), 5)
        assert first is not None and first.position == 1
        assert await asyncio.wait_for(anext(updates), 5) is None  # keep-alive after 0.3 s of quiet
        async with unit_of_work(ctx) as session:
            await qh.queue.leave(session, ctx=ctx, order_id=t.order_id, reason="cancelled")
            await session.commit()
        changed = await asyncio.wait_for(anext(updates), 5)
        while changed is None:  # a keep-alive may fall just before the change
            changed = await asyncio.wait_for(anext(updates), 5)
        assert (changed.state, changed.position) == ("left", None)
    finally:
        await updates.aclose()
