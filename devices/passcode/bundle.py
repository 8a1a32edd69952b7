"""The offline bundle: the day's order secrets for one site's gate, sealed for that site only.

    blob = ASCII bytes  MTB1.<b64url(header-json)>.<b64url(nonce12 || AES-GCM ciphertext+tag)>.<b64url(sig)>
    header = {"k": kid, "s": site id (22-char base64url), "t": issued_at_s, "n": entry count}
    key    = HKDF-SHA256(ikm=device_secret UTF-8, salt=none, info=b"meitong/offline-bundle/v1" + site_id.bytes)
    AES-256-GCM(key, nonce12, plaintext=entries JSON, aad=b"MTB1.<header-b64>")
    entries JSON = [{"o": order id, "p": plate, "x": totp secret, "u": valid_until_s}, ...]
    sig    = Ed25519 (platform key `kid`) over b"MTB1.<header-b64>.<ciphertext-b64>"

The signature proves origin (only the platform issues bundles); the encryption keeps the TOTP
secrets from anyone who copies the file off the gate without that gate's device secret; the AAD
binds the header (site, time) to the ciphertext. Keeping the newest `issued_at_s` and refusing older
bundles (rollback) is the gate's job.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from devices.passcode.claims import KID_PATTERN, MAX_PLATE_CHARS, MAX_TIME_S, normalise_plate
from devices.passcode.codec import b64d, b64e, dumps, exact_int, loads, uuid_d, uuid_e
from devices.passcode.errors import refused
from devices.passcode.keys import PassSigner, PassVerifier
from devices.passcode.totp import SECRET_PATTERN

BUNDLE_PREFIX = b"MTB1"
HKDF_INFO = b"meitong/offline-bundle/v1"
_NONCE_BYTES = 12
_TAG_BYTES = 16
# A day's orders at the busiest site are a few thousand entries of ~110 bytes; 64 MiB is garbage.
MAX_BUNDLE_BYTES = 64 * 2**20
_HEADER_KEYS = frozenset("kstn")
_ENTRY_KEYS = frozenset("opxu")


@dataclass(frozen=True, slots=True)
class BundleEntry:
    """One order a gate can verify offline. The plate is kept in normal form."""

    order_id: uuid.UUID
    plate: str
    totp_secret: str
    valid_until_s: int

    def __post_init__(self) -> None:
        if not isinstance(self.order_id, uuid.UUID):
            raise ValueError("order_id must be a UUID")
        plate = normalise_plate(self.plate) if isinstance(self.plate, str) else ""
        if not 1 <= len(plate) <= MAX_PLATE_CHARS:
            raise ValueError(f"plate must have 1-{MAX_PLATE_CHARS} characters")
        object.__setattr__(self, "plate", plate)
        if not isinstance(self.totp_secret, str) or not SECRET_PATTERN.fullmatch(self.totp_secret):
            raise ValueError("totp_secret must be upper-case base32")
        exact_int(self.valid_until_s, low=0, high=MAX_TIME_S)


@dataclass(frozen=True, slots=True)
class OfflineBundle:
    """An opened bundle; `totp_secret_for` plugs straight into `verify(..., totp_secret_for=...)`."""

    site_id: uuid.UUID
    issued_at_s: int
    kid: str
    entries: tuple[BundleEntry, ...]
    _by_order: Mapping[uuid.UUID, BundleEntry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_order = {e.order_id: e for e in self.entries}
        if len(by_order) != len(self.entries):
            raise ValueError("a bundle lists each order once")
        object.__setattr__(self, "_by_order", MappingProxyType(by_order))

    def entry_for(self, order_id: uuid.UUID) -> BundleEntry | None:
        return self._by_order.get(order_id)

    def totp_secret_for(self, order_id: uuid.UUID) -> str | None:
        entry = self._by_order.get(order_id)
        return None if entry is None else entry.totp_secret


def _key(device_secret: str, site_id: uuid.UUID) -> AESGCM:
    if not isinstance(device_secret, str) or not device_secret:
        raise ValueError("device_secret must be a non-empty string")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO + site_id.bytes)
    return AESGCM(hkdf.derive(device_secret.encode("utf-8")))


def seal_bundle(
    *,
    entries: Sequence[BundleEntry],
    site_id: uuid.UUID,
    device_secret: str,
    issued_at_s: int,
    signer: PassSigner,
) -> bytes:
    """Encrypt `entries` for the gate(s) of `site_id` holding `device_secret`, and sign the envelope."""
    entries = tuple(entries)
    if len({e.order_id for e in entries}) != len(entries):
        raise ValueError("a bundle lists each order once")
    exact_int(issued_at_s, low=0, high=MAX_TIME_S)
    header = {"k": signer.kid, "s": uuid_e(site_id), "t": issued_at_s, "n": len(entries)}
    aad = BUNDLE_PREFIX + b"." + b64e(dumps(header)).encode("ascii")
    plaintext = dumps(
        [{"o": uuid_e(e.order_id), "p": e.plate, "x": e.totp_secret, "u": e.valid_until_s} for e in entries]
    )
    nonce = os.urandom(_NONCE_BYTES)  # random per bundle; the key is reused across a site's bundles
    sealed = _key(device_secret, site_id).encrypt(nonce, plaintext, aad)
    signed = aad + b"." + b64e(nonce + sealed).encode("ascii")
    return signed + b"." + b64e(signer.sign_bytes(signed)).encode("ascii")


def _entry(obj: object) -> BundleEntry:
    if not isinstance(obj, dict) or obj.keys() != _ENTRY_KEYS:
        raise ValueError("bad entry")
    return BundleEntry(order_id=uuid_d(obj["o"]), plate=obj["p"], totp_secret=obj["x"], valid_until_s=obj["u"])


def open_bundle(blob: bytes, *, device_secret: str, site_id: uuid.UUID, verifier: PassVerifier) -> OfflineBundle:
    """Check and decrypt a bundle; raises PassRefused, with codes in this order:
    bundle_malformed · bundle_unknown_key · bundle_signature_invalid · bundle_wrong_site ·
    bundle_undecryptable (wrong device secret)."""
    if not isinstance(blob, bytes) or len(blob) > MAX_BUNDLE_BYTES:
        raise refused("bundle_malformed")
    parts = blob.split(b".")
    if len(parts) != 4 or parts[0] != BUNDLE_PREFIX:
        raise refused("bundle_malformed")
    try:
        header = loads(b64d(parts[1].decode("ascii")))
        if not isinstance(header, dict) or header.keys() != _HEADER_KEYS:
            raise ValueError("bad header")
        kid, bundle_site = header["k"], uuid_d(header["s"])
        issued_at_s = exact_int(header["t"], low=0, high=MAX_TIME_S)
        count = exact_int(header["n"], low=0, high=MAX_BUNDLE_BYTES)
        if not isinstance(kid, str) or not KID_PATTERN.fullmatch(kid):
            raise ValueError("bad kid")
        sealed = b64d(parts[2].decode("ascii"))
        signature = b64d(parts[3].decode("ascii"))
    except ValueError:
        raise refused("bundle_malformed") from None
    if len(sealed) < _NONCE_BYTES + _TAG_BYTES:
        raise refused("bundle_malformed")
    if not verifier.knows(kid):
        raise refused("bundle_unknown_key")
    signed = b".".join(parts[:3])
    if not verifier.signature_ok(kid=kid, message=signed, signature=signature):
        raise refused("bundle_signature_invalid")
    if bundle_site != site_id:
        raise refused("bundle_wrong_site")
    aad = b".".join(parts[:2])
    try:
        plaintext = _key(device_secret, site_id).decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], aad)
    except InvalidTag:
        raise refused("bundle_undecryptable") from None
    try:
        listed = loads(plaintext)
        if not isinstance(listed, list) or len(listed) != count:
            raise ValueError("entry count differs from the header")
        return OfflineBundle(
            site_id=site_id, issued_at_s=issued_at_s, kid=kid, entries=tuple(_entry(e) for e in listed)
        )
    except ValueError:
        # Signed by the platform yet unreadable: a platform bug, but still never an unexplained crash.
        raise refused("bundle_malformed") from None
