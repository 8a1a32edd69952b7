"""The platform's pass-signing key: the signer, the verifier, and the keys published to gates.

The one-code pass itself (token + rolling TOTP, refusals, offline bundles) is devices.passcode,
which the lane's edge agent runs too; this module binds it to the platform's configured keys.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from cryptography.hazmat.primitives import serialization

from backend.domain.passes.schemas import PassKeyOut, PassKeysOut
from backend.settings import Settings
from devices.passcode import PassSigner, PassVerifier

__all__ = ["published_keys", "signer", "verifier"]


def _public_pem(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def _kid(settings: Settings) -> str:
    # Without an explicit kid the key names itself: the first 8 hex digits of its public key's hash.
    if settings.pass_kid:
        return settings.pass_kid
    return "k" + hashlib.sha256(_public_pem(settings.pass_signing_key_pem).encode()).hexdigest()[:8]


@lru_cache(maxsize=4)
def _signer(private_pem: str, kid: str) -> PassSigner:
    return PassSigner(private_key_pem=private_pem, kid=kid)


def signer(settings: Settings) -> PassSigner:
    return _signer(settings.pass_signing_key_pem, _kid(settings))


def verifier(settings: Settings) -> PassVerifier:
    return PassVerifier(
        {**settings.pass_previous_public_keys, _kid(settings): _public_pem(settings.pass_signing_key_pem)}
    )


def published_keys(settings: Settings) -> PassKeysOut:
    current = _kid(settings)
    keys = [PassKeyOut(kid=current, alg="Ed25519", public_key_pem=_public_pem(settings.pass_signing_key_pem), current=True)]
    keys += [
        PassKeyOut(kid=kid, alg="Ed25519", public_key_pem=pem, current=False)
        for kid, pem in sorted(settings.pass_previous_public_keys.items())
        if kid != current
    ]
    return PassKeysOut(keys=keys)
