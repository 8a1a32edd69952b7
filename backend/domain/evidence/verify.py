"""Re-verification of the chain: every entry, or one entry for a public verify page.

Each entry is checked in this order, and the first failure names the reason: its link to the
previous entry's stored hash, its payload against its payload_sha256, its hash recomputed, its
Ed25519 signature (current or retired key, by kid), and — for kinds with a resolver — the live
record rebuilt by its owning feature against the stored payload. Only the latest entry of an
object is compared with the live record: an object changed later has newer entries, and the
older ones remain evidence of what it was.

The whole chain is walked in keyset batches of BATCH_ROWS as Core rows (nothing accumulates in
the session), up to the head read at the start: appends committed meanwhile wait for the next run.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.evidence import canonical, keys, views
from backend.domain.evidence.models import HEAD_ID, EvidenceEntry, EvidenceHead
from backend.domain.evidence.schemas import REASON_LABELS, ChainReport, EntryReport, Reason, Resolver
from backend.settings import Settings

BATCH_ROWS = 500
_NO_RESOLVERS: Mapping[str, Resolver] = MappingProxyType({})
_ENTRY = EvidenceEntry.__table__


async def _superseded(session: AsyncSession, entry: Any) -> bool:
    later = select(EvidenceEntry.seq).where(EvidenceEntry.kind == entry.kind, EvidenceEntry.ref == entry.ref,
                                            EvidenceEntry.seq > entry.seq).limit(1)
    return (await session.execute(later)).first() is not None


async def _check(session: AsyncSession, settings: Settings, entry: Any, prev_hash: str,
                 resolver: Resolver | None) -> Reason | None:
    if entry.prev_hash != prev_hash:
        return "broken_link"
    if canonical.sha256_hex(entry.payload) != entry.payload_sha256:
        return "payload_hash_mismatch"
    recomputed = canonical.entry_hash(seq=entry.seq, kind=entry.kind, ref=entry.ref,
                                      payload_sha256=entry.payload_sha256, prev_hash=entry.prev_hash, at=entry.at)
    if recomputed != entry.hash:
        return "hash_mismatch"
    if not keys.verify(settings, kid=entry.kid, hash_hex=entry.hash, signature_hex=entry.signature):
        return "bad_signature"
    if resolver is None:
        return None
    live = await resolver(session, entry.ref)
    if live is not None and canonical.canonical_json(live) == entry.payload:
        return None
    # Asked only after the resolver: a change and its new entry commit together, so a record read
    # newer than this entry always finds that newer entry here.
    if await _superseded(session, entry):
        return None
    return "record_missing" if live is None else "record_mismatch"


async def _stored_hash(session: AsyncSession, seq: int) -> str | None:
    if seq == 0:
        return canonical.ZERO_HASH
    return (await session.execute(select(EvidenceEntry.hash).where(EvidenceEntry.seq == seq))).scalar_one_or_none()


async def verify_chain(session: AsyncSession, *, settings: Settings,
                       resolvers: Mapping[str, Resolver] = _NO_RESOLVERS, from_seq: int = 1) -> ChainReport:
    """Walk entries from_seq..head; ok only when every one passes and the last matches the head.

    From a later `from_seq` the entry before it is trusted as the starting link."""
    head = (await session.execute(select(EvidenceHead.seq, EvidenceHead.hash).where(EvidenceHead.id == HEAD_ID))
            ).one_or_none()
    end_seq = int(head.seq) if head else int((await session.execute(select(func.max(EvidenceEntry.seq)))).scalar() or 0)
    start_seq = max(from_seq, 1)
    if start_seq > end_seq:
        return views.chain_ok(0) if head or end_seq == 0 else views.chain_bad(0, end_seq, "head_mismatch")
    prev_hash = await _stored_hash(session, start_seq - 1)
    if prev_hash is None:
        return views.chain_bad(0, start_seq - 1, "seq_gap")
    expected, checked = start_seq, 0
    while expected <= end_seq:
        batch = (await session.execute(select(_ENTRY).where(_ENTRY.c.seq >= expected, _ENTRY.c.seq <= end_seq)
                                       .order_by(_ENTRY.c.seq).limit(BATCH_ROWS))).all()
        if not batch:
            break
        for entry in batch:
            if entry.seq != expected:
                return views.chain_bad(checked, expected, "seq_gap")
            reason = await _check(session, settings, entry, prev_hash, resolvers.get(entry.kind))
            if reason:
                return views.chain_bad(checked, entry.seq, reason)
            prev_hash, expected, checked = entry.hash, expected + 1, checked + 1
    # The head names the last entry: a truncated tail, or a head bent elsewhere, shows here.
    if head is None or expected <= end_seq:
        return views.chain_bad(checked, min(expected, end_seq), "head_mismatch")
    if head.hash != prev_hash:
        return views.chain_bad(checked, end_seq, "head_mismatch")
    return views.chain_ok(checked)


async def verify_entry(session: AsyncSession, *, settings: Settings, seq: int | None = None, kind: str | None = None,
                       ref: str | None = None, resolvers: Mapping[str, Resolver] = _NO_RESOLVERS) -> EntryReport | None:
    """One entry by `seq`, or the latest of (`kind`, `ref`); None when there is no such entry."""
    query = select(_ENTRY)
    if seq is not None:
        query = query.where(_ENTRY.c.seq == seq)
    elif kind is not None and ref is not None:
        query = query.where(_ENTRY.c.kind == kind, _ENTRY.c.ref == ref).order_by(_ENTRY.c.seq.desc()).limit(1)
    else:
        raise ValueError("verify_entry needs seq, or kind and ref")
    entry = (await session.execute(query)).first()
    if entry is None:
        return None
    current = not await _superseded(session, entry)
    prev_hash = await _stored_hash(session, entry.seq - 1)
    reason: Reason | None = "seq_gap" if prev_hash is None else await _check(
        session, settings, entry, prev_hash, resolvers.get(entry.kind) if current else None)
    zh, en = REASON_LABELS[reason] if reason else ("存证有效，内容未被篡改", "the entry verifies: nothing was altered")
    return EntryReport(ok=reason is None, reason=reason, message_zh=zh, message_en=en, current=current,
                       entry=views.entry_out(entry))
