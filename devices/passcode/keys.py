"""The platform's Ed25519 keys: generate, sign passes (and bundles), verify by key id."""

from __future__ import annotations

from collections.abc import Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)

from devices.passcode.claims import KID_PATTERN, PassClaims, encode_payload
from devices.passcode.codec import b64e

TOKEN_PREFIX = "MT1"
_TOKEN_SIGNING_PREFIX = (TOKEN_PREFIX + ".").encode("ascii")


def generate_signing_key() -> tuple[str, str]:
    """A fresh Ed25519 key pair as (private PKCS#8 PEM, public SubjectPublicKeyInfo PEM)."""
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    public_pem = key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    return private_pem.decode("ascii"), public_pem.decode("ascii")


def _pem_bytes(pem: str | bytes) -> bytes:
    return pem.encode("ascii") if isinstance(pem, str) else pem


def _check_kid(kid: object) -> str:
    if not isinstance(kid, str) or not KID_PATTERN.fullmatch(kid):
        raise ValueError("kid must be 1-16 characters of [A-Za-z0-9_-]")
    return kid


class PassSigner:
    """Signs passes with the platform key named `kid` (platform side only: it holds the private key)."""

    __slots__ = ("_key", "kid", "public_key_pem")

    def __init__(self, *, private_key_pem: str | bytes, kid: str) -> None:
        key = load_pem_private_key(_pem_bytes(private_key_pem), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the pass signing key must be Ed25519")
        self._key = key
        self.kid = _check_kid(kid)
        self.public_key_pem = (
            key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode("ascii")
        )

    def sign(self, claims: PassClaims) -> str:
        """The token `MT1.<payload>.<signature>` (the QR text without its rolling code)."""
        if claims.kid != self.kid:
            raise ValueError(f"claims name key {claims.kid!r} but this signer holds {self.kid!r}")
        signing_input = f"{TOKEN_PREFIX}.{b64e(encode_payload(claims))}"
        signature = self._key.sign(signing_input.encode("ascii"))
        return f"{signing_input}.{b64e(signature)}"

    def sign_bytes(self, message: bytes) -> bytes:
        """Raw signature for other platform documents (the offline bundle).

        Such messages must start with their own prefix; one that could pass for a token is refused,
        so no other signed document can ever be shown at a gate as a pass.
        """
        if message.startswith(_TOKEN_SIGNING_PREFIX):
            raise ValueError("only PassSigner.sign may sign a message that looks like a pass")
        return self._key.sign(message)


class PassVerifier:
    """Checks signatures against the platform public keys, by key id (several during a rotation)."""

    __slots__ = ("_keys",)

    def __init__(self, public_keys: Mapping[str, str | bytes]) -> None:
        keys: dict[str, Ed25519PublicKey] = {}
        for kid, pem in public_keys.items():
            key = load_pem_public_key(_pem_bytes(pem))
            if not isinstance(key, Ed25519PublicKey):
                raise ValueError(f"key {kid!r} is not an Ed25519 public key")
            keys[_check_kid(kid)] = key
        self._keys = keys

    @property
    def kids(self) -> frozenset[str]:
        return frozenset(self._keys)

    def knows(self, kid: str) -> bool:
        return kid in self._keys

    def signature_ok(self, *, kid: str, message: bytes, signature: bytes) -> bool:
        """False for a bad signature and for an unknown kid alike."""
        key = self._keys.get(kid)
        if key is None:
            return False
        try:
            key.verify(signature, message)
        except InvalidSignature:
            return False
        return True
