"""What keeps tests apart: a database and a Redis database per xdist worker, and per test only the
tables that hold rows emptied (whoever wrote them: the test, a fixture, a server subprocess).

Names derive from DATABASE_URL / REDIS_URL, so CI on a fresh machine needs nothing prepared:
worker gwN of `.../test` uses `.../test_gwN` (created when missing, built by the migrations), and
of `redis://host:6379/9` uses DB 9+N. A run without xdist uses the URLs as given.
"""

from __future__ import annotations

import os

from sqlalchemy import Table, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from backend.checks.regions import REGIONS
from backend.db.base import Base

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", … under pytest-xdist
KEEP_TABLES = {"regions", "alembic_version"}
REDIS_DATABASES = 16  # Redis' default `databases`


def worker_index() -> int:
    return int(WORKER.removeprefix("gw")) if WORKER else 0


def worker_database_url(url: str) -> str:
    """The worker's own database on a PostgreSQL server (SQLite files are per process already)."""
    parsed = make_url(url)
    if not WORKER or not parsed.drivername.startswith("postgresql"):
        return url
    return parsed.set(database=f"{parsed.database}_{WORKER}").render_as_string(hide_password=False)


def worker_redis_url(url: str) -> str:
    """The worker's own Redis database: the URL's index plus the worker's number."""
    if not WORKER or url.startswith("memory://"):
        return url
    head, _, tail = url.partition("://")
    host, _, db = tail.partition("/")
    index = int(db.split("?")[0] or 0) + worker_index()
    if index >= REDIS_DATABASES:
        raise RuntimeError(f"{url}: worker {WORKER} would need Redis DB {index}; start from a lower index")
    return f"{head}://{host}/{index}"


async def create_database(url: str) -> None:
    """CREATE DATABASE for `url` unless it exists (on the server's `postgres` database)."""
    from backend.db.session import create_engine

    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres").render_as_string(hide_password=False),
                          isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            found = await conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database})
            if found.first() is None:
                await conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        await admin.dispose()


def _emptied_tables() -> list[Table]:
    # Children before parents, so plain DELETEs never trip a foreign key.
    return [t for t in reversed(Base.metadata.sorted_tables) if t.name not in KEEP_TABLES]


async def _tables_with_rows(conn: AsyncConnection, tables: list[Table]) -> set[str]:
    probes = " UNION ALL ".join(f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in tables)
    return set((await conn.execute(text(probes))).scalars())


async def empty_tables(engine: AsyncEngine) -> bool:
    """Empty every table that holds rows; regions go back to the seed if anything changed their count.
    Returns whether the regions need seeding."""
    tables = _emptied_tables()
    async with engine.begin() as conn:
        full = await _tables_with_rows(conn, tables)
        if full:
            if conn.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables if t.name in full)
                await conn.execute(text(f"TRUNCATE {names} CASCADE"))
            else:
                for table in tables:
                    if table.name in full:
                        await conn.execute(table.delete())
        regions = (await conn.execute(text("SELECT count(*) FROM regions"))).scalar_one()
        if regions != len(REGIONS):
            await conn.execute(text("DELETE FROM regions"))
            return True
    return False
