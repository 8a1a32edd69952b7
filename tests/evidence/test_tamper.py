"""Any edit of a stored entry, made straight in the database, fails re-verification at that entry."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from backend.domain.evidence import canonical
from tests.evidence import helpers as h

EDITS = [
    ("payload", "UPDATE evidence_entries SET payload = :v WHERE seq = 3", '{"n":3,"tags":["a",3],"text":"改"}',
     "payload_hash_mismatch"),
    ("hash", "UPDATE evidence_entries SET hash = :v WHERE seq = 3", "ab" * 32, "hash_mismatch"),
    ("prev_hash", "UPDATE evidence_entries SET prev_hash = :v WHERE seq = 3", "cd" * 32, "broken_link"),
    ("ref", "UPDATE evidence_entries SET ref = :v WHERE seq = 3", "N-999", "hash_mismatch"),
    ("kind", "UPDATE evidence_entries SET kind = :v WHERE seq = 3", "waybill", "hash_mismatch"),
    ("signature", "UPDATE evidence_entries SET signature = :v WHERE seq = 3", "00" * 64, "bad_signature"),
    ("kid", "UPDATE evidence_entries SET kid = :v WHERE seq = 3", "evffffffffff", "bad_signature"),
]


@pytest.mark.parametrize(("column", "statement", "value", "reason"), EDITS, ids=[e[0] for e in EDITS])
async def test_an_edited_column_fails_at_its_entry(ctx, column, statement, value, reason):
    await h.append_notes(ctx, 5)
    assert (await h.verify(ctx)).ok
    await h.sql(ctx, statement, v=value)
    report = await h.verify(ctx)
    assert (report.ok, report.first_bad_seq, report.reason, report.entries_checked) == (False, 3, reason, 2)
    assert "第 3 条" in report.message_zh and "seq 3" in report.message_en and reason in report.message_en


async def test_a_payload_edited_with_its_own_sha256_fails_on_the_entry_hash(ctx):
    await h.append_notes(ctx, 4)
    forged = '{"n":2,"tags":[],"text":"forged"}'
    await h.sql(ctx, "UPDATE evidence_entries SET payload = :p, payload_sha256 = :s WHERE seq = 2",
                p=forged, s=hashlib.sha256(forged.encode()).hexdigest())
    report = await h.verify(ctx)
    assert (report.first_bad_seq, report.reason) == (2, "hash_mismatch")


async def test_a_moved_timestamp_fails_on_the_entry_hash(ctx):
    await h.append_notes(ctx, 3)
    at = (await h.row(ctx, 2))["at"]
    await h.set_columns(ctx, 2, at=at + timedelta(microseconds=1))
    report = await h.verify(ctx)
    assert (report.first_bad_seq, report.reason) == (2, "hash_mismatch")


async def test_a_deleted_entry_is_a_gap(ctx):
    await h.append_notes(ctx, 5)
    await h.sql(ctx, "DELETE FROM evidence_entries WHERE seq = 3")
    report = await h.verify(ctx)
    assert (report.ok, report.first_bad_seq, report.reason) == (False, 3, "seq_gap")


async def test_a_deleted_last_entry_disagrees_with_the_head(ctx):
    await h.append_notes(ctx, 5)
    await h.sql(ctx, "DELETE FROM evidence_entries WHERE seq = 5")
    report = await h.verify(ctx)
    assert (report.ok, report.first_bad_seq, report.reason, report.entries_checked) == (False, 5, "head_mismatch", 4)


async def test_a_rewritten_tail_signed_with_another_key_fails_at_its_first_entry(ctx):
    """A forger with database access re-links every entry from seq 3 and moves the head along;
    only the platform's key is missing, and that is where it fails."""
    await h.append_notes(ctx, 5)
    forger = Ed25519PrivateKey.generate()
    prev_hash = (await h.row(ctx, 2))["hash"]
    for seq in range(3, 6):
        entry = await h.row(ctx, seq)
        text = canonical.canonical_json({"n": seq, "forged": True})
        payload_sha256 = canonical.sha256_hex(text)
        digest = canonical.entry_hash(seq=seq, kind=entry["kind"], ref=entry["ref"], payload_sha256=payload_sha256,
                                      prev_hash=prev_hash, at=entry["at"])
        await h.sql(ctx, "UPDATE evidence_entries SET payload = :p, payload_sha256 = :s, prev_hash = :prev, "
                    "hash = :hash, signature = :sig WHERE seq = :seq", p=text, s=payload_sha256, prev=prev_hash,
                    hash=digest, sig=forger.sign(bytes.fromhex(digest)).hex(), seq=seq)
        prev_hash = digest
    await h.sql(ctx, "UPDATE evidence_head SET hash = :hash", hash=prev_hash)
    report = await h.verify(ctx)
    assert (report.first_bad_seq, report.reason) == (3, "bad_signature")
    # The same forgery with the platform's own key would pass: the test above fails for the right reason.
    private = serialization.load_pem_private_key(ctx.settings.evidence_signing_key_pem.encode(), password=None)
    for seq in range(3, 6):
        digest = (await h.row(ctx, seq))["hash"]
        await h.sql(ctx, "UPDATE evidence_entries SET signature = :sig WHERE seq = :seq",
                    sig=private.sign(bytes.fromhex(digest)).hex(), seq=seq)  # type: ignore[union-attr]
    assert (await h.verify(ctx)).ok

