"""The evidence chain (存证): append-only entries, and the one head row that orders them.

`evidence_head` holds a single row (id 1): the last seq and its hash. Every append UPDATEs it
first, so the database's write lock (PostgreSQL's row lock, SQLite's database lock) is held
before the previous hash is read: appends are serial, and seq is gap-free because the head and
the entry commit or roll back together with the caller's transaction. The row is made lazily by
the first append (tests and fresh databases start with empty tables).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base

HEAD_ID = 1


class EvidenceEntry(Base):
    __tablename__ = "evidence_entries"
    __table_args__ = (
        Index("ix_evidence_entries_kind_ref_seq", "kind", "ref", "seq"),
        CheckConstraint("seq >= 1", name="seq_positive"),
    )

    # The primary key is the chain position itself: unique, assigned from the head, never reused.
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(32))  # weigh_ticket, waybill, settlement …
    ref: Mapped[str] = mapped_column(String(64))  # the recorded object's id
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON, exactly the bytes that were hashed
    payload_sha256: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))  # Ed25519 over the 32 hash bytes, hex
    kid: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime]


class EvidenceHead(Base):
    __tablename__ = "evidence_head"
    __table_args__ = (CheckConstraint(f"id = {HEAD_ID}", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
