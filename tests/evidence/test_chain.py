"""The chain as appended: linked, hashed and signed as specified, and it re-verifies."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from backend.db.unit import unit_of_work
from backend.domain.evidence import service as evidence
from backend.errors import Invalid
from tests.evidence import helpers as h


async def test_entries_are_numbered_from_one_and_linked(ctx):
    refs = await h.append_notes(ctx, 5)
    assert [r.seq for r in refs] == [1, 2, 3, 4, 5]
    rows = [await h.row(ctx, seq) for seq in range(1, 6)]
    assert rows[0]["prev_hash"] == "0" * 64
    for before, after in zip(rows, rows[1:], strict=False):
        assert after["prev_hash"] == before["hash"]
    assert [r["hash"] for r in rows] == [r.hash for r in refs]
    report = await h.verify(ctx)
    assert (report.ok, report.entries_checked, report.first_bad_seq, report.reason) == (True, 5, None, None)


async def test_an_entry_is_what_the_spec_says_and_checks_with_the_published_key_alone(ctx):
    payload = {"ticket_no": "BD20260101001", "net_kg": 32150, "plate": "蒙K66888", "void": None, "ok": True}
    made = await h.append(ctx, kind="weigh_ticket", ref="BD20260101001", payload=payload)
    stored = await h.row(ctx, made.seq)
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert stored["payload"] == text and "蒙K66888" in stored["payload"]
    assert stored["payload_sha256"] == hashlib.sha256(text.encode()).hexdigest()
    kid, pem = evidence.public_key(ctx.settings)
    assert stored["kid"] == kid and "PRIVATE" not in pem
    public = serialization.load_pem_public_key(pem.encode())
    assert isinstance(public, Ed25519PublicKey)
    public.verify(bytes.fromhex(stored["signature"]), bytes.fromhex(stored["hash"]))  # raises if not
    assert made.at.tzinfo is not None
    async with unit_of_work(ctx) as session:
        out = await evidence.entry_for(session, kind="weigh_ticket", ref="BD20260101001")
        missing = await evidence.entry_for(session, kind="weigh_ticket", ref="nope")
    assert out is not None and (out.seq, out.hash, out.payload, out.at) == (1, made.hash, text, made.at)
    assert missing is None


async def test_a_given_time_is_kept_to_the_microsecond_in_utc(ctx):
    beijing = timezone(timedelta(hours=8))
    whole_second = datetime(2026, 3, 1, 16, 30, 0, tzinfo=beijing)
    made = await h.append(ctx, ref="A", payload={}, at=whole_second)
    odd = await h.append(ctx, ref="B", payload={}, at=datetime(2026, 3, 1, 8, 30, 0, 7, tzinfo=UTC))
    assert made.at == whole_second and made.at.utcoffset() == timedelta(0)
    assert (await h.row(ctx, 1))["at"] == whole_second and (await h.row(ctx, 2))["at"] == odd.at
    assert (await h.verify(ctx)).ok
    async with unit_of_work(ctx) as session:
        with pytest.raises(ValueError):
            await evidence.append(session, settings=ctx.settings, kind="note", ref="C", payload={},
                                  at=datetime(2026, 3, 1, 8, 30))


async def test_a_rolled_back_append_leaves_no_gap(ctx):
    await h.append_notes(ctx, 2)
    async with unit_of_work(ctx) as session:
        lost = await evidence.append(session, settings=ctx.settings, kind="note", ref="R", payload={"x": 1})
        await session.rollback()
    assert lost.seq == 3
    again = await h.append(ctx, ref="R", payload={"x": 1})
    assert again.seq == 3
    assert (await h.verify(ctx)).entries_checked == 3


@pytest.mark.parametrize("payload", [
    {"net_t": 32.15}, {"when": datetime(2026, 1, 1)}, {"nested": {1: "x"}},
    {"id": uuid.uuid4()}, {"set": {1, 2}},
])
async def test_payloads_that_are_not_json_native_are_refused_before_anything_is_written(ctx, payload):
    async with unit_of_work(ctx) as session:
        with pytest.raises(Invalid) as raised:
            await evidence.append(session, settings=ctx.settings, kind="note", ref="X", payload=payload)
    assert raised.value.code == "evidence_payload_invalid" and raised.value.field == "payload"
    assert (await h.append(ctx, ref="X", payload={"fine": [1, "2", None]})).seq == 1


@pytest.mark.parametrize(("kind", "ref", "code"), [
    ("", "A", "evidence_kind_invalid"), ("Weigh Ticket", "A", "evidence_kind_invalid"), ("k" * 33, "A", "evidence_kind_invalid"),
    ("note", "", "evidence_ref_invalid"), ("note", "x" * 65, "evidence_ref_invalid"), ("note", "a\nb", "evidence_ref_invalid"),
])
async def test_kind_and_ref_are_checked(ctx, kind, ref, code):
    async with unit_of_work(ctx) as session:
        with pytest.raises(Invalid) as raised:
            await evidence.append(session, settings=ctx.settings, kind=kind, ref=ref, payload={})
    assert raised.value.code == code


async def test_from_seq_trusts_the_entry_before_it(ctx):
    await h.append_notes(ctx, 4)
    await h.sql(ctx, "UPDATE evidence_entries SET payload = :p WHERE seq = 2", p='{"n":99}')
    assert (await h.verify(ctx)).first_bad_seq == 2
    later = await h.verify(ctx, from_seq=3)
    assert (later.ok, later.entries_checked) == (True, 2)
    assert (await h.verify(ctx, from_seq=9)).ok  # past the end: nothing to check


async def test_an_empty_chain_verifies(ctx):
    report = await h.verify(ctx)
    assert (report.ok, report.entries_checked) == (True, 0)


def test_default_resolvers_take_the_features_present_and_hide_no_import_error(monkeypatch, tmp_path):
    from backend.domain.evidence import resolvers

    monkeypatch.setattr(resolvers, "_KNOWN", {
        "present": ("backend.domain.evidence.canonical", "canonical_json"),
        "absent_package": ("backend.domain.no_such_feature.tickets", "ticket_payload"),
        "absent_module": ("backend.domain.evidence.no_such_module", "ticket_payload"),
    })
    found = resolvers.default_resolvers()
    assert list(found) == ["present"] and found["present"].__name__ == "canonical_json"
    (tmp_path / "mt_broken_feature.py").write_text("import no_such_dependency_anywhere\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(resolvers, "_KNOWN", {"broken": ("mt_broken_feature", "ticket_payload")})
    with pytest.raises(ModuleNotFoundError):
        resolvers.default_resolvers()  # a feature that exists but cannot import is an error, not "absent"
