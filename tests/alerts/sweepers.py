"""Worker processes sweeping at the same instant: real OS processes, each running
`meitong jobs run <job> --at <instant>` (backend/cli.py) on the test's database, released together.

Each process first loads the app (the slow part: imports, the features' jobs), says it is ready and
waits for a go-file; the test creates it once every process is ready, so the sweeps themselves start
within milliseconds of each other and contend for the same rows. `run_together` starts fresh
processes for one sweep (a restarted worker); a `Pool` keeps its processes for many sweeps, each
released by its own go-file carrying the instant (about two seconds of start-up saved per sweep).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from backend.context import Context

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT_S = 120.0

# argv: ready-file go-file meitong-args...
_SCRIPT = """
import os, sys, time
from backend import features
import backend.cli, backend.context, backend.workers.runner
features.load()
ready, go = sys.argv[1], sys.argv[2]
open(ready, "w").close()
deadline = time.monotonic() + 120
while not os.path.exists(go):
    if time.monotonic() > deadline:
        sys.exit("never released")
    time.sleep(0.002)
backend.cli.main(sys.argv[3:])
"""


# argv: directory index job. Sweeps on go-<n> (its text: the instant) until a file "stop" appears.
_LOOP = """
import contextlib, io, json, os, sys, time
from backend import features
import backend.cli, backend.context, backend.workers.runner
features.load()
tmp, index, job = sys.argv[1], sys.argv[2], sys.argv[3]
open(os.path.join(tmp, f"ready-{index}"), "w").close()
n = 1
while True:
    go = os.path.join(tmp, f"go-{n}")
    while not os.path.exists(go):
        if os.path.exists(os.path.join(tmp, "stop")):
            sys.exit(0)
        time.sleep(0.002)
    with open(go) as f:
        at = f.read().strip()
    out, code = io.StringIO(), 0
    with contextlib.redirect_stdout(out):
        try:
            backend.cli.main(["jobs", "run", job, "--at", at])
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
    done = os.path.join(tmp, f"done-{n}-{index}")
    with open(done + ".tmp", "w") as f:
        json.dump({"code": code, "out": out.getvalue()}, f)
    os.replace(done + ".tmp", done)
    n += 1
"""


@dataclass(frozen=True)
class Sweep:
    counts: list[dict[str, int]]  # each process's job counts

    def total(self, key: str) -> int:
        return sum(c.get(key, 0) for c in self.counts)


def _env(ctx: Context) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DATABASE_URL=ctx.settings.database_url, REDIS_URL=ctx.settings.redis_url, MEITONG_LOG_LEVEL="WARNING",
               PYTHONPATH=str(ROOT))
    return env


def run_together(ctx: Context, *, job: str, at: datetime, processes: int = 2) -> Sweep:
    """`processes` workers run `job` once each at the fixed instant `at`, released at the same moment;
    every one must succeed (exit 0: the job did not fail). Returns what each reported."""
    with tempfile.TemporaryDirectory(prefix="meitong-sweep-") as tmp:
        go = Path(tmp) / "go"
        readies = [Path(tmp) / f"ready-{i}" for i in range(processes)]
        procs = [subprocess.Popen([sys.executable, "-c", _SCRIPT, str(ready), str(go), "jobs", "run", job,
                                   "--at", at.isoformat()], cwd=ROOT, env=_env(ctx), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for ready in readies]
        try:
            deadline = time.monotonic() + READY_TIMEOUT_S
            while not all(r.exists() for r in readies):
                if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                    raise AssertionError("a sweeper did not get ready: " + " | ".join(
                        p.communicate(timeout=5)[1][-2000:] for p in procs if p.poll() is not None))
                time.sleep(0.01)
            go.touch()
            outs = [p.communicate(timeout=READY_TIMEOUT_S) for p in procs]
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
    return Sweep(counts=[_counts(job, p.returncode, out, err) for p, (out, err) in zip(procs, outs, strict=True)])


def _counts(job: str, code: int | None, out: str, err: str = "") -> dict[str, int]:
    assert code == 0, f"sweeper exit {code}:\n{out}\n{err[-3000:]}"
    [line] = [json.loads(x) for x in out.splitlines() if x.startswith("{")]
    assert line["job"] == job and line["error"] is None, line
    counts: dict[str, int] = line["counts"]
    return counts


class Pool:
    """`processes` long-lived workers of `job`; `sweep(at)` releases them all at once at instant `at`."""

    def __init__(self, ctx: Context, *, job: str, processes: int = 2) -> None:
        self.ctx, self.job, self.processes = ctx, job, processes
        self._tmp = tempfile.TemporaryDirectory(prefix="meitong-pool-")
        self.dir = Path(self._tmp.name)
        self._round = 0
        self._procs: list[subprocess.Popen[str]] = []
        self._errs: list[IO[str]] = []

    def __enter__(self) -> Pool:
        # Their output to files: a pipe nobody reads until the end could fill and stall a worker.
        self._errs = [(self.dir / f"err-{i}").open("w") for i in range(self.processes)]
        self._procs = [subprocess.Popen([sys.executable, "-c", _LOOP, str(self.dir), str(i), self.job], cwd=ROOT,
                                        env=_env(self.ctx), stdout=subprocess.DEVNULL, stderr=err, text=True)
                       for i, err in enumerate(self._errs)]
        self._wait([self.dir / f"ready-{i}" for i in range(self.processes)])
        return self

    def _wait(self, files: list[Path]) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not all(f.exists() for f in files):
            if any(p.poll() is not None for p in self._procs) or time.monotonic() > deadline:
                raise AssertionError("a pooled sweeper died or hung:\n" + "\n".join(
                    f.read_text()[-3000:] for f in sorted(self.dir.glob("err-*"))))
            time.sleep(0.005)

    def sweep(self, at: datetime) -> Sweep:
        self._round += 1
        go = self.dir / f"go-{self._round}"
        (self.dir / "go.tmp").write_text(at.isoformat())
        os.replace(self.dir / "go.tmp", go)  # whole, at once: every worker reads the same instant
        done = [self.dir / f"done-{self._round}-{i}" for i in range(self.processes)]
        self._wait(done)
        results = [json.loads(f.read_text()) for f in done]
        return Sweep(counts=[_counts(self.job, r["code"], r["out"]) for r in results])

    def __exit__(self, *_: object) -> None:
        (self.dir / "stop").touch()
        for p in self._procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for err in self._errs:
            err.close()
        self._tmp.cleanup()
