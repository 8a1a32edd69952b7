"""ORM rows of the chain into the Structs that leave the feature."""

from __future__ import annotations

from typing import Any

from backend.domain.evidence.schemas import REASON_LABELS, ChainReport, EvidenceEntryOut, Reason


def entry_out(entry: Any) -> EvidenceEntryOut:
    """From an EvidenceEntry or a Core row of evidence_entries (same attribute names)."""
    return EvidenceEntryOut(seq=entry.seq, kind=entry.kind, ref=entry.ref, payload=entry.payload,
                            payload_sha256=entry.payload_sha256, prev_hash=entry.prev_hash, hash=entry.hash,
                            signature=entry.signature, kid=entry.kid, at=entry.at)


def chain_ok(entries_checked: int) -> ChainReport:
    return ChainReport(ok=True, entries_checked=entries_checked, first_bad_seq=None, reason=None,
                       message_zh=f"存证链完整：已核验 {entries_checked} 条",
                       message_en=f"evidence chain intact: {entries_checked} entries verified")


def chain_bad(entries_checked: int, seq: int, reason: Reason) -> ChainReport:
    zh, en = REASON_LABELS[reason]
    return ChainReport(ok=False, entries_checked=entries_checked, first_bad_seq=seq, reason=reason,
                       message_zh=f"存证链在第 {seq} 条失效：{zh}", message_en=f"evidence chain fails at seq {seq} ({reason}): {en}")
