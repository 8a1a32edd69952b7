"""The unit of work: whoever owns a transaction commits it; domain services only flush.

The owner is the request (the `db` dependency in backend/http/deps.py), a job (backend/jobs.py), the
GPS worker's batch, or a test. Everything that must happen only once the transaction is durable (Redis
mirrors, live SSE updates, the GPS world version, outbox kicks, after-commit subscribers of domain
events) registers here with `after_commit(session, fn)`; the session runs it right after its COMMIT.

Why a session subclass and not a wrapper: every owner already holds an AsyncSession, and the hooks
then follow any COMMIT of that session (a job that commits per item, a test that commits by hand),
so nothing that must follow a commit depends on the caller remembering it. A rollback forgets them.

A follow-up that fails is logged, never raised: the data is already committed, and each follow-up
has a repair (the queue's resync and rebuild, the GPS world's periodic reload, the outbox's drain).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import DomainError

if TYPE_CHECKING:
    from backend.context import Context

log = logging.getLogger("meitong.unit")

_HOOKS = "meitong.after_commit"
_KEEP = "meitong.keep_on_error"

FollowUp = Callable[[], Awaitable[Any]]


class UnitSession(AsyncSession):
    """An AsyncSession that runs its registered follow-ups after each COMMIT (see the module doc)."""

    async def commit(self) -> None:
        await super().commit()
        self.info.pop(_KEEP, None)
        await run_follow_ups(self)

    async def rollback(self) -> None:
        self.info.pop(_HOOKS, None)
        self.info.pop(_KEEP, None)
        await super().rollback()

    async def close(self) -> None:
        self.info.pop(_HOOKS, None)
        await super().close()


def after_commit(session: AsyncSession, fn: FollowUp, *, key: Hashable | None = None) -> None:
    """Run `fn()` once this session's transaction has committed. Registrations with the same `key`
    collapse into one (the last wins): ten queue changes need one mirror update, not ten."""
    hooks: dict[Hashable, FollowUp] = session.info.setdefault(_HOOKS, {})
    hooks[key if key is not None else object()] = fn


async def run_follow_ups(session: AsyncSession) -> None:
    hooks: dict[Hashable, FollowUp] = session.info.pop(_HOOKS, {})
    for key, fn in hooks.items():
        try:
            await fn()
        except Exception:  # committed already: the owner's answer stands, the repair job catches up
            log.warning("follow-up after commit failed; its periodic repair will catch up",
                        extra={"follow_up": str(key)}, exc_info=True)


@asynccontextmanager
async def savepoint(session: AsyncSession) -> AsyncIterator[None]:
    """A savepoint inside the owner's unit: what a service tries under a race (a unique index, a
    conditional UPDATE) is undone alone when it fails, and the unit goes on.

    On SQLite a SAVEPOINT outside a transaction starts a deferred one whose reads pin a snapshot;
    its first write then fails at once ("database is locked") if another writer committed meanwhile,
    instead of waiting for the lock. So the unit first takes the write lock (BEGIN IMMEDIATE, which
    waits up to busy_timeout), as the implicit BEGIN before a plain write would have."""
    conn = await session.connection()
    if conn.dialect.name == "sqlite":
        raw = await conn.get_raw_connection()
        if not raw.driver_connection.in_transaction:  # type: ignore[union-attr]
            await conn.exec_driver_sql("BEGIN IMMEDIATE")
    async with session.begin_nested():
        yield


def context_of(session: AsyncSession) -> Context:
    """The context whose sessionmaker made this session (build_context puts it in every session's
    info): a follow-up registered deep inside a service needs the context's Redis and sessions."""
    ctx: Context = session.info["ctx"]
    return ctx


def keep_on_error(session: AsyncSession) -> None:
    """What this transaction did so far is kept even though the owner ends in a DomainError: a failed
    login's counter, a refused pass's record. The owner commits, then lets the error answer."""
    session.info[_KEEP] = True


def kept_on_error(session: AsyncSession) -> bool:
    return bool(session.info.get(_KEEP))


@asynccontextmanager
async def unit_of_work(ctx: Context) -> AsyncIterator[AsyncSession]:
    """One transaction owned by the caller (a job, a worker step, a tool): committed when the block
    ends normally, rolled back when it raises, unless `keep_on_error` asked for the commit."""
    async with ctx.sessions() as session:
        try:
            yield session
        except BaseException as exc:
            await finish_on_error(session, exc)
            raise
        await session.commit()


async def finish_on_error(session: AsyncSession, exc: BaseException) -> None:
    """An owner ending in an error: a DomainError commits what `keep_on_error` marked; anything else
    (and every other error) rolls back."""
    if isinstance(exc, DomainError) and kept_on_error(session):
        await session.commit()
    else:
        await session.rollback()
