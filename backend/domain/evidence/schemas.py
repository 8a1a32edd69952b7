"""The evidence chain seen from outside: what an append returns, an entry, a verification report."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Literal

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from backend.structs import Out

# The live record's payload, as its owning feature builds it now; None when the record is gone.
Resolver = Callable[[AsyncSession, str], Awaitable[Mapping[str, object] | None]]

Reason = Literal[
    "payload_hash_mismatch", "hash_mismatch", "broken_link", "bad_signature", "seq_gap", "head_mismatch",
    "record_mismatch", "record_missing",
]
REASON_LABELS: dict[str, tuple[str, str]] = {
    "payload_hash_mismatch": ("存证内容被修改：内容摘要不符", "the stored payload was altered: its SHA-256 differs"),
    "hash_mismatch": ("存证条目被修改：条目哈希不符", "the entry was altered: its hash differs"),
    "broken_link": ("链条断开：与前一条目的哈希不相连", "the chain is broken: prev hash differs from the previous entry"),
    "bad_signature": ("平台签名无效或签名密钥未知", "the platform signature is invalid or its key unknown"),
    "seq_gap": ("存证条目缺失：序号不连续", "an entry is missing: the sequence has a gap"),
    "head_mismatch": ("链尾条目缺失或链头被修改", "the last entries are missing or the chain head was altered"),
    "record_mismatch": ("业务记录已被修改，与存证内容不符", "the live record was changed and no longer matches"),
    "record_missing": ("存证所记录的业务记录已被删除", "the recorded object no longer exists"),
}


class EvidenceRef(msgspec.Struct, frozen=True, kw_only=True):
    """Where an append put the record: show `seq` and `hash` on the ticket, link its verify page."""

    seq: int
    hash: str
    at: datetime


class EvidenceEntryOut(Out):
    seq: int
    kind: str
    ref: str
    payload: str
    payload_sha256: str
    prev_hash: str
    hash: str
    signature: str
    kid: str
    at: datetime


class ChainReport(Out):
    """`firstBadSeq` and `reason` are None when `ok`; `entriesChecked` counts the entries that passed."""

    ok: bool
    entries_checked: int
    first_bad_seq: int | None
    reason: Reason | None
    message_zh: str
    message_en: str


class EntryReport(Out):
    """One entry for a public verify page. `current` is False when a later entry recorded a newer
    version of the same object: the record itself is then compared against that later entry."""

    ok: bool
    reason: Reason | None
    message_zh: str
    message_en: str
    current: bool
    entry: EvidenceEntryOut

