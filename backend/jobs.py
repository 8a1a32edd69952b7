"""Periodic jobs: what each feature declares it must do now and then, and the registry of them.

How a feature declares a job: beside its service, in `backend/domain/<feature>/jobs.py` (which
`backend.features.load()` imports at start-up), decorate an async function:

    from backend import jobs

    @jobs.job("orders.expire", every_s=60)
    async def expire(session: AsyncSession, *, ctx: Context) -> jobs.Counts:
        return {"expired": await lifecycle.expire_orders(session, ctx=ctx)}

- The name is "<feature>.<what>", unique; it names the job in the log and at GET /health/jobs.
- By default the runner owns the transaction: it opens a unit of work (backend/db/unit.py), passes
  its session and the context, and commits after the function returns (rolls back if it raises).
  The function only flushes, like any service.
- A job that needs several transactions (claim, send, mark; one per item) declares
  `own_units=True`, receives only `ctx` and opens its own `unit_of_work(ctx)` blocks.
- It may return a small dict of counts ({"expired": 3}); the runner logs it and keeps it with the
  job's record. Return None when there is nothing worth saying.
- It must be idempotent and safe in several worker processes at once (conditional UPDATEs, claimed
  rows): a deployment may run more than one worker, and a run may be retried after a crash.

The runner (backend/workers/runner.py, used by `meitong worker` and by `make run`'s in-process jobs)
runs each job on its own interval, isolated from the others; a job that keeps failing backs off
(interval × 2^failures, at most `MAX_BACKOFF_S`) until it succeeds again. Each run is recorded in
Redis (backend/job_runs.py), which is what the health endpoint shows.

Tests register their own jobs with `register(...)` and take them away with `unregister(name)`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, overload

if TYPE_CHECKING:
    from backend.context import Context

__all__ = ["MAX_BACKOFF_S", "Counts", "Job", "get", "job", "register", "registered", "unregister"]

Counts = dict[str, int]
# A failing job waits interval × 2^failures before its next try, never longer than this.
MAX_BACKOFF_S = 600.0

UnitJobFn = Callable[..., Awaitable[Counts | None]]  # (session, *, ctx) -> counts
OwnUnitsJobFn = Callable[["Context"], Awaitable[Counts | None]]  # (ctx) -> counts

_NAME = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_.]*$")


@dataclass(frozen=True, kw_only=True)
class Job:
    name: str
    every_s: float
    fn: Callable[..., Awaitable[Counts | None]]
    own_units: bool = False

    def delay_after_failures_s(self, failures: int) -> float:
        """Seconds to the next run: the interval, doubled per consecutive failure, capped."""
        if failures <= 0:
            return self.every_s
        return max(self.every_s, min(self.every_s * 2.0 ** failures, MAX_BACKOFF_S))


_REGISTRY: dict[str, Job] = {}


def register(name: str, fn: Callable[..., Awaitable[Counts | None]], *, every_s: float,
             own_units: bool = False) -> Job:
    """Add a job. The same function under the same name again is a no-op (a module imported twice);
    another function under a taken name is a mistake and raises."""
    if not _NAME.match(name):
        raise ValueError(f"job name {name!r} must read '<feature>.<what>' in lower case")
    if every_s <= 0:
        raise ValueError(f"job {name!r}: every_s must be positive")
    new = Job(name=name, every_s=float(every_s), fn=fn, own_units=own_units)
    old = _REGISTRY.get(name)
    if old is not None and old != new:
        raise ValueError(f"job {name!r} is already registered by {old.fn.__module__}")
    _REGISTRY[name] = new
    return new


def unregister(name: str) -> None:
    """Remove a job (tests clean up the ones they added); an unknown name is ignored."""
    _REGISTRY.pop(name, None)


def registered() -> list[Job]:
    """Every registered job, by name."""
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


def get(name: str) -> Job | None:
    return _REGISTRY.get(name)


@overload
def job(name: str, *, every_s: float, own_units: Literal[False] = False) -> Callable[[UnitJobFn], UnitJobFn]: ...
@overload
def job(name: str, *, every_s: float, own_units: Literal[True]) -> Callable[[OwnUnitsJobFn], OwnUnitsJobFn]: ...


def job(name: str, *, every_s: float, own_units: bool = False) -> Callable[[Any], Any]:
    """Decorator form of `register` (see the module docstring for the two signatures)."""

    def decorate(fn: Any) -> Any:
        register(name, fn, every_s=every_s, own_units=own_units)
        return fn

    return decorate
