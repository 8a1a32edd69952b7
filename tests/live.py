"""A real server in a subprocess, as `make run` starts it: for fuzzing and browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(
    *, var_dir: Path, env: dict[str, str] | None = None, unset: tuple[str, ...] = (), seed: bool = True,
    demo_lane: bool = False,
) -> Iterator[str]:
    """Migrate (and seed) then serve on a free loopback port; yields the base URL.
    `unset` drops variables of this process's environment (e.g. DATABASE_URL for the embedded default).
    `demo_lane`: run `make run`'s simulated weighbridge lane too (off by default: its truck would
    join the demo site's queue beside a test's own)."""
    port = free_port()
    full_env = {**os.environ, "MEITONG_VAR_DIR": str(var_dir), "MEITONG_LOG_JSON": "1",
                **({} if demo_lane else {"MEITONG_DEMO_LANE_URL": ""}), **(env or {})}
    for name in unset:
        full_env.pop(name, None)
    command = "run" if seed else "serve"
    log = (var_dir / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", command, "--host", "127.0.0.1", "--port", str(port)],
        env=full_env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {(var_dir / 'server.log').read_text()[-3000:]}")
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError("server did not become ready in 60 s")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
