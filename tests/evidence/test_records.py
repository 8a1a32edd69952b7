"""The live record behind an entry: an edited or deleted record fails verification at its entry.

The resolver here reads real rows (organisations, made through their service) the way a feature's
resolver reads its tickets; the chain's own code sees only `resolver(session, ref)`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import Base
from backend.db.unit import unit_of_work
from backend.domain.evidence import service as evidence
from tests.evidence import helpers as h
from tests.factories import make_org


async def org_record(session: AsyncSession, ref: str) -> Mapping[str, object] | None:
    orgs = Base.metadata.tables["organisations"]
    query = select(orgs.c.name, orgs.c.credit_code, orgs.c.kind).where(orgs.c.id == uuid.UUID(ref))
    found = (await session.execute(query)).mappings().one_or_none()
    return dict(found) if found else None


RESOLVERS = {"organisation": org_record}


async def _record_orgs(ctx, n: int) -> list[uuid.UUID]:
    ids = []
    for _ in range(n):
        org_id = await make_org(ctx)
        async with unit_of_work(ctx) as session:
            payload = await org_record(session, str(org_id))
            assert payload is not None
            await evidence.append(session, settings=ctx.settings, kind="organisation", ref=str(org_id), payload=payload)
            await session.commit()
        ids.append(org_id)
    return ids


async def _edit_org(ctx, org_id: uuid.UUID, **values: object) -> None:
    orgs = Base.metadata.tables["organisations"]
    async with ctx.engine.begin() as conn:
        await conn.execute(update(orgs).where(orgs.c.id == org_id).values(**values))


async def test_an_edited_record_fails_at_its_entry(ctx):
    ids = await _record_orgs(ctx, 3)
    assert (await h.verify(ctx, resolvers=RESOLVERS)).ok
    await _edit_org(ctx, ids[1], name="改过名字的煤矿")
    report = await h.verify(ctx, resolvers=RESOLVERS)
    assert (report.ok, report.first_bad_seq, report.reason) == (False, 2, "record_mismatch")
    assert (await h.verify(ctx)).ok  # without the resolver the entries alone still hold


async def test_a_deleted_record_fails_at_its_entry(ctx):
    ids = await _record_orgs(ctx, 3)
    orgs = Base.metadata.tables["organisations"]
    async with ctx.engine.begin() as conn:
        await conn.execute(delete(orgs).where(orgs.c.id == ids[2]))
    report = await h.verify(ctx, resolvers=RESOLVERS)
    assert (report.ok, report.first_bad_seq, report.reason) == (False, 3, "record_missing")


async def test_a_changed_record_with_a_new_entry_verifies_and_the_old_entry_stays_evidence(ctx):
    records = {"T-1": {"net_kg": 30000}, "T-2": {"net_kg": 31000}}
    resolvers = {"note": h.dict_resolver(records)}
    for ref, payload in records.items():
        await h.append(ctx, ref=ref, payload=payload)
    records["T-1"] = {"net_kg": 29950}  # corrected, and the correction recorded, as a feature must
    await h.append(ctx, ref="T-1", payload=records["T-1"])
    assert (await h.verify(ctx, resolvers=resolvers)).ok
    async with unit_of_work(ctx) as session:
        old = await evidence.verify_entry(session, settings=ctx.settings, seq=1, resolvers=resolvers)
        latest = await evidence.verify_entry(session, settings=ctx.settings, kind="note", ref="T-1", resolvers=resolvers)
    assert old is not None and (old.ok, old.current, old.entry.payload) == (True, False, '{"net_kg":30000}')
    assert latest is not None and (latest.ok, latest.current, latest.entry.seq) == (True, True, 3)
    records["T-1"] = {"net_kg": 1}  # changed without recording it
    report = await h.verify(ctx, resolvers=resolvers)
    assert (report.first_bad_seq, report.reason) == (3, "record_mismatch")


async def test_verify_entry_checks_one_entry_its_link_and_its_record(ctx):
    records = {f"T-{i}": {"i": i} for i in range(1, 5)}
    resolvers = {"note": h.dict_resolver(records)}
    for ref, payload in records.items():
        await h.append(ctx, ref=ref, payload=payload)

    async def one(**kw):
        async with unit_of_work(ctx) as session:
            return await evidence.verify_entry(session, settings=ctx.settings, resolvers=resolvers, **kw)

    good = await one(kind="note", ref="T-3")
    assert good is not None and (good.ok, good.reason, good.entry.seq) == (True, None, 3)
    assert await one(seq=99) is None and await one(kind="note", ref="T-9") is None
    del records["T-4"]
    missing = await one(seq=4)
    assert missing is not None and (missing.ok, missing.reason) == (False, "record_missing")
    await h.sql(ctx, "UPDATE evidence_entries SET payload = :p WHERE seq = 3", p='{"i":33}')
    edited = await one(seq=3)
    assert edited is not None and (edited.ok, edited.reason) == (False, "payload_hash_mismatch")
    await h.sql(ctx, "DELETE FROM evidence_entries WHERE seq = 1")
    orphan = await one(seq=2)
    assert orphan is not None and (orphan.ok, orphan.reason) == (False, "seq_gap")
    await h.sql(ctx, "UPDATE evidence_entries SET prev_hash = :v WHERE seq = 2", v="0" * 64)
    assert (await one(seq=2)).reason == "seq_gap"  # a missing predecessor is named before the link
