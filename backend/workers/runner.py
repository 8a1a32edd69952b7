"""The job runner: every registered job (backend/jobs.py) on its own interval, each run isolated.

A run that raises is logged with its traceback and recorded (backend/job_runs.py); the other jobs
go on, and the failing one waits interval × 2^failures (capped) before it tries again. A success
resets the count. The record lives in Redis, so the web process's health endpoint sees what a
separate worker process did.

`run_forever` gives each job its own task (a slow or hung job delays no other); `run_due` runs, one
after the other, the jobs whose time has come by the runner's clock (bounded runs and tests).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from backend import job_runs, jobs
from backend.context import Context
from backend.db.base import utcnow
from backend.db.unit import unit_of_work
from backend.job_runs import JobRun
from backend.jobs import Counts, Job

log = logging.getLogger("meitong.jobs")


class Runner:
    def __init__(self, ctx: Context, *, only: Sequence[Job] | None = None,
                 now: Callable[[], datetime] = utcnow) -> None:
        self.ctx = ctx
        self._only = list(only) if only is not None else None
        self.now = now
        self._runs: dict[str, JobRun] = {}

    def jobs(self) -> list[Job]:
        """The jobs this runner runs: those it was given, else every registered one (read each time,
        so a job registered after the runner was made is run too)."""
        return list(self._only) if self._only is not None else jobs.registered()

    async def _record(self, job: Job) -> JobRun:
        run = self._runs.get(job.name)
        if run is None:
            # Seeded from Redis: a restarted worker keeps counting the failures of a job still failing.
            try:
                run = await job_runs.load(self.ctx.redis, job.name)
            except Exception:
                log.warning("job record unreadable; starting afresh", extra={"job": job.name}, exc_info=True)
            run = run or JobRun(name=job.name, every_s=job.every_s)
            run.every_s = job.every_s
            self._runs[job.name] = run
        return run

    async def _save(self, run: JobRun) -> None:
        try:
            await job_runs.save(self.ctx.redis, run)
        except Exception:  # Redis away: the job itself may still have worked; only the record is lost
            log.warning("job record not saved", extra={"job": run.name}, exc_info=True)

    async def _call(self, job: Job) -> Counts | None:
        if job.own_units:
            return await job.fn(self.ctx)
        async with unit_of_work(self.ctx) as session:
            return await job.fn(session, ctx=self.ctx)

    async def run_once(self, job: Job) -> JobRun:
        """One run of one job, whatever it raises (except cancellation); returns its record."""
        run = await self._record(job)
        run.last_started_at, run.next_run_at = self.now(), None
        await self._save(run)
        started = time.perf_counter()
        try:
            counts = await self._call(job)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            run.consecutive_failures += 1
            run.last_error, run.last_error_at = job_runs.describe_error(exc), self.now()
            log.exception("job failed", extra={"job": job.name, "consecutive_failures": run.consecutive_failures})
        else:
            run.consecutive_failures = 0
            run.last_succeeded_at = self.now()
            run.last_counts = {str(k): int(v) for k, v in (counts or {}).items()}
            if any(run.last_counts.values()):
                log.info("job", extra={"job": job.name, "counts": run.last_counts})
        run.duration_ms = int((time.perf_counter() - started) * 1000)
        run.next_run_at = self.now() + timedelta(seconds=job.delay_after_failures_s(run.consecutive_failures))
        await self._save(run)
        return run

    def due(self, job: Job) -> bool:
        run = self._runs.get(job.name)
        return run is None or run.next_run_at is None or run.next_run_at <= self.now()

    async def run_due(self) -> list[str]:
        """Run every job whose time has come (each once, one after the other); returns their names."""
        ran: list[str] = []
        for job in self.jobs():
            if self.due(job):
                await self.run_once(job)
                ran.append(job.name)
        return ran

    async def _loop(self, job: Job) -> None:
        while True:
            wait_s = job.every_s
            try:
                run = await self.run_once(job)
                if run.next_run_at is not None:
                    wait_s = (run.next_run_at - self.now()).total_seconds()
            except Exception:  # the runner's own trouble (never the job's): this job's loop must live on
                log.exception("job runner step failed", extra={"job": job.name})
            await asyncio.sleep(max(0.0, wait_s))

    async def run_forever(self, stop: asyncio.Event | None = None) -> None:
        """Each job in its own task, every job starting at once; until `stop` is set or cancelled."""
        tasks = [asyncio.create_task(self._loop(job), name=f"job {job.name}") for job in self.jobs()]
        try:
            await (stop.wait() if stop is not None else asyncio.Event().wait())
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
