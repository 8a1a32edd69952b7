"""The rolling 6-digit code: RFC 6238 TOTP (HMAC-SHA1, 30 s steps, T0 = 0, base32 secret), as any
authenticator app, pyotp and the driver app's JavaScript compute it.

The HOTP truncation (RFC 4226 §5.3) is done here rather than through pyotp.TOTP, which decodes the
base32 secret in pure Python on every code: at a gate checking ±1 step that was a quarter of the
cost of a whole verification. The tests hold both to RFC 6238's vectors and to pyotp.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re

import pyotp

STEP_S = 30
DIGITS = 6
# More than this many steps of tolerance would let a screenshot live for minutes.
MAX_DRIFT_STEPS = 4
CODE_PATTERN = re.compile(r"[0-9]{6}")
# Upper-case RFC 4648 base32 without padding, at least 24 characters (120 bits; NIST SP 800-63B and
# pyotp want 112).
SECRET_PATTERN = re.compile(r"[A-Z2-7]{24,128}")


def new_totp_secret() -> str:
    """A fresh per-order secret: 32 base32 characters (160 bits, RFC 4226's recommended key size)."""
    return pyotp.random_base32()


def _key(secret: str) -> bytes:
    if not isinstance(secret, str) or not SECRET_PATTERN.fullmatch(secret):
        raise ValueError("a TOTP secret is 24-128 characters of upper-case base32 without padding")
    try:
        return base64.b32decode(secret + "=" * (-len(secret) % 8))
    except binascii.Error as exc:  # a length no base32 encoder produces (e.g. 17 characters)
        raise ValueError("a TOTP secret must be whole base32") from exc


def _hotp(key: bytes, step: int) -> str:
    digest = hmac.digest(key, step.to_bytes(8, "big"), "sha1")
    offset = digest[-1] & 0x0F
    value = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{value % 10**DIGITS:0{DIGITS}d}"


def step_at(at_s: int) -> int:
    """The TOTP time step (counter) that contains Unix second `at_s`."""
    return at_s // STEP_S


def current_code(secret: str, *, at_s: int) -> str:
    """The 6-digit code shown at Unix second `at_s` (>= 0)."""
    if at_s < 0:
        raise ValueError("at_s must be >= 0")
    return _hotp(_key(secret), step_at(at_s))


def matching_step(secret: str, code: str, *, at_s: int, drift_steps: int) -> int | None:
    """The step within ±drift_steps of `at_s` whose code is `code` (nearest first), or None."""
    key = _key(secret)
    now = step_at(at_s)
    for offset in sorted(range(-drift_steps, drift_steps + 1), key=abs):
        step = now + offset
        if step >= 0 and hmac.compare_digest(_hotp(key, step), code):
            return step
    return None
