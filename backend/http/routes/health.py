"""/healthz says the process is alive; /readyz that the database and Redis answer; /health/jobs how
the periodic jobs fare.

GET /health/jobs answers 200 when every job's last run succeeded (or none has run yet), and 503 with
the same body when one is failing or overdue, so an uptime monitor can alert on the status code
alone. It is for monitors and operators, not for load balancers: a failing job is the whole
deployment's trouble, not this web process's. Anyone may ask; only a platform administrator sees
the records (errors, times, durations, counts), everyone else the names and states.
"""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Request, Response, Router, get
from sqlalchemy import text

from backend import job_runs
from backend.db.base import utcnow
from backend.domain.identity.schemas import Principal
from backend.errors import DomainError
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


@get("/health/jobs", tags=["health"])
async def jobs_health(ctx: Ctx, request: Request[Any, Any, Any]) -> Response[job_runs.JobsHealthOut]:
    user = request.scope.get("user")
    admin = isinstance(user, Principal) and user.is_platform_admin
    try:
        report = await asyncio.wait_for(job_runs.health(ctx.redis, now=utcnow(), detailed=admin), timeout=2.0)
    except Exception as exc:  # without Redis there is no record to show
        raise DomainError("jobs_unknown", "无法读取定时任务记录（Redis 无响应）",
                          "Job records cannot be read (Redis does not answer)", status=503) from exc
    return Response(report, status_code=200 if report.status == "ok" else 503)


router = Router(path="/", route_handlers=[healthz, readyz, jobs_health])
