"""The record of each periodic job's runs, kept in Redis so every process sees the same one.

The worker (a separate process) writes it; the web process reads it for GET /health/jobs. One hash,
one field per job, its value the JSON of `JobRun`. Losing it (a flushed Redis) loses only history:
the next run writes it again.

A job's state for operators:
- "ok"      its last run succeeded;
- "failing" its last run raised (it is backing off; `last_error` says why);
- "late"    its next run is overdue by more than a grace period: no worker is running it, or a run hangs;
- "never"   no run recorded yet (no worker has started since Redis was last emptied).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import msgspec
from redis.asyncio import Redis

from backend.jobs import Job, registered
from backend.structs import Out

KEY = "mt:jobs:runs"
# An overdue run is reported only past this grace: at least two minutes, or three intervals.
MIN_GRACE_S = 120.0
_ERROR_CHARS = 300
# user:password@ in a URL (a database or Redis DSN in a connection error) is never shown.
_CREDENTIALS = re.compile(r"(?<=://)[^/@\s]+@")


class JobRun(Out):
    name: str
    every_s: float
    last_started_at: datetime | None = None
    last_succeeded_at: datetime | None = None
    last_error: str | None = None  # "<type>: <first line of the message>", credentials removed
    last_error_at: datetime | None = None
    duration_ms: int | None = None  # of the last finished run
    consecutive_failures: int = 0
    next_run_at: datetime | None = None  # None while a run is in progress
    last_counts: dict[str, int] = msgspec.field(default_factory=dict)


_DECODER = msgspec.json.Decoder(JobRun)


def describe_error(exc: BaseException) -> str:
    """What an operator may read of an error: its type and the first line of its message (the SQL
    and the bound parameters that SQLAlchemy appends on later lines stay in the log only)."""
    lines = str(exc).strip().splitlines()
    first = _CREDENTIALS.sub("***@", lines[0]) if lines else ""
    text = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    return text[:_ERROR_CHARS]


async def load(redis: Redis, name: str) -> JobRun | None:
    raw = await redis.hget(KEY, name)
    return _DECODER.decode(raw) if raw else None


async def load_all(redis: Redis) -> dict[str, JobRun]:
    out: dict[str, JobRun] = {}
    for field, raw in (await redis.hgetall(KEY)).items():
        name = field.decode() if isinstance(field, bytes) else str(field)
        try:
            out[name] = _DECODER.decode(raw)
        except msgspec.DecodeError:  # written by another version of the record: shown as never run
            continue
    return out


async def save(redis: Redis, run: JobRun) -> None:
    await redis.hset(KEY, run.name, msgspec.json.encode(run))


def state(job: Job, run: JobRun | None, *, now: datetime) -> str:
    """"ok" | "failing" | "late" | "never" (see the module docstring)."""
    if run is None:
        return "never"
    due_at = run.next_run_at or run.last_started_at
    grace = timedelta(seconds=max(MIN_GRACE_S, 3 * job.every_s))
    if due_at is not None and now - due_at > grace:
        return "late"
    return "failing" if run.consecutive_failures > 0 else "ok"


class JobHealthOut(Out):
    name: str
    state: str  # ok | failing | late | never
    run: JobRun | None = None  # the whole record: platform administrators only


class JobsHealthOut(Out):
    status: str  # ok | failing (some job failing or late)
    message_zh: str
    message_en: str
    jobs: list[JobHealthOut]


async def health(redis: Redis, *, now: datetime, detailed: bool) -> JobsHealthOut:
    """Every registered job's state; with `detailed`, its record too (errors, times, counts)."""
    runs = await load_all(redis)
    out = [JobHealthOut(name=job.name, state=state(job, runs.get(job.name), now=now),
                        run=runs.get(job.name) if detailed else None) for job in registered()]
    bad = [j.name for j in out if j.state in ("failing", "late")]
    if not bad:
        return JobsHealthOut(status="ok", message_zh="全部定时任务运行正常", message_en="All jobs are running", jobs=out)
    names = ", ".join(bad)
    return JobsHealthOut(status="failing", message_zh=f"{len(bad)} 个定时任务失败或逾期：{names}",
                         message_en=f"{len(bad)} job(s) failing or overdue: {names}", jobs=out)
