"""Test fixtures on real components.

The suite runs on whatever DATABASE_URL / REDIS_URL say (CI runs it twice: embedded defaults, then
PostgreSQL and Redis), in parallel under pytest-xdist: each worker has its own database and Redis
database (tests/isolation.py). The schema is built once per worker by the Alembic migrations
themselves; each test then starts from empty tables (regions seeded) and an empty Redis database,
and reads wall time from its own clock (tests/clock.py).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar
from sqlalchemy import event, text

import backend.db.models  # noqa: F401
from backend import clock as backend_clock
from backend.app import create_app
from backend.context import Context, build_context
from backend.db import migrate
from backend.domain.regions import service as regions
from backend.settings import Settings, load_settings
from backend.sms import ConsoleSmsSender
from tests import isolation
from tests.clock import TestClock, wait_out_midnight

_TMP = Path(tempfile.mkdtemp(prefix="meitong-test-"))
# Tests that share one xdist worker and run there in order: the browser tests (one server and one
# Chromium; a module's tests build on each other's world) and the OpenAPI fuzzing (one server).
SERIAL_GROUPS = ("tests/browser/", "tests/fuzz/")
os.environ.setdefault("MEITONG_VAR_DIR", str(_TMP / "var"))


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    # xdist's own `--dist loadgroup` marks groups by editing item._nodeid, which pytest 9 no longer reads.
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return next((group for group in SERIAL_GROUPS if nodeid.startswith(group)), nodeid)

    return GroupScheduling(config, log)


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    return isolation.worker_database_url(url) if url else f"sqlite+aiosqlite:///{_TMP / 'test.db'}"


async def _reset_schema(url: str) -> None:
    from backend.db.session import create_engine

    await isolation.create_database(url)
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


def _settings(database_url: str) -> Settings:
    return load_settings(
        database_url=database_url,
        redis_url=isolation.worker_redis_url(os.environ.get("REDIS_URL") or "memory://"),
        log_json=False,
        log_level="WARNING",
        # Real Argon2id at a test-sized cost (production keeps the RFC 9106 defaults).
        password_hash_time_cost=1,
        password_hash_memory_kib=1024,
    )


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return _settings(database_url)


@pytest.fixture(autouse=True)
def clock() -> Iterator[TestClock]:
    """The wall clock every service in this process reads; freeze, set or advance it."""
    wait_out_midnight()
    test_clock = TestClock()
    with backend_clock.use(test_clock.now):
        yield test_clock


def _sqlite_without_fsync(dbapi_conn: Any, _record: Any) -> None:
    # The test database is thrown away: a commit need not wait for the disk (crash safety of a
    # process kill is kept; only an OS crash could lose the last commits).
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA synchronous=OFF")
    cur.close()


@pytest.fixture
async def ctx(settings: Settings) -> AsyncIterator[Context]:
    context = build_context(settings, sms=ConsoleSmsSender(), isolated_redis=True)
    if context.engine.dialect.name == "sqlite":
        event.listen(context.engine.sync_engine, "connect", _sqlite_without_fsync)
    await context.redis.flushdb()
    if await isolation.empty_tables(context.engine):
        async with context.sessions() as session:
            await regions.seed(session)
            await session.commit()
    yield context
    await context.redis.aclose()
    await context.engine.dispose()


@pytest.fixture(scope="session")
def _one_app(database_url: str) -> Litestar:
    # Building the app registers ~400 handlers (about a second); each test points it at its own
    # context instead (built from the test's `settings`, which a module may override): the app
    # finds the context in its state on every request.
    return create_app(_settings(database_url))


@pytest.fixture
def app(ctx: Context, _one_app: Litestar) -> Iterator[Litestar]:
    previous = _one_app.state.ctx
    _one_app.state.ctx = ctx
    yield _one_app
    _one_app.state.ctx = previous


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
