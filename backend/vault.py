"""Encryption of personal data at rest (PIPL) and keyed lookup hashes for uniqueness.

ID card numbers are stored as AES-GCM ciphertext plus an HMAC lookup hash: the hash finds a
duplicate without decrypting anything, and a database dump alone reveals no number.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE_BYTES = 12


class Vault:
    def __init__(self, data_key_b64: str) -> None:
        raw = base64.urlsafe_b64decode(data_key_b64 + "=" * (-len(data_key_b64) % 4))
        if len(raw) < 32:
            raise ValueError("data key must be at least 32 bytes")
        # Separate sub-keys so a lookup hash never reveals anything about the cipher key.
        self._enc_key = hmac.new(raw, b"meitong/enc/v1", hashlib.sha256).digest()
        self._mac_key = hmac.new(raw, b"meitong/lookup/v1", hashlib.sha256).digest()
        self._aead = AESGCM(self._enc_key)

    def encrypt(self, plaintext: str, *, context: str) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), context.encode())
        return "v1:" + base64.urlsafe_b64encode(nonce + sealed).decode()

    def decrypt(self, token: str, *, context: str) -> str:
        if not token.startswith("v1:"):
            raise ValueError("unknown ciphertext version")
        blob = base64.urlsafe_b64decode(token[3:])
        return self._aead.decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], context.encode()).decode()

    def lookup_hash(self, value: str, *, context: str) -> str:
        return hmac.new(self._mac_key, f"{context}:{value}".encode(), hashlib.sha256).hexdigest()
