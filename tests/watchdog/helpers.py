"""Devices reporting on the test's clock, and the watchdog's registered job run as the runner does."""

from __future__ import annotations

import json
from typing import Any

import httpx
from litestar import Litestar

from backend import clock as backend_clock
from backend import jobs
from backend.context import Context
from backend.db.unit import unit_of_work
from devices.signing import signed_headers
from tests.orders import pass_helpers as ph


async def signed_post(app: Litestar, key: ph.Key, path: str, body: dict[str, Any]) -> httpx.Response:
    """A device's signed call stamped with the test's clock (a device's own clock moves with the
    world's: the tests move it by hours, beyond the signature's allowed skew of the system time)."""
    raw = json.dumps(body, ensure_ascii=False).encode()
    headers = signed_headers(key_id=key.key_id, secret=key.secret, method="POST", path=path, body=raw,
                             timestamp_s=int(backend_clock.now_s()))
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50001))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as c:
        return await c.post(path, content=raw, headers={**headers, "Content-Type": "application/json"})


async def beat(app: Litestar, key: ph.Key, device_code: str) -> None:
    r = await signed_post(app, key, "/open/v1/devices/heartbeat", {"deviceCode": device_code, "status": {"ok": True}})
    assert r.status_code == 200, r.text


async def sweep(ctx: Context) -> dict[str, int]:
    """One run of the registered job `watchdog.sweep` in its own committed unit, as the runner does."""
    return await run_job(ctx, "watchdog.sweep")


async def run_job(ctx: Context, name: str) -> dict[str, int]:
    """One run of a registered job in its own committed unit, as the runner does; its counts."""
    job = jobs.get(name)
    assert job is not None, name
    async with unit_of_work(ctx) as session:
        counts = await job.fn(session, ctx=ctx)
        await session.commit()
    assert counts is not None
    return dict(counts)


async def device_codes(client: httpx.AsyncClient, headers: dict[str, str], site_id: Any) -> dict[str, str]:
    """kind -> code of the site's devices."""
    r = await client.get(f"/api/enterprise/sites/{site_id}", headers=headers)
    assert r.status_code == 200, r.text
    return {d["kind"]: d["code"] for d in r.json()["devices"]}
