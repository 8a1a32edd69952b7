"""Shared by the evidence tests: appends committed one by one, raw SQL tampering, resolvers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Table, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

import backend.db.models  # noqa: F401  (every table into the metadata)
from backend.context import Context
from backend.db.base import Base
from backend.db.unit import unit_of_work
from backend.domain.evidence import service as evidence
from backend.domain.evidence.schemas import ChainReport, EvidenceRef, Resolver


async def append(ctx: Context, *, kind: str = "note", ref: str, payload: Mapping[str, object],
                 at: datetime | None = None) -> EvidenceRef:
    async with unit_of_work(ctx) as session:
        made = await evidence.append(session, settings=ctx.settings, kind=kind, ref=ref, payload=payload, at=at)
        await session.commit()
    return made


async def append_notes(ctx: Context, n: int) -> list[EvidenceRef]:
    return [await append(ctx, ref=f"N-{i}", payload={"n": i, "text": f"第{i}条", "tags": ["a", i]})
            for i in range(1, n + 1)]


async def sql(ctx: Context, statement: str, **params: Any) -> None:
    """Tampering as someone with database access would do it: straight SQL, outside the service."""
    async with ctx.engine.begin() as conn:
        await conn.execute(text(statement), params)


def _entries() -> Table:
    return Base.metadata.tables["evidence_entries"]


async def row(ctx: Context, seq: int) -> dict[str, Any]:
    """The stored row, typed (an aware `at` on both backends)."""
    async with ctx.engine.connect() as conn:
        found = await conn.execute(select(_entries()).where(_entries().c.seq == seq))
        return dict(found.mappings().one())


async def set_columns(ctx: Context, seq: int, **values: Any) -> None:
    """An UPDATE of typed values (a datetime, say), for edits raw SQL text would spell per backend."""
    async with ctx.engine.begin() as conn:
        await conn.execute(update(_entries()).where(_entries().c.seq == seq).values(**values))


async def verify(ctx: Context, *, resolvers: Mapping[str, Resolver] | None = None, from_seq: int = 1,
                 settings: Any = None) -> ChainReport:
    async with unit_of_work(ctx) as session:
        return await evidence.verify_chain(session, settings=settings or ctx.settings, resolvers=resolvers or {},
                                           from_seq=from_seq)


def dict_resolver(records: dict[str, dict[str, object]]) -> Resolver:
    """The live records are whatever the dict holds at verification time."""
    async def resolve(session: AsyncSession, ref: str) -> Mapping[str, object] | None:
        return records.get(ref)
    return resolve
