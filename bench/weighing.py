"""Weighing submissions per second end to end, on SQLite and on PostgreSQL, beside the peer.

Ours: a lane's signed `POST /open/v1/weighings` over a real socket to the platform (uvicorn, one
process), through the signature checks, every anti-cheating check, and the commit — for a tare
(one weighing row, the order's exit block) and for a gross (the weighing, the e-weigh ticket, the
contract's execution, the order's completion, the evidence chain entry, the driver's notice).
The peer: what a conventional weighbridge program does with a weighing — one INSERT of the same
row into a local table, committed (no checks, no ticket, no evidence) — on the same database in the
same run. Also the signed HTTP round trip alone (`GET /open/v1/ping`), the floor under ours.

Each backend gets a fresh database this script makes itself: a temporary SQLite file, and the
PostgreSQL database BENCH_PG_DB (default meitong_bench, dropped and re-created on 127.0.0.1) —
skipped with a note when PostgreSQL does not answer. The demo region is seeded into it; one truck
makes CYCLES loads (issue + dispatch untimed), each a timed tare and a timed gross. Medians of
ROUNDS rounds. Run: `python bench/weighing.py` (BENCH_CYCLES, BENCH_ROUNDS to change the sizes).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

CYCLES = int(os.environ.get("BENCH_CYCLES", "40"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
PG_DB = os.environ.get("BENCH_PG_DB", "meitong_bench")
_TMP = Path(tempfile.mkdtemp(prefix="meitong-bench-weighing-"))
os.environ["MEITONG_VAR_DIR"] = str(_TMP / "var")
os.environ["MEITONG_LOG_LEVEL"] = "WARNING"  # a line per request would be most of the work
os.environ["MEITONG_PASSWORD_HASH_TIME_COST"] = "1"  # the seed's users: hashing is not what we measure
os.environ["MEITONG_PASSWORD_HASH_MEMORY_KIB"] = "8192"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import uvicorn  # noqa: E402
from sqlalchemy import text  # noqa: E402

from backend.app import create_app  # noqa: E402
from backend.context import Context, build_context  # noqa: E402
from backend.db import migrate  # noqa: E402
from backend.demo.chain import principal  # noqa: E402
from backend.demo.lane import ensure_setup  # noqa: E402
from backend.demo.seed import SIM_DRIVER, seed_with  # noqa: E402
from backend.domain.orders import dispatch, issuing  # noqa: E402
from backend.domain.orders.schemas import OrderDispatch, OrderIssue  # noqa: E402
from backend.domain.weighing import lanes  # noqa: E402
from backend.domain.weighing.rules import SiteRules  # noqa: E402
from backend.settings import load_settings  # noqa: E402
from backend.sms import ConsoleSmsSender  # noqa: E402
from devices.lane.weighing import signed  # noqa: E402
from devices.platform_client import SignedClient  # noqa: E402

TRACE = [[t, 15_000, 1] for t in range(0, 3000, 100)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _body(order_id: uuid.UUID, kind: str, kg: int, at: datetime, secret: str) -> dict[str, object]:
    body: dict[str, object] = {
        "weighingId": str(uuid.uuid4()), "orderId": str(order_id), "kind": kind, "plateRead": SIM_DRIVER["plate"],
        "weightKg": kg, "stable": {"medianKg": kg, "minKg": kg - 20, "maxKg": kg + 20, "samples": 30, "holdS": 3.0},
        "trace": [[t, kg, c] for t, _, c in TRACE], "onScaleAt": (at - timedelta(seconds=8)).isoformat(),
        "weighedAt": at.isoformat(), "gratings": {"inBlocked": False, "outBlocked": False}, "offline": True,
    }
    return signed(body, secret)


async def _orders(ctx: Context, site_id: uuid.UUID, n: int) -> list[uuid.UUID]:
    """n loads for the sim truck, one at a time (a truck has one open order): issued here, each
    dispatched just before its tare (untimed)."""
    async with ctx.sessions() as session:
        sales = await principal(session, ctx, "13800000002")
        from backend.domain.contracts import service as contracts

        contract = (await contracts.list_contracts(session, actor=sales, role="seller", limit=1)).items[0]
        ids: list[uuid.UUID] = []
        while len(ids) < n:
            batch = await issuing.issue_orders(session, ctx=ctx, actor=sales, data=OrderIssue(
                contract_id=contract.id, site_id=site_id, planned_kg=30_000, count=min(100, n - len(ids))))
            ids += [o.id for o in batch]
    return ids


async def _dispatch(ctx: Context, order_id: uuid.UUID) -> None:
    async with ctx.sessions() as session:
        dispatcher = await principal(session, ctx, "13800000003")
        await dispatch.dispatch_order(session, ctx=ctx, actor=dispatcher, order_id=order_id,
                                      data=OrderDispatch(plate=SIM_DRIVER["plate"], driver_phone=SIM_DRIVER["phone"]))


async def _peer(ctx: Context, n: int) -> float:
    """Plain INSERT + COMMIT of the same row, n times: submissions per second."""
    async with ctx.engine.begin() as conn:
        await conn.execute(text("CREATE TABLE IF NOT EXISTS bench_plain_weighings (id VARCHAR(36) PRIMARY KEY, "
                                "plate VARCHAR(16), kind VARCHAR(8), weight_kg BIGINT, weighed_at VARCHAR(40), "
                                "trace TEXT)"))
    started = time.perf_counter()
    for i in range(n):
        async with ctx.engine.begin() as conn:
            await conn.execute(text("INSERT INTO bench_plain_weighings VALUES (:i, :p, :k, :w, :t, :tr)"), {
                "i": str(uuid.uuid4()), "p": SIM_DRIVER["plate"], "k": "tare" if i % 2 else "gross",
                "w": 15_000 + i, "t": datetime.now(UTC).isoformat(), "tr": str(TRACE)})
    return n / (time.perf_counter() - started)


async def _round(ctx: Context, lane: SignedClient, secret: str, site_id: uuid.UUID, start: datetime) -> dict[str, float]:
    order_ids = await _orders(ctx, site_id, CYCLES)
    tare_s = gross_s = 0.0
    for i, order_id in enumerate(order_ids):
        await _dispatch(ctx, order_id)
        at = start + timedelta(minutes=30 * i)
        t0 = time.perf_counter()
        r = await lane.post("/open/v1/weighings", json=_body(order_id, "tare", 15_000 + i % 7 * 20, at, secret))
        t1 = time.perf_counter()
        assert r.status_code == 200 and r.json()["accepted"], r.text
        r = await lane.post("/open/v1/weighings",
                            json=_body(order_id, "gross", 44_000 + i % 5 * 20, at + timedelta(minutes=25), secret))
        t2 = time.perf_counter()
        assert r.status_code == 200 and r.json()["ticketNo"], r.text
        tare_s, gross_s = tare_s + t1 - t0, gross_s + t2 - t1
    started = time.perf_counter()
    for _ in range(2 * CYCLES):
        assert (await lane.get("/open/v1/ping")).status_code == 200
    ping_per_s = 2 * CYCLES / (time.perf_counter() - started)
    return {"tare": CYCLES / tare_s, "gross": CYCLES / gross_s, "cycle": 2 * CYCLES / (tare_s + gross_s),
            "ping": ping_per_s, "peer": await _peer(ctx, 2 * CYCLES)}


async def _backend(database_url: str) -> dict[str, float]:
    os.environ["DATABASE_URL"] = database_url
    settings = load_settings()
    ctx = build_context(settings, sms=ConsoleSmsSender(quiet=True), isolated_redis=True)
    await seed_with(ctx)
    setup = await ensure_setup(ctx)
    async with ctx.sessions() as session:
        await lanes.set_site_rules(session, site_id=setup.site_id, rules=SiteRules(plate_only=True, min_loading_s=60))
        await session.commit()
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(ctx=ctx), host="127.0.0.1", port=port, log_config=None,
                                           access_log=False, lifespan="off"))
    serving = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn has no "listening" event)
        await asyncio.sleep(0.05)
    lane = SignedClient(f"http://127.0.0.1:{port}", setup.key_id, setup.secret)
    rounds = []
    try:
        for r in range(ROUNDS):
            start = datetime.now(UTC) - timedelta(days=28) + timedelta(days=8 * r)
            rounds.append(await _round(ctx, lane, setup.secret, setup.site_id, start))
    finally:
        await lane.aclose()
        server.should_exit = True
        await serving
        await ctx.redis.aclose()
        await ctx.engine.dispose()
    return {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}


def _fresh_pg() -> str | None:
    base = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc"]
    try:
        subprocess.run([*base, f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)'], check=True, capture_output=True)
        subprocess.run([*base, f'CREATE DATABASE "{PG_DB}"'], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"PostgreSQL skipped: {e}")
        return None
    return f"postgresql+asyncpg://postgres@127.0.0.1:5432/{PG_DB}"


def main() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    print(f"weighing submissions per second, end to end over HTTP (one lane, {CYCLES} loads x {ROUNDS} rounds, medians)")
    urls = {"SQLite": f"sqlite+aiosqlite:///{_TMP / 'bench.db'}", "PostgreSQL": _fresh_pg()}
    print(f"{'backend':<11} {'tare/s':>8} {'gross/s':>8} {'both/s':>8} {'ping/s':>8} {'INSERT/s':>9} "
          f"{'ours/INSERT':>12} {'ours/ping':>10}")
    for name, url in urls.items():
        if url is None:
            continue
        migrate.upgrade(url)  # Alembic runs its own event loop: before ours
        f = asyncio.run(_backend(url))
        print(f"{name:<11} {f['tare']:8.1f} {f['gross']:8.1f} {f['cycle']:8.1f} {f['ping']:8.1f} {f['peer']:9.1f} "
              f"{f['cycle'] / f['peer']:12.3f} {f['cycle'] / f['ping']:10.3f}")
    print("ours: a signed POST /open/v1/weighings with every check (gross: ticket, contract, order, evidence, notice);"
          "\nINSERT: the same row into a plain table, one commit each (what a local weighbridge program writes);"
          "\nping: a signed GET /open/v1/ping, the HTTP and signature floor.")


if __name__ == "__main__":
    main()
