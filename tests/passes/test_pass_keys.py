"""The platform's pass key is published, and a pass it signs verifies with only what is published."""

from __future__ import annotations

import uuid

from backend.domain.passes import service as passes
from devices.passcode import PassClaims, PassVerifier, new_totp_secret, render_qr_text, verify


async def test_published_key_verifies_a_platform_pass(client, ctx):
    r = await client.get("/api/public/pass-keys")
    assert r.status_code == 200
    keys = r.json()["keys"]
    current = next(k for k in keys if k["current"])
    assert current["alg"] == "Ed25519" and current["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")
    assert "PRIVATE" not in r.text

    site_id, order_id, secret = uuid.uuid4(), uuid.uuid4(), new_totp_secret()
    signer = passes.signer(ctx.settings)
    token = signer.sign(PassClaims(order_id=order_id, plate="蒙K66888", site_ids=(site_id,),
                                   valid_from_s=1_800_000_000, valid_until_s=1_800_086_400, kid=signer.kid))
    at_s = 1_800_000_100
    gate = PassVerifier({k["kid"]: k["publicKeyPem"] for k in keys})
    verdict = verify(render_qr_text(token, totp_secret=secret, at_s=at_s), verifier=gate, site_id=site_id,
                     plate_seen="蒙K·66888", at_s=at_s, totp_secret_for=lambda oid: secret if oid == order_id else None)
    assert verdict.ok, verdict.code
    other_site = verify(render_qr_text(token, totp_secret=secret, at_s=at_s), verifier=gate, site_id=uuid.uuid4(),
                        plate_seen=None, at_s=at_s, totp_secret_for=lambda oid: secret)
    assert other_site.code == "pass_wrong_site"
