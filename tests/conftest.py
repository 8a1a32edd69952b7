"""Test fixtures on real components.

The suite runs on whatever DATABASE_URL / REDIS_URL say (CI runs it twice: embedded defaults, then
PostgreSQL and Redis). The schema is built once per run by the Alembic migrations themselves; each
test then starts from empty tables (regions re-seeded) and an empty Redis database.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from litestar import Litestar
from sqlalchemy import text

import backend.db.models  # noqa: F401
from backend.app import create_app
from backend.context import Context, build_context
from backend.db import migrate
from backend.db.base import Base
from backend.db.unit import unit_of_work
from backend.domain.regions import service as regions
from backend.settings import Settings, load_settings
from backend.sms import ConsoleSmsSender

_TMP = Path(tempfile.mkdtemp(prefix="meitong-test-"))
os.environ.setdefault("MEITONG_VAR_DIR", str(_TMP / "var"))
_KEEP_TABLES = {"regions", "alembic_version"}


def _database_url() -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{_TMP / 'test.db'}"


async def _reset_schema(url: str) -> None:
    from backend.db.session import create_engine

    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


@pytest.fixture(scope="session")
def database_url() -> str:
    url = _database_url()
    if url.startswith("postgresql"):
        asyncio.run(_reset_schema(url))
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return load_settings(
        database_url=database_url,
        redis_url=os.environ.get("REDIS_URL") or "memory://",
        log_json=False,
        log_level="WARNING",
        # Real Argon2id at a test-sized cost (production keeps the RFC 9106 defaults).
        password_hash_time_cost=1,
        password_hash_memory_kib=1024,
    )


async def _empty_tables(ctx: Context) -> None:
    tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name not in _KEEP_TABLES]
    async with ctx.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " CASCADE"))
        else:
            for table in tables:
                await conn.execute(table.delete())
    async with unit_of_work(ctx) as session:
        await regions.seed(session)
        await session.commit()


@pytest.fixture
async def ctx(settings: Settings) -> AsyncIterator[Context]:
    context = build_context(settings, sms=ConsoleSmsSender(), isolated_redis=True)
    await context.redis.flushdb()
    await _empty_tables(context)
    yield context
    await context.redis.aclose()
    await context.engine.dispose()


@pytest.fixture
def app(ctx: Context) -> Litestar:
    return create_app(ctx=ctx)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """HTTP into the app on the test's own event loop (Litestar's AsyncTestClient would run the app
    on a second loop in a thread, which asyncpg connections made by the fixtures cannot follow)."""
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as c:
        yield c


@pytest.fixture
def artifacts_dir() -> Iterator[Path]:
    path = Path(os.environ.get("MEITONG_ARTIFACTS", Path(__file__).resolve().parent.parent / "test-artifacts"))
    path.mkdir(parents=True, exist_ok=True)
    yield path
