"""Alerts (issue 13, point 9) on PostgreSQL: raises per second through the service, and the escalation
sweep's time over 100,000 open alerts, each beside what one would write instead, same server, same run.

(1) Raises. Ours: `alerts.raise_alert` + COMMIT, one alert per transaction as a refused weighing raises
it — the duplicate lookup, the region's routing, the alert, its timeline step and its notices (a red
alert by default routing: the mine's two handlers, the district's and the city's regulators, each by
inbox and SMS, so 4 notices and 8 outbox rows per alert). Once with a distinct subject (plate) per
raise, once with every raise a duplicate of one live alert (counted on it: no insert, no notice).
The peer: a plain INSERT of the same row into a table without indexes, checks or notices, one commit
each. Medians of ROUNDS interleaved rounds of RAISES raises.

(2) The sweep. 100,000 live alerts (open and acknowledged) of which DUE have passed their deadline;
ours: `escalation.sweep` escalating those DUE (steps, notices), rolled back after each run so every run
sees the same table; its read alone (the partial index ix_alerts_live_due, plan shown). The peer: the
same read with index scans switched off (enable_indexscan, enable_bitmapscan = off), i.e. the
sequential scan a table without that index gets. Medians of SWEEPS runs.

Database: DATABASE_URL's server (default postgresql+asyncpg://postgres@127.0.0.1:5432/bench_alerts),
always in its own database BENCH_PG_DB (default bench_alerts) dropped and re-created here, dropped
again at the end (BENCH_KEEP=1 keeps it). Run: `python bench/alerts.py`; BENCH_RAISES, BENCH_ROUNDS,
BENCH_LIVE, BENCH_DUE, BENCH_SWEEPS change the sizes.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

RAISES = int(os.environ.get("BENCH_RAISES", "100"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
LIVE = int(os.environ.get("BENCH_LIVE", "100000"))
DUE = int(os.environ.get("BENCH_DUE", "20"))
SWEEPS = int(os.environ.get("BENCH_SWEEPS", "7"))
PG_DB = os.environ.get("BENCH_PG_DB", "bench_alerts")
DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/bench_alerts"
_TMP = Path(tempfile.mkdtemp(prefix="meitong-bench-alerts-"))
os.environ["MEITONG_VAR_DIR"] = str(_TMP / "var")
os.environ["MEITONG_LOG_LEVEL"] = "WARNING"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from backend.checks.credit_code import make_credit_code  # noqa: E402
from backend.context import Context, build_context  # noqa: E402
from backend.db import migrate  # noqa: E402
from backend.db.session import create_engine  # noqa: E402
from backend.domain.alerts import escalation  # noqa: E402
from backend.domain.alerts import service as alerts  # noqa: E402
from backend.domain.alerts.schemas import AlertRaise  # noqa: E402
from backend.domain.identity import service as identity  # noqa: E402
from backend.domain.identity.schemas import Principal  # noqa: E402
from backend.domain.organisations import service as organisations  # noqa: E402
from backend.domain.organisations.schemas import OrgCreate  # noqa: E402
from backend.domain.regions import service as regions  # noqa: E402
from backend.settings import load_settings  # noqa: E402
from backend.sms import ConsoleSmsSender  # noqa: E402

DISTRICT = "150623"
ADMIN = Principal(user_id=uuid.uuid4(), session_id=None, name="bench", phone="13900000000", is_platform_admin=True,
                  driver_id=None, memberships=(), totp_enabled=False)
# The sweep's read (escalation.due_query) in SQL, for its plan.
SWEEP_READ = ("SELECT id, escalation, status FROM alerts WHERE status <> 'closed' AND due_at <= :now "
              "AND escalation < 2 ORDER BY due_at LIMIT 500")
PLAIN = ("CREATE TABLE bench_plain_alerts (id uuid PRIMARY KEY, kind varchar(32), grade varchar(8), org_id uuid, "
         "site_id uuid, region_code varchar(6), plate varchar(16), ref varchar(64), message_zh varchar(300), "
         "message_en varchar(300), details jsonb, status varchar(12), raised_at timestamptz, due_at timestamptz)")


def _urls() -> tuple[str, str]:
    """(the server's maintenance database, the bench's own database) on DATABASE_URL's server."""
    url = make_url(os.environ.get("DATABASE_URL") or DEFAULT_URL)
    if not url.drivername.startswith("postgresql"):
        raise SystemExit("bench/alerts.py runs on PostgreSQL: set DATABASE_URL=postgresql+asyncpg://…")
    return (url.set(database="postgres").render_as_string(hide_password=False),
            url.set(database=PG_DB).render_as_string(hide_password=False))


async def _admin_sql(admin_url: str, *statements: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            for statement in statements:
                await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def _people(ctx: Context) -> uuid.UUID:
    """A mine in the district with an admin and a dispatcher (the handlers), and a regulator each for
    the district and its city; returns the mine."""
    async with ctx.sessions() as session:
        await regions.seed(session)
        await session.commit()
    orgs: dict[str, uuid.UUID] = {}
    async with ctx.sessions() as session:
        for name, kind, region in (("mine", "mine", DISTRICT), ("district", "regulator", DISTRICT),
                                   ("city", "regulator", "150600")):
            code = make_credit_code(f"91{region}MB{abs(hash(name)) % 10**7:07d}")
            org = await organisations.create_org(session, actor=ADMIN, data=OrgCreate(
                name=f"基准{name}", kind=kind, credit_code=code, region_code=region))  # type: ignore[arg-type]
            orgs[name] = org.id
        for i, (org, role) in enumerate((("mine", "enterprise_admin"), ("mine", "dispatcher"),
                                         ("district", "regulator"), ("city", "regulator"))):
            user_id = await identity.create_user(session, phone=f"1390000{i:04d}", name=f"基准{role}", password=None)
            await identity.add_membership(session, user_id=user_id, org_id=orgs[org], role=role)
        await session.commit()
    return orgs["mine"]


def _raise_data(mine: uuid.UUID, plate: str, i: int) -> AlertRaise:
    return AlertRaise(kind="weight_jump", org_id=mine, site_id=None, region_code=DISTRICT, ref=f"weighing:bench{i}",
                      plate=plate, message_zh=f"1号磅道 {plate}：称重数据跳变", message_en=f"Lane 1 {plate}: weight jump",
                      details={"settledKg": 40_000, "jumpedKg": 45_000})


async def _raises(ctx: Context, mine: uuid.UUID, n: int, *, duplicate: bool, start: int) -> float:
    started = time.perf_counter()
    for i in range(start, start + n):
        plate = "蒙K00000" if duplicate else f"蒙K{i:05d}"
        async with ctx.sessions() as session:
            await alerts.raise_alert(session, data=_raise_data(mine, plate, i))
            await session.commit()
    return n / (time.perf_counter() - started)


async def _plain(ctx: Context, mine: uuid.UUID, n: int, start: int) -> float:
    started = time.perf_counter()
    for i in range(start, start + n):
        d = _raise_data(mine, f"蒙K{i:05d}", i)
        async with ctx.engine.begin() as conn:
            await conn.execute(text(
                "INSERT INTO bench_plain_alerts VALUES (:id, :kind, 'red', :org, NULL, :region, :plate, :ref, :zh, :en, "
                "CAST(:details AS jsonb), 'open', :at, :due)"), {
                "id": uuid.uuid4(), "kind": d.kind, "org": mine, "region": d.region_code, "plate": d.plate, "ref": d.ref,
                "zh": d.message_zh, "en": d.message_en, "details": '{"settledKg": 40000, "jumpedKg": 45000}',
                "at": datetime.now(UTC), "due": datetime.now(UTC) + timedelta(minutes=15)})
    return n / (time.perf_counter() - started)


async def _fill(ctx: Context, mine: uuid.UUID, now: datetime) -> None:
    """LIVE live alerts in one statement: open or acknowledged, deadlines spread over the next 30 days
    but DUE of them already passed; plus as many closed ones (the history the partial index skips)."""
    columns = ("id, kind, grade, org_id, site_id, region_code, plate, order_no, ref, message_zh, message_en, details, "
               "status, outcome, driver_user_id, raised_at, reach, escalation, due_at, ack_due_at, close_due_at, "
               "acked_at, acked_by, disposed_at, closed_at, dedupe_key, count, last_seen_at, updated_at")
    select = ("SELECT gen_random_uuid(), 'weight_jump', 'red', :org, NULL, '150623', 'B' || g, NULL, 'bench:' || g, "
              "'基准告警', 'bench alert', '{{}}'::jsonb, {status}, {outcome}, NULL, :now - interval '1 hour', 'city', 0, "
              "{due}, :now, :now, NULL, NULL, NULL, {closed}, NULL, 1, :now, :now FROM generate_series(1, :n) AS g")
    live = select.format(status="CASE WHEN g % 3 = 0 THEN 'acknowledged' ELSE 'open' END", outcome="NULL",
                         due=f"CASE WHEN g <= {DUE} THEN :now - interval '1 minute' * g "
                             "ELSE :now + interval '1 minute' * (1 + g % 43200) END", closed="NULL")
    closed = select.format(status="'closed'", outcome="'resolved'", due=":now - interval '1 minute' * g",
                           closed=":now")
    live, closed = (q.replace(":now", "CAST(:now AS timestamptz)").replace(":org", "CAST(:org AS uuid)")
                    for q in (live, closed))
    async with ctx.engine.begin() as conn:
        await conn.execute(text(f"INSERT INTO alerts ({columns}) {live}"), {"org": mine, "now": now, "n": LIVE})
        await conn.execute(text(f"INSERT INTO alerts ({columns}) {closed}"), {"org": mine, "now": now, "n": LIVE})
        await conn.execute(text("ANALYZE alerts"))


async def _timed_read(ctx: Context, now: datetime, *, seq: bool) -> tuple[float, int]:
    """The sweep's own read (escalation.due_query, bound parameters as the sweep sends them)."""
    async with ctx.engine.connect() as conn:
        if seq:
            await conn.execute(text("SET LOCAL enable_indexscan = off"))
            await conn.execute(text("SET LOCAL enable_bitmapscan = off"))
        started = time.perf_counter()
        rows = (await conn.execute(escalation.due_query(now=now))).all()
        took = time.perf_counter() - started
        await conn.rollback()
    return took, len(rows)


async def _plan(ctx: Context, now: datetime, *, seq: bool) -> list[str]:
    async with ctx.engine.connect() as conn:
        if seq:
            await conn.execute(text("SET LOCAL enable_indexscan = off"))
            await conn.execute(text("SET LOCAL enable_bitmapscan = off"))
        plan = [r[0] for r in await conn.execute(text(f"EXPLAIN (ANALYZE, COSTS OFF) {SWEEP_READ}"), {"now": now})]
        await conn.rollback()
    return plan


async def _sweep(ctx: Context, now: datetime) -> tuple[float, int]:
    async with ctx.sessions() as session:
        started = time.perf_counter()
        done = await escalation.sweep(session, now=now)
        await session.flush()
        took = time.perf_counter() - started
        await session.rollback()  # the same table for the next run
    return took, done


async def run(url: str) -> None:
    settings = load_settings(database_url=url, redis_url="memory://", log_json=False, log_level="WARNING")
    ctx = build_context(settings, sms=ConsoleSmsSender(quiet=True), isolated_redis=True)
    med = statistics.median
    try:
        mine = await _people(ctx)
        async with ctx.engine.begin() as conn:
            await conn.execute(text(PLAIN))
        distinct, dupes, plain = [], [], []
        for r in range(ROUNDS):  # interleaved, so a noisy neighbour hurts each alike
            distinct.append(await _raises(ctx, mine, RAISES, duplicate=False, start=r * RAISES))
            dupes.append(await _raises(ctx, mine, RAISES, duplicate=True, start=r * RAISES))
            plain.append(await _plain(ctx, mine, RAISES, start=r * RAISES))
        async with ctx.engine.connect() as conn:
            counts = (await conn.execute(text(
                "SELECT (SELECT count(*) FROM alerts), (SELECT count(*) FROM notices), "
                "(SELECT count(*) FROM notice_deliveries), (SELECT max(count) FROM alerts)"))).one()
        print(f"alerts raised per second on PostgreSQL, one per transaction, median of {ROUNDS} rounds of {RAISES}")
        print(f"  {'raise_alert, distinct subjects (red: 4 notices, 8 outbox rows)':<66} {med(distinct):>9,.0f} /s")
        print(f"  {'raise_alert, duplicates of one live alert (counted on it)':<66} {med(dupes):>9,.0f} /s")
        print(f"  {'plain INSERT of the same row, no index or check':<66} {med(plain):>9,.0f} /s")
        print(f"  {'ratio ours / INSERT (distinct | duplicates)':<66} {med(distinct) / med(plain):>9.3f} | "
              f"{med(dupes) / med(plain):.3f}")
        print(f"  (made {counts[0]:,} alerts, {counts[1]:,} notices, {counts[2]:,} outbox rows; the duplicated one "
              f"counts {counts[3]:,})")

        # The sweep: only the filled table (the raises above are closed away so they do not count as due).
        async with ctx.engine.begin() as conn:
            await conn.execute(text("UPDATE alerts SET status = 'closed', outcome = 'resolved', dedupe_key = NULL"))
        now = datetime.now(UTC)
        started = time.perf_counter()
        await _fill(ctx, mine, now)
        fill_s = time.perf_counter() - started
        sweeps, reads, seqs = [], [], []
        for _ in range(SWEEPS):
            took, done = await _sweep(ctx, now)
            assert done == DUE, done
            sweeps.append(took)
            took, n = await _timed_read(ctx, now, seq=False)
            assert n == DUE, n
            reads.append(took)
            took, n = await _timed_read(ctx, now, seq=True)
            assert n == DUE, n
            seqs.append(took)
        plan, seq_plan = await _plan(ctx, now, seq=False), await _plan(ctx, now, seq=True)
        assert any("ix_alerts_live_due" in line for line in plan), plan
        print(f"\nescalation sweep over {LIVE:,} live alerts ({DUE} due) and {LIVE:,} closed ones "
              f"(filled in {fill_s:.1f} s), median of {SWEEPS} runs")
        print(f"  {f'escalation.sweep: read + {DUE} escalations (steps, notices)':<66} {med(sweeps) * 1000:>9.1f} ms")
        print(f"  {'its read alone (partial index ix_alerts_live_due)':<66} {med(reads) * 1000:>9.2f} ms")
        print(f"  {'the same read as a sequential scan (index scans off)':<66} {med(seqs) * 1000:>9.2f} ms")
        print(f"  {'ratio sequential scan / indexed read':<66} {med(seqs) / med(reads):>9.0f} x")
        print("  plan (indexed):    " + "\n                     ".join(plan))
        print("  plan (seq scan):   " + "\n                     ".join(seq_plan))
    finally:
        await ctx.redis.aclose()
        await ctx.engine.dispose()


def main() -> None:
    admin_url, url = _urls()
    asyncio.run(_admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)', f'CREATE DATABASE "{PG_DB}"'))
    try:
        migrate.upgrade(url)  # Alembic runs its own event loop: before ours
        asyncio.run(run(url))
    finally:
        if os.environ.get("BENCH_KEEP") != "1":
            asyncio.run(_admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
