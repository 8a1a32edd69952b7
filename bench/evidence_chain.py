"""Evidence appends per second, beside the plain row a user would otherwise write.

Ours: `evidence.append` + COMMIT, one transaction per entry, one client — the head row's UPDATE
(the chain's write lock), canonical JSON, SHA-256 of the payload and of the entry, an Ed25519
signature, the entry INSERT and the head's new hash. The peer: the same transaction inserting the
same payload as a plain row into the same table (json.dumps, no head, no hashing, no signature),
i.e. an audit log without the chain. Their ratio is what the chain costs. Medians of RUNS
interleaved rounds of BENCH_APPENDS each; a verify_chain pass over our entries is timed too.

SQL: a temporary SQLite file, or DATABASE_URL if set. The bench appends to that database's chain,
so it refuses one whose chain is not empty, and deletes its entries and the head afterwards.
Run: `python bench/evidence_chain.py`.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

RUNS = 3
APPENDS = int(os.environ.get("BENCH_APPENDS", "300"))
PEER_SEQ_BASE = 10**12  # far above any seq of ours: the peer's rows share the table, never the chain
_TMP = Path(tempfile.mkdtemp(prefix="meitong-bench-evidence-"))
os.environ.setdefault("MEITONG_VAR_DIR", str(_TMP / "var"))

from sqlalchemy import delete, func, insert, select  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker  # noqa: E402

import backend.db.models  # noqa: E402, F401  (every table into the metadata; after MEITONG_VAR_DIR is set)
from backend.db import migrate  # noqa: E402
from backend.db.base import Base, utcnow  # noqa: E402
from backend.db.session import create_engine, create_sessionmaker  # noqa: E402
from backend.domain.evidence import service as evidence  # noqa: E402
from backend.settings import Settings, load_settings  # noqa: E402

ENTRIES = Base.metadata.tables["evidence_entries"]
HEAD = Base.metadata.tables["evidence_head"]


def _ticket(n: int) -> dict[str, object]:
    """A weigh ticket's size and shape: what the chain will mostly carry."""
    return {"ticketNo": f"BD2026{n:08d}", "orderNo": f"TM2026{n:08d}", "contractNo": "MT-DEMO-2026-001",
            "plate": "蒙K66888", "seller": "鄂尔多斯示范煤矿", "buyer": "示范电厂", "carrier": "示范物流",
            "site": "一号储煤场", "product": "lump_coal", "tareKg": 15_200, "grossKg": 47_350 + n % 100,
            "netKg": 32_150 + n % 100, "tareAt": "2026-01-01T08:00:00+00:00", "grossAt": "2026-01-01T08:40:00+00:00",
            "tareLane": "L1", "grossLane": "L2", "photos": [f"{n:064x}"], "anomalies": []}


async def _ours(sessions: async_sessionmaker[AsyncSession], settings: Settings, start: int, n: int) -> float:
    began = time.perf_counter()
    for i in range(start, start + n):
        async with sessions() as session:
            await evidence.append(session, settings=settings, kind="weigh_ticket", ref=f"T{i}", payload=_ticket(i))
            await session.commit()
    return n / (time.perf_counter() - began)


async def _peer(sessions: async_sessionmaker[AsyncSession], start: int, n: int) -> float:
    began = time.perf_counter()
    for i in range(start, start + n):
        async with sessions() as session:
            await session.execute(insert(ENTRIES).values(
                seq=PEER_SEQ_BASE + i, kind="weigh_ticket", ref=f"T{i}", payload=json.dumps(_ticket(i)),
                payload_sha256="", prev_hash="", hash="", signature="", kid="", at=utcnow()))
            await session.commit()
    return n / (time.perf_counter() - began)


async def run(url: str) -> None:
    settings = load_settings(database_url=url, log_json=False, log_level="WARNING")
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    async with engine.connect() as conn:
        if (await conn.execute(select(func.count()).select_from(ENTRIES))).scalar():
            await engine.dispose()
            raise SystemExit("refusing: this database's evidence chain is not empty (the bench appends to it)")
    ours, peer, verify = [], [], []
    try:
        for r in range(RUNS):  # interleaved, so a noisy neighbour hurts both alike
            ours.append(await _ours(sessions, settings, r * APPENDS, APPENDS))
            peer.append(await _peer(sessions, r * APPENDS, APPENDS))
            began = time.perf_counter()
            async with sessions() as session:
                report = await evidence.verify_chain(session, settings=settings)
            assert report.ok and report.entries_checked == (r + 1) * APPENDS, report
            verify.append(report.entries_checked / (time.perf_counter() - began))
    finally:
        async with engine.begin() as conn:
            await conn.execute(delete(ENTRIES))
            await conn.execute(delete(HEAD))
        await engine.dispose()
        shutil.rmtree(_TMP, ignore_errors=True)
    med = statistics.median
    backend = url.split("+")[0].split(":")[0]
    print(f"evidence chain, median of {RUNS} rounds; SQL {backend}; {APPENDS} appends per round, "
          f"one transaction each, one client")
    for label, rate in (("evidence.append + commit (chained, signed)", med(ours)),
                        ("plain INSERT + commit (same table, same payload)", med(peer)),
                        ("verify_chain (entries/s, no resolvers)", med(verify))):
        print(f"  {label:<50} {rate:>10,.0f} /s")
    print(f"  {'ratio chained / plain':<50} {med(ours) / med(peer):>10.3f}")


def main() -> None:
    url = os.environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{_TMP / 'bench.db'}"
    migrate.upgrade(url)  # Alembic runs its own event loop: before ours starts
    asyncio.run(run(url))


if __name__ == "__main__":
    main()
