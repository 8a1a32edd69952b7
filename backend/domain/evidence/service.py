"""The evidence chain (存证): append a record, look one up, publish the key; verification is in `verify`.

`append` runs inside the CALLER's transaction and never commits: the caller commits its own change
(a weigh ticket, a waybill) and the entry recording it together, or neither. From the head UPDATE
to that commit the caller holds the chain's write lock, so append as the last step before commit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Table, select, update
from sqlalchemy import insert as sql_insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.evidence import canonical, errors, keys, views
from backend.domain.evidence.models import HEAD_ID, EvidenceEntry, EvidenceHead
from backend.domain.evidence.resolvers import default_resolvers
from backend.domain.evidence.schemas import EvidenceEntryOut, EvidenceRef
from backend.domain.evidence.verify import verify_chain, verify_entry
from backend.settings import Settings

__all__ = ["append", "default_resolvers", "entry_for", "entries_for", "public_key", "sign_hash", "verify_chain", "verify_entry",
           "verify_hash"]

_ENTRY = cast(Table, EvidenceEntry.__table__)
_HEAD = cast(Table, EvidenceHead.__table__)
_KIND = re.compile(r"^[a-z0-9_]{1,32}$")
_REF = re.compile(r"^[^\x00-\x1f\x7f]{1,64}$")


async def _take_head(session: AsyncSession) -> tuple[int, str]:
    """Advance the head by one and return (new seq, previous hash), holding the write lock.

    UPDATE first, read after: PostgreSQL locks the row and SQLite the database before the previous
    hash is read, so two appends can never both chain onto the same predecessor.
    """
    advance = (update(_HEAD).where(_HEAD.c.id == HEAD_ID).values(seq=_HEAD.c.seq + 1)
               .returning(_HEAD.c.seq, _HEAD.c.hash))
    row = (await session.execute(advance)).one_or_none()
    if row is None:
        # First append ever: make the head. ON CONFLICT DO NOTHING keeps concurrent first appends
        # safe — the loser waits for the winner's commit, inserts nothing, and then advances it.
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        await session.execute(insert(_HEAD).values(id=HEAD_ID, seq=0, hash=canonical.ZERO_HASH)
                              .on_conflict_do_nothing(index_elements=["id"]))
        row = (await session.execute(advance)).one()
    return int(row.seq), str(row.hash)


async def append(
    session: AsyncSession, *, settings: Settings, kind: str, ref: str, payload: Mapping[str, object],
    at: datetime | None = None,
) -> EvidenceRef:
    """Record `payload` (JSON-native values only: see canonical.py) as the next entry of the chain.

    Executes in the caller's transaction, never commits. `at` (UTC-aware) defaults to the moment the
    lock is held, so default times follow seq.
    """
    if not _KIND.match(kind):
        raise errors.kind_invalid()
    if not _REF.match(ref):
        raise errors.ref_invalid()
    try:
        text = canonical.canonical_json(payload)
    except (TypeError, ValueError) as exc:
        raise errors.payload_invalid(str(exc)) from exc
    if at is not None and at.tzinfo is None:
        raise ValueError("naive datetime refused: pass a UTC-aware `at`")
    seq, prev_hash = await _take_head(session)
    at = (at or utcnow()).astimezone(UTC)
    payload_sha256 = canonical.sha256_hex(text)
    digest = canonical.entry_hash(seq=seq, kind=kind, ref=ref, payload_sha256=payload_sha256,
                                  prev_hash=prev_hash, at=at)
    kid, signature = keys.sign(settings, digest)
    # Core statements, not ORM objects: the chain's rows never live in the caller's session.
    await session.execute(sql_insert(_ENTRY).values(seq=seq, kind=kind, ref=ref, payload=text,
                                                    payload_sha256=payload_sha256, prev_hash=prev_hash, hash=digest,
                                                    signature=signature, kid=kid, at=at))
    await session.execute(update(_HEAD).where(_HEAD.c.id == HEAD_ID).values(hash=digest))
    return EvidenceRef(seq=seq, hash=digest, at=at)


async def entry_for(session: AsyncSession, *, kind: str, ref: str) -> EvidenceEntryOut | None:
    """The latest entry recording (kind, ref): an object changed later has several."""
    query = select(_ENTRY).where(_ENTRY.c.kind == kind, _ENTRY.c.ref == ref).order_by(_ENTRY.c.seq.desc()).limit(1)
    entry = (await session.execute(query)).first()
    return views.entry_out(entry) if entry else None


def public_key(settings: Settings) -> tuple[str, str]:
    """(kid, Ed25519 public key PEM) that anyone can check entry signatures with."""
    return keys.current(settings)


def sign_hash(settings: Settings, hash_hex: str) -> tuple[str, str]:
    """(kid, Ed25519 signature hex) over a SHA-256 the platform vouches for (an evidence pack's
    manifest), with the chain's key: one published key checks entries and packs alike."""
    return keys.sign(settings, hash_hex)


def verify_hash(settings: Settings, *, kid: str, hash_hex: str, signature_hex: str) -> bool:
    """True when a known key (current or retired) with this kid signed this SHA-256."""
    try:
        return keys.verify(settings, kid=kid, hash_hex=hash_hex, signature_hex=signature_hex)
    except ValueError:
        return False


async def entries_for(session: AsyncSession, *, kind: str, refs: list[str]) -> list[EvidenceEntryOut]:
    """Every entry recording these objects of `kind`, in chain order (an object changed later has several)."""
    if not refs:
        return []
    query = select(_ENTRY).where(_ENTRY.c.kind == kind, _ENTRY.c.ref.in_(refs)).order_by(_ENTRY.c.seq)
    return [views.entry_out(e) for e in (await session.execute(query)).all()]
