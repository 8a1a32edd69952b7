"""Signatures hold only under the platform's key, current or retired."""

from __future__ import annotations

import dataclasses

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from backend.db.unit import unit_of_work
from backend.domain.evidence import service as evidence
from tests.evidence import helpers as h


def _new_private_pem() -> str:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()


async def test_a_chain_checked_with_a_wrong_key_fails_at_its_first_entry(ctx):
    await h.append_notes(ctx, 3)
    stranger = dataclasses.replace(ctx.settings, evidence_signing_key_pem=_new_private_pem())
    report = await h.verify(ctx, settings=stranger)
    assert (report.ok, report.first_bad_seq, report.reason) == (False, 1, "bad_signature")


async def test_after_a_key_rotation_old_entries_verify_with_the_retired_public_key(ctx):
    await h.append_notes(ctx, 2)
    old_kid, old_pem = evidence.public_key(ctx.settings)
    rotated = dataclasses.replace(ctx.settings, evidence_signing_key_pem=_new_private_pem(),
                                  evidence_previous_public_keys={old_kid: old_pem})
    new_kid, _ = evidence.public_key(rotated)
    assert new_kid != old_kid and new_kid.startswith("ev")
    async with unit_of_work(ctx) as session:
        await evidence.append(session, settings=rotated, kind="note", ref="after", payload={"rotated": True})
        await session.commit()
    assert (await h.row(ctx, 3))["kid"] == new_kid
    report = await h.verify(ctx, settings=rotated)
    assert (report.ok, report.entries_checked) == (True, 3)
    # The retired kid bound to some other key does not pass: the PEM is what counts, not the name.
    wrong_pem = Ed25519PrivateKey.from_private_bytes(b"\x01" * 32).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    impostor = dataclasses.replace(rotated, evidence_previous_public_keys={old_kid: wrong_pem})
    bad = await h.verify(ctx, settings=impostor)
    assert (bad.first_bad_seq, bad.reason) == (1, "bad_signature")
    # And the old settings do not know the new key.
    assert (await h.verify(ctx)).first_bad_seq == 3
