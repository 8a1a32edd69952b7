"""/healthz says the process is alive; /readyz that the database and Redis answer."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Response, Router, get
from sqlalchemy import text

from backend.http.deps import Ctx


@get("/healthz", sync_to_thread=False, include_in_schema=True, tags=["health"])
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@get("/readyz", tags=["health"])
async def readyz(ctx: Ctx) -> Response[dict[str, Any]]:
    checks: dict[str, str] = {}

    async def database() -> None:
        async with ctx.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def redis() -> None:
        await ctx.redis.ping()

    for name, probe in (("database", database), ("redis", redis)):
        try:
            await asyncio.wait_for(probe(), timeout=2.0)
            checks[name] = "ok"
        except Exception as exc:  # a probe's failure is the answer, not an error
            checks[name] = f"fail: {type(exc).__name__}"
    ready = all(v == "ok" for v in checks.values())
    return Response({"status": "ready" if ready else "not_ready", "checks": checks}, status_code=200 if ready else 503)


router = Router(path="/", route_handlers=[healthz, readyz])
