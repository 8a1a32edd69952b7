"""Queue check-ins and position reads per second, beside what Redis itself does for ZADD and ZRANK.

Ours: `queue.check_in` + COMMIT + `after_commit` (SQL insert of the entry and its event, then the
version-guarded Lua ZADD and the pub/sub notice), and `queue.card` (the entry from SQL, ZRANK, the
cached service interval, the site's name). The peer: `redis-benchmark` on the same server in the
same run — ZADD (`-t zadd`) and `ZRANK mt:bench:q member` on a set as large as our queue — once
with its default 50 clients and once with 1 client: our check-ins run one at a time (one client),
card reads both ways (1 client, and 16 concurrent readers with a session each). Medians of ROUNDS interleaved rounds; bounded loops (BENCH_CHECKINS,
BENCH_READS per round).

SQL: a temporary SQLite file, or DATABASE_URL if set (its own organisation and site, deleted
afterwards). Redis: 127.0.0.1:6379 database 14 (BENCH_REDIS_URL), key prefix `mtbench`; only
the keys it made are deleted afterwards. Run: `python bench/queue_ops.py`.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

RUNS = 5
CHECKINS = int(os.environ.get("BENCH_CHECKINS", "300"))
READS = int(os.environ.get("BENCH_READS", "1000"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
PREFIX = "mtbench"
PEER_KEY = "mt:bench:q"
_TMP = Path(tempfile.mkdtemp(prefix="meitong-bench-queue-"))
os.environ.setdefault("MEITONG_VAR_DIR", str(_TMP / "var"))

from backend.checks.credit_code import make_credit_code  # noqa: E402
from backend.context import Context, build_context  # noqa: E402  (after MEITONG_VAR_DIR is set)
from backend.db import migrate  # noqa: E402
from backend.domain.identity.schemas import Principal  # noqa: E402
from backend.domain.organisations import service as organisations  # noqa: E402
from backend.domain.organisations.schemas import OrgCreate  # noqa: E402
from backend.domain.queue import service as queue  # noqa: E402
from backend.domain.queue.schemas import QueueTicket  # noqa: E402
from backend.domain.regions import service as regions  # noqa: E402
from backend.domain.sites import service as sites  # noqa: E402
from backend.domain.sites.schemas import SiteCreate  # noqa: E402
from backend.settings import load_settings  # noqa: E402

LON, LAT = 107.5, 38.2
FENCE = {"type": "Polygon", "coordinates": [[[LON, LAT], [LON + 0.007, LAT], [LON + 0.007, LAT + 0.004],
                                             [LON, LAT + 0.004], [LON, LAT]]]}
INSIDE = (LON + 0.003, LAT + 0.002)


async def _setup(ctx: Context) -> uuid.UUID:
    async with ctx.sessions() as session:
        await regions.seed(session)
        await session.commit()
    admin = Principal(user_id=uuid.uuid4(), session_id=None, name="bench", phone="13900000000",
                      is_platform_admin=True, driver_id=None, memberships=(), totp_enabled=False)
    code = make_credit_code(f"91150623MB{random.randrange(10**7):07d}")
    async with ctx.sessions() as session:
        org = await organisations.create_org(session, actor=admin, data=OrgCreate(
            name=f"基准煤矿{code[-6:]}", kind="mine", credit_code=code, region_code="150623"))
    async with ctx.sessions() as session:
        site = await sites.create_site(session, actor=admin, org_id=org.id,
                                       data=SiteCreate(name="基准储煤场", kind="mine_yard", fence=FENCE))
    return site.id


async def _cleanup(ctx: Context, site_id: uuid.UUID) -> None:
    """Only the rows and keys this run made: the database and Redis may be shared."""
    from sqlalchemy import delete, select

    import backend.db.models  # noqa: F401  (every table into the metadata)
    from backend.db.base import Base

    t = Base.metadata.tables
    entries, events, sites_t = t["queue_entries"], t["queue_events"], t["sites"]
    async with ctx.engine.begin() as conn:
        org_id = (await conn.execute(select(sites_t.c.org_id).where(sites_t.c.id == site_id))).scalar_one()
        await conn.execute(delete(events).where(events.c.entry_id.in_(
            select(entries.c.id).where(entries.c.site_id == site_id))))
        await conn.execute(delete(entries).where(entries.c.site_id == site_id))
        await conn.execute(delete(sites_t).where(sites_t.c.id == site_id))
        await conn.execute(delete(t["audit_entries"]).where(t["audit_entries"].c.entity_id.in_((str(site_id), str(org_id)))))
        await conn.execute(delete(t["organisations"]).where(t["organisations"].c.id == org_id))
    keys = [k async for k in ctx.redis.scan_iter(match=f"{PREFIX}:*")]
    await ctx.redis.delete(*keys, PEER_KEY, "myzset")


async def _check_ins(ctx: Context, site_id: uuid.UUID, n: int) -> tuple[float, list[uuid.UUID]]:
    ids = []
    start = time.perf_counter()
    for i in range(n):
        ticket = QueueTicket(order_id=uuid.uuid4(), order_no=f"B{i:010d}", site_id=site_id, line="lump_coal",
                             plate="蒙K12345", new_energy=i % 7 == 0, driver_user_id=uuid.uuid4())
        async with ctx.sessions() as session:
            await queue.check_in(session, ctx=ctx, ticket=ticket, lon=INSIDE[0], lat=INSIDE[1], accuracy_m=10.0)
            await session.commit()
        await queue.after_commit(ctx=ctx)
        ids.append(ticket.order_id)
    return n / (time.perf_counter() - start), ids


async def _reads(ctx: Context, ids: list[uuid.UUID], n: int, *, clients: int = 1) -> float:
    """Card reads by `clients` concurrent readers (each its own session), n in all."""
    async def reader(picks: list[uuid.UUID]) -> None:
        async with ctx.sessions() as session:
            for order_id in picks:
                card = await queue.card(session, ctx=ctx, order_id=order_id)
                assert card is not None and card.position is not None

    picks = [random.choice(ids) for _ in range(n)]
    start = time.perf_counter()
    await asyncio.gather(*(reader(picks[i::clients]) for i in range(clients)))
    return n / (time.perf_counter() - start)


def _peer(db: int, clients: int, *command: str) -> float:
    out = subprocess.run(["redis-benchmark", "-h", "127.0.0.1", "-p", "6379", "--dbnum", str(db), "-n", "20000",
                          "-c", str(clients), "-q", *command], capture_output=True, text=True, check=True).stdout
    rates = re.findall(r"([\d.]+) requests per second", out.replace("\r", "\n"))
    return float(rates[-1])


async def run(url: str) -> None:
    settings = load_settings(database_url=url, redis_url=REDIS_URL, log_json=False, log_level="WARNING",
                             extra={"queue_key_prefix": PREFIX})
    ctx = build_context(settings)
    db = int(REDIS_URL.rsplit("/", 1)[-1] or 0)
    site_id = await _setup(ctx)
    try:
        ids: list[uuid.UUID] = []
        ours_in, ours_read, ours_read16, zadd50, zadd1, zrank50, zrank1 = [], [], [], [], [], [], []
        for _ in range(RUNS):  # interleaved, so a noisy neighbour hurts both alike
            rate, new_ids = await _check_ins(ctx, site_id, CHECKINS)
            ids += new_ids
            ours_in.append(rate)
            ours_read.append(await _reads(ctx, ids, READS))
            ours_read16.append(await _reads(ctx, ids, READS, clients=16))
            # The peer's set is as large as our queue, and holds the member it asks for.
            await ctx.redis.zadd(PEER_KEY, {f"m{i}": i for i in range(len(ids))} | {"member": len(ids) // 2})
            zadd50.append(_peer(db, 50, "-t", "zadd"))
            zadd1.append(_peer(db, 1, "-t", "zadd"))
            zrank50.append(_peer(db, 50, "ZRANK", PEER_KEY, "member"))
            zrank1.append(_peer(db, 1, "ZRANK", PEER_KEY, "member"))
    finally:
        await _cleanup(ctx, site_id)
        await ctx.redis.aclose()
        await ctx.engine.dispose()
        shutil.rmtree(_TMP, ignore_errors=True)
    med = statistics.median
    backend = url.split("+")[0].split(":")[0]
    print(f"queue operations, median of {RUNS} rounds; SQL {backend}, Redis {REDIS_URL}; "
          f"{CHECKINS} check-ins and {READS} card reads per round, queue up to {len(ids)} trucks")
    rows = [
        ("check_in + commit + after_commit (1 client)", med(ours_in)),
        ("redis-benchmark ZADD, 50 clients", med(zadd50)),
        ("redis-benchmark ZADD, 1 client", med(zadd1)),
        ("card: position read (1 client)", med(ours_read)),
        ("card: position read (16 clients)", med(ours_read16)),
        ("redis-benchmark ZRANK, 50 clients", med(zrank50)),
        ("redis-benchmark ZRANK, 1 client", med(zrank1)),
    ]
    for label, rate in rows:
        print(f"  {label:<46} {rate:>12,.0f} /s")
    print(f"  {'ratio check-ins / ZADD (50 | 1 client)':<46} {med(ours_in) / med(zadd50):>12.4f} | "
          f"{med(ours_in) / med(zadd1):.4f}")
    print(f"  {'ratio card reads / ZRANK (16 v 50 | 1 v 1 client)':<46} {med(ours_read16) / med(zrank50):>12.4f} | "
          f"{med(ours_read) / med(zrank1):.4f}")


def main() -> None:
    url = os.environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{_TMP / 'bench.db'}"
    migrate.upgrade(url)  # Alembic runs its own event loop: before ours starts
    asyncio.run(run(url))


if __name__ == "__main__":
    main()
