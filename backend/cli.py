"""`meitong` command: db upgrade, seed, serve, run (all of it), worker, jobs (list, or run some once),
jt808 (the gateway), evidence verify (the chain) and verify-pack (an alert's evidence pack),
gps-dead-letters (the GPS stream's poison entries)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
from datetime import datetime
from typing import Any

from backend import clock
from backend.settings import load_settings


def _db(args: argparse.Namespace) -> None:
    from backend.db import migrate

    url = load_settings().database_url
    if args.action == "upgrade":
        migrate.upgrade(url)
        print("database at head")
    elif args.action == "check":
        migrate.check(url)
        print("models and migrations agree")
    elif args.action == "revision":
        migrate.revision(url, args.message)


def _seed(_: argparse.Namespace) -> None:
    from backend.demo.seed import seed_demo

    report = asyncio.run(seed_demo(load_settings()))
    print(report.summary())


def _totp(args: argparse.Namespace) -> None:
    """The current TOTP code of a demo account (its secret is published in backend/demo/seed.py)."""
    import pyotp

    from backend.demo.seed import DEMO_TOTP

    secret = DEMO_TOTP.get(args.phone)
    if secret is None:
        raise SystemExit(f"{args.phone} is not a demo account with TOTP; demo accounts: {', '.join(DEMO_TOTP)}")
    totp = pyotp.TOTP(secret)
    left_s = totp.interval - int(time.time()) % totp.interval
    print(f"{totp.now()}   (valid {left_s} s more; secret {secret})")


def _serve(args: argparse.Namespace, *, app: str = "backend.asgi:app") -> None:
    import uvicorn

    settings = load_settings()
    workers = args.workers if not settings.redis_url.startswith("memory://") else 1
    uvicorn.run(app, host=args.host, port=args.port, workers=workers, **UVICORN_OPTIONS)


# uvicorn must leave the client address alone (its proxy_headers would believe X-Forwarded-For from
# any FORWARDED_ALLOW_IPS peer, "*" included): the app alone decides whom to believe
# (MEITONG_TRUSTED_PROXIES, backend.http.auth.client_ip). Logging is ours (backend.http.logs).
UVICORN_OPTIONS: dict[str, Any] = {"proxy_headers": False, "log_config": None, "access_log": False}


def _run(args: argparse.Namespace) -> None:
    """Everything a newcomer needs on embedded defaults: migrate, seed, print the tour, serve with the
    demo switched on (backend.demo.asgi: the simulated lane and trucks beside the platform)."""
    from backend.db import migrate
    from backend.demo.seed import seed_demo

    settings = load_settings()
    if settings.redis_url.startswith("memory://"):
        os.environ.setdefault("MEITONG_IN_APP_JOBS", "1")  # no separate worker can reach in-process Redis
    migrate.upgrade(settings.database_url)
    report = asyncio.run(seed_demo(settings))
    base = f"http://{args.host}:{args.port}"
    local = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    os.environ.setdefault("MEITONG_PUBLIC_URL", f"http://{local}:{args.port}")  # where a ticket's QR points
    # One simulated weighbridge lane at the demo mine, calling this server like a real lane would.
    # One web process only: each worker would otherwise run its own copy of the lane.
    if settings.redis_url.startswith("memory://") or args.workers == 1:
        os.environ.setdefault("MEITONG_DEMO_LANE_URL", f"http://{local}:{args.port}")
    # Beside the lane, demo trucks with JT/T 808 terminals drive its loads to the plant through the
    # gateway, in-process: only on the embedded run (one process owns the in-process Redis there;
    # with a real Redis, `meitong jt808` is the gateway).
    if settings.redis_url.startswith("memory://") and os.environ.get("MEITONG_DEMO_LANE_URL"):
        os.environ.setdefault("MEITONG_JT808_IN_APP", "1")
        os.environ.setdefault("MEITONG_DEMO_TRUCKS", "3")
    print(report.banner(base_url=base), flush=True)
    if os.environ.get("MEITONG_JT808_IN_APP") in ("1", "true", "yes"):
        trucks = os.environ.get("MEITONG_DEMO_TRUCKS", "0")
        print(f"  JT/T 808 gateway (in-process): {settings.jt808_host}:{settings.jt808_port}, "
              f"{trucks} demo trucks connected to it", flush=True)
    _serve(args, app="backend.demo.asgi:app")


def _gps_worker(args: argparse.Namespace) -> None:
    from backend.context import build_context
    from backend.http.logs import configure_logging
    from backend.workers.gps import run_gps_worker

    settings = load_settings()
    configure_logging(level=settings.log_level, as_json=settings.log_json)
    asyncio.run(run_gps_worker(build_context(settings), consumer=args.consumer, claim_idle_s=args.claim_idle_s))


def _jt808(args: argparse.Namespace) -> None:
    from backend.workers.jt808 import run_gateway

    try:
        asyncio.run(run_gateway(load_settings(), host=args.host, port=args.port))
    except KeyboardInterrupt:
        pass


async def _dead_letters(action: str, ids: list[str] | None, count: int) -> None:
    from backend.redis import create_redis
    from backend.workers import gps_dead
    from geo.position import decode_positions

    settings = load_settings()
    redis = create_redis(settings.redis_url)
    try:
        if action == "replay":
            new_ids = await gps_dead.replay(redis, stream=settings.gps_stream, ids=ids, count=count)
            print(f"已重新投递 {len(new_ids)} 条 / replayed {len(new_ids)} entries to {settings.gps_stream}")
            return
        letters = await gps_dead.listing(redis, stream=settings.gps_stream, ids=ids, count=count)
        for letter in letters:
            try:
                vehicles = sorted({p.vehicle_id for p in decode_positions(letter.fields.get(b"p", b""))})
            except Exception:  # shown as it is: the reason says why it could not be used
                vehicles = []
            print(f"{letter.id}  entry {letter.entry_id}  at {letter.dead_at}  tries {letter.tries}  "
                  f"vehicles {','.join(vehicles) or '-'}\n    {letter.error}")
        print(f"共 {len(letters)} 条 / {len(letters)} dead letters in {gps_dead.dead_stream(settings.gps_stream)}")
    finally:
        await redis.aclose()


def _gps_dead_letters(args: argparse.Namespace) -> None:
    if load_settings().redis_url.startswith("memory://"):
        # The embedded Redis lives inside the web process; this process would see an empty one.
        print("需要设置 REDIS_URL（内置 Redis 只在 Web 进程内）/ set REDIS_URL: the embedded Redis lives "
              "inside the web process", file=sys.stderr)
        sys.exit(2)
    asyncio.run(_dead_letters(args.action, args.id or None, args.count))


def _worker(_: argparse.Namespace) -> None:
    from backend.workers.main import run_worker

    asyncio.run(run_worker(load_settings()))


def _at(value: str) -> datetime:
    at = datetime.fromisoformat(value)
    if at.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{value!r}: give the instant with its offset (…Z or +08:00)")
    return at


async def _run_jobs_once(names: list[str]) -> bool:
    """Each named job once, as the worker would run it (its own unit of work, its record in Redis);
    prints one JSON line per job. False when a job failed or is unknown."""
    from backend import jobs
    from backend.context import build_context
    from backend.http.logs import configure_logging
    from backend.workers.runner import Runner

    settings = load_settings()
    configure_logging(level=settings.log_level, as_json=settings.log_json)
    ctx = build_context(settings)  # loads the features, which register their jobs
    ok = True
    try:
        known = [job for job in (jobs.get(name) for name in names) if job is not None]
        for name in sorted(set(names) - {job.name for job in known}):
            print(json.dumps({"job": name, "error": "unknown job"}), flush=True)
            ok = False
        runner = Runner(ctx, only=known)
        for job in known:
            run = await runner.run_once(job)
            failed = run.consecutive_failures > 0
            ok = ok and not failed
            print(json.dumps({"job": job.name, "counts": run.last_counts if not failed else None,
                              "error": run.last_error if failed else None, "ms": run.duration_ms}), flush=True)
    finally:
        await ctx.redis.aclose()
        await ctx.engine.dispose()
    return ok


def _jobs(args: argparse.Namespace) -> None:
    if args.action == "list":
        from backend import features, jobs

        features.load()
        for job in jobs.registered():
            print(f"{job.name:<32} every {job.every_s:g} s")
        return
    if not args.names:
        raise SystemExit("name the jobs to run (meitong jobs list shows them)")
    # --at: the whole run reads this instant as the wall clock (backend/clock.py), for replaying a
    # sweep at a given time from a tool or a test; production workers never take it.
    fixed = args.at
    with clock.use(lambda: fixed) if fixed is not None else contextlib.nullcontext():
        if not asyncio.run(_run_jobs_once(args.names)):
            sys.exit(1)


async def _verify_evidence(from_seq: int) -> bool:
    from backend.db.session import create_engine, create_sessionmaker
    from backend.domain.evidence import service as evidence
    from backend.domain.evidence.service import default_resolvers

    settings = load_settings()
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            report = await evidence.verify_chain(session, settings=settings, resolvers=default_resolvers(),
                                                 from_seq=from_seq)
    finally:
        await engine.dispose()
    print(f"{report.message_zh} / {report.message_en}")
    return report.ok


def _verify_pack(path: str) -> bool:
    """An alert's evidence pack (zip): every file against the manifest, the manifest against its signature."""
    from backend.domain.alerts import service as alerts

    with open(path, "rb") as handle:
        check = alerts.verify_pack(handle.read(), settings=load_settings())
    for problem in check.problems:
        print(f"  ✗ {problem}")
    verdict = "证据包完整 / pack intact" if check.ok else "证据包校验失败 / pack FAILS verification"
    print(f"{verdict}: {check.files_checked} files verified, signature {check.signature}, "
          f"manifest sha256 {check.manifest_sha256}")
    return check.ok


def _evidence(args: argparse.Namespace) -> None:
    # Exit 1 at the first bad entry (or a pack that fails), so a cron job or a regulator's script can act on it.
    if args.action == "verify-pack":
        if not args.path:
            raise SystemExit("usage: meitong evidence verify-pack <pack.zip>")
        ok = _verify_pack(args.path)
    else:
        ok = asyncio.run(_verify_evidence(args.from_seq))
    if not ok:
        sys.exit(1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="meitong", description="meitong 煤通 platform commands")
    sub = parser.add_subparsers(dest="command", required=True)
    db = sub.add_parser("db", help="database migrations")
    db.add_argument("action", choices=["upgrade", "check", "revision"])
    db.add_argument("-m", "--message", default="change")
    db.set_defaults(func=_db)
    sub.add_parser("seed", help="seed the demo region (idempotent)").set_defaults(func=_seed)
    totp = sub.add_parser("totp", help="print the current TOTP code of a demo administrator or regulator")
    totp.add_argument("phone")
    totp.set_defaults(func=_totp)
    for name, func, help_text in (("serve", _serve, "serve the API and apps"), ("run", _run, "migrate, seed and serve")):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--host", default=os.environ.get("MEITONG_HOST", "127.0.0.1"))
        p.add_argument("--port", type=int, default=int(os.environ.get("MEITONG_PORT", "8000")))
        p.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "1")))
        p.set_defaults(func=func)
    sub.add_parser("worker", help="run the background worker").set_defaults(func=_worker)
    jobs = sub.add_parser("jobs", help="list the periodic jobs, or run some once (exit 1 when one fails)")
    jobs.add_argument("action", choices=["list", "run"])
    jobs.add_argument("names", nargs="*", help="the jobs to run, e.g. alerts.escalate")
    jobs.add_argument("--at", type=_at, default=None,
                      help="run as if the wall clock read this ISO instant (tools and tests; e.g. 2026-01-01T08:00:00Z)")
    jobs.set_defaults(func=_jobs)
    jt808 = sub.add_parser("jt808", help="run the JT/T 808 terminal gateway alone")
    jt808.add_argument("--host", default=None, help="listen address (MEITONG_JT808_HOST)")
    jt808.add_argument("--port", type=int, default=None, help="TCP port (MEITONG_JT808_PORT, 5015)")
    jt808.set_defaults(func=_jt808)
    gps = sub.add_parser("gps-worker", help="run the GPS pipeline worker (the positions stream's consumer group)")
    gps.add_argument("--consumer", default=None, help="consumer name (default: gps-<host>-<pid>)")
    gps.add_argument("--claim-idle-s", type=float, default=60.0, help="take over entries idle this long at dead consumers")
    gps.set_defaults(func=_gps_worker)
    dead = sub.add_parser("gps-dead-letters", help="list or replay the GPS stream's dead letters (entries that kept failing)")
    dead.add_argument("action", choices=["list", "replay"])
    dead.add_argument("--id", action="append", help="only this dead letter (repeatable; default: all)")
    dead.add_argument("--count", type=int, default=1000, help="at most this many")
    dead.set_defaults(func=_gps_dead_letters)
    evidence = sub.add_parser("evidence", help="the evidence chain (存证)")
    evidence.add_argument("action", choices=["verify", "verify-pack"])
    evidence.add_argument("path", nargs="?", help="verify-pack: an alert's evidence pack (zip)")
    evidence.add_argument("--from-seq", type=int, default=1, help="start at this entry (the one before is trusted)")
    evidence.set_defaults(func=_evidence)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main(sys.argv[1:])
