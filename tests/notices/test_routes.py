from __future__ import annotations

import asyncio
import json
import socket

import httpx
import uvicorn
from litestar import Litestar

from backend.context import Context
from backend.db.base import utcnow
from backend.domain.notices import service as outbox
from tests.factories import make_user
from tests.notices.helpers import login, notify


async def test_devices_inbox_read_and_unread_count(ctx: Context, client: httpx.AsyncClient) -> None:
    user_id, phone = await make_user(ctx)
    other_id, other_phone = await make_user(ctx)
    headers = await login(client, phone)
    assert (await client.get("/api/notices/inbox")).status_code == 401

    response = await client.post("/api/notices/devices", json={"token": "fcm-token-12345678", "platform": "ios"},
                                 headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["platform"] == "ios"
    bad = await client.post("/api/notices/devices", json={"token": "fcm-token-12345678", "platform": "symbian"},
                            headers=headers)
    assert bad.status_code == 400

    first = await notify(ctx, user_id)
    await notify(ctx, user_id, kind="second")
    theirs = await notify(ctx, other_id)
    assert (await client.get("/api/notices/unread-count", headers=headers)).json() == {"count": 2}

    page = (await client.get("/api/notices/inbox", params={"offset": 0, "limit": 1}, headers=headers)).json()
    assert (page["total"], page["limit"], len(page["items"])) == (2, 1, 1)
    assert page["items"][0]["titleZh"] == "排队叫号" and page["items"][0]["readAt"] is None
    assert (await client.get("/api/notices/inbox", params={"limit": 500}, headers=headers)).status_code == 400

    read = await client.post(f"/api/notices/inbox/{first}/read", headers=headers)
    assert read.status_code == 200 and read.json()["readAt"] is not None
    assert (await client.get("/api/notices/unread-count", headers=headers)).json() == {"count": 1}
    # Another user's notice answers like a missing one.
    hidden = await client.post(f"/api/notices/inbox/{theirs}/read", headers=headers)
    assert hidden.status_code == 404 and hidden.json()["code"] == "not_found"
    other_headers = await login(client, other_phone)
    assert (await client.get("/api/notices/unread-count", headers=other_headers)).json() == {"count": 1}


async def test_stream_relays_delivered_inbox_notices(ctx: Context, app: Litestar) -> None:
    """Over a real socket: httpx's in-process transport buffers whole responses, a stream never ends."""
    user_id, phone = await make_user(ctx)
    # A socket already listening: the client's connection waits in its backlog until uvicorn is up.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="warning"))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            headers = await login(http, phone, ctx)
            async with http.stream("GET", "/api/notices/stream", headers=headers) as response:
                assert response.status_code == 200
                assert response.headers["content-type"].startswith("text/event-stream")
                await asyncio.sleep(0.2)  # let the handler subscribe
                notice_id = await notify(ctx, user_id)
                assert await outbox.deliver_due(ctx, now=utcnow()) == 1
                lines = response.aiter_lines()
                event = await asyncio.wait_for(anext(lines), 5)
                data = await asyncio.wait_for(anext(lines), 5)
        assert event == "event: notice"
        assert json.loads(data.removeprefix("data: "))["id"] == str(notice_id)
    finally:
        server.should_exit = True
        await serving
        sock.close()
