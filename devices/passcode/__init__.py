"""One-code pass (一码通行): issue on the platform, verify at the gate online or offline.

Pure library (stdlib, `cryptography`, `pyotp`): the platform and the lane's edge agent run the
same code (DESIGN §6). A pickup order's pass is a platform-signed token plus a rolling TOTP code.

QR text shown by the driver's phone (ASCII, ~260 characters for one site)::

    MT1.<payload>.<signature>.<code>

    MT1        format and version; also the start of the signed bytes (domain separation)
    payload    unpadded base64url of compact UTF-8 JSON, keys in this order:
                 {"o":order id,"p":plate,"s":[site id,...],"f":valid_from_s,"u":valid_until_s,"k":kid}
               ids are the 16 UUID bytes as 22 base64url characters; the plate is in normal form
               (NFKC, no whitespace or middle dots, upper case; e.g. "蒙B12345"); times are Unix
               seconds, valid for f <= t < u; kid names the platform key (1-16 of [A-Za-z0-9_-])
    signature  unpadded base64url of the 64-byte Ed25519 signature over the ASCII bytes "MT1.<payload>"
    code       6 digits: RFC 6238 TOTP (HMAC-SHA1, 30 s step, T0 = 0) of the order's base32 secret

A printed static pass is the token alone, `MT1.<payload>.<signature>`, accepted only with a
matching plate reading (`verify_static`). Base64url is strict (no padding, canonical trailing
bits) and the JSON strict (exact key set, integers only, no duplicate keys), so each pass has one
spelling. Example payload JSON::

    {"o":"EjRWeBI0VngSNFZ4EjRWeA","p":"蒙B12345","s":["ESIzRFVmd4iZqrvM3e7_AA"],"f":1767225600,"u":1767312000,"k":"k2026a"}

Verification order and refusal codes: see `verify`. Once-only use of a code per gate transition
is the caller's (record `Verdict.totp_step`); the offline bundle format: see `bundle`.
"""

from devices.passcode.bundle import BundleEntry, OfflineBundle, open_bundle, seal_bundle
from devices.passcode.claims import PassClaims, normalise_plate
from devices.passcode.errors import REFUSALS, PassRefused
from devices.passcode.gate import Verdict, render_qr_text, verify, verify_static
from devices.passcode.keys import TOKEN_PREFIX, PassSigner, PassVerifier, generate_signing_key
from devices.passcode.totp import STEP_S, current_code, new_totp_secret

__all__ = [
    "REFUSALS",
    "STEP_S",
    "TOKEN_PREFIX",
    "BundleEntry",
    "OfflineBundle",
    "PassClaims",
    "PassRefused",
    "PassSigner",
    "PassVerifier",
    "Verdict",
    "current_code",
    "generate_signing_key",
    "new_totp_secret",
    "normalise_plate",
    "open_bundle",
    "render_qr_text",
    "seal_bundle",
    "verify",
    "verify_static",
]
