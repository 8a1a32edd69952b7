"""The evidence signing key: sign entry hashes, verify them, publish the public half.

Each key names itself (kid = "ev" + the first 10 hex digits of the SHA-256 of its raw public
key), so an entry's kid finds its key among the current one and the retired ones in
`settings.evidence_previous_public_keys` without any registry to keep in step.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from backend.settings import Settings


@lru_cache(maxsize=4)
def _private(pem: str) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the evidence signing key must be an Ed25519 private key (PEM)")
    return key


@lru_cache(maxsize=16)
def _public(pem: str) -> Ed25519PublicKey | None:
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except ValueError:
        return None
    return key if isinstance(key, Ed25519PublicKey) else None


def _kid_of(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ev" + hashlib.sha256(raw).hexdigest()[:10]


@lru_cache(maxsize=4)
def _current(private_pem: str) -> tuple[str, str]:
    public = _private(private_pem).public_key()
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return _kid_of(public), pem.decode()


def current(settings: Settings) -> tuple[str, str]:
    """(kid, public key PEM) of the key that signs new entries."""
    return _current(settings.evidence_signing_key_pem)


def sign(settings: Settings, hash_hex: str) -> tuple[str, str]:
    """(kid, signature hex) over the 32 bytes of an entry hash."""
    kid, _ = _current(settings.evidence_signing_key_pem)
    return kid, _private(settings.evidence_signing_key_pem).sign(bytes.fromhex(hash_hex)).hex()


def verify(settings: Settings, *, kid: str, hash_hex: str, signature_hex: str) -> bool:
    """True when a known key (current or retired) with this kid signed this hash."""
    current_kid, current_pem = current(settings)
    pem = current_pem if kid == current_kid else settings.evidence_previous_public_keys.get(kid)
    public = _public(pem) if pem else None
    if public is None:
        return False
    try:
        public.verify(bytes.fromhex(signature_hex), bytes.fromhex(hash_hex))
    except (InvalidSignature, ValueError):
        return False
    return True
