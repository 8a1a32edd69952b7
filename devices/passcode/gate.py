"""Gate-side checks of a scanned pass: dynamic (`verify`) and printed static (`verify_static`).

Both are total: whatever string a scanner hands over, the answer is a `Verdict`, never an
exception (exceptions are kept for the caller's own mistakes, such as a bad `drift_steps`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from devices.passcode.claims import PassClaims, decode_payload, normalise_plate
from devices.passcode.codec import b64d
from devices.passcode.errors import PassRefused, refused
from devices.passcode.keys import TOKEN_PREFIX, PassVerifier
from devices.passcode.totp import CODE_PATTERN, MAX_DRIFT_STEPS, current_code, matching_step

# A real QR text is ~260 characters; anything far longer is refused before any decoding work.
MAX_QR_CHARS = 1024
_ED25519_SIGNATURE_BYTES = 64


@dataclass(frozen=True, slots=True)
class Verdict:
    """ok=True with claims and (for a dynamic pass) totp_step; or ok=False with one refusal.

    On a refusal, `claims` is set only when the signature verified (wrong site, plate, time or
    code), so a gate can show which order was refused; it is None when the claims are untrusted.
    """

    ok: bool
    claims: PassClaims | None = None
    totp_step: int | None = None
    refusal: PassRefused | None = None

    @property
    def code(self) -> str:
        return "ok" if self.refusal is None else self.refusal.code


def _refuse(code: str, claims: PassClaims | None = None) -> Verdict:
    return Verdict(ok=False, claims=claims, refusal=refused(code))


@dataclass(frozen=True, slots=True)
class _Scanned:
    signing_input: bytes
    claims: PassClaims
    signature: bytes
    code: str | None


def _scan(text: object, *, with_code: bool) -> _Scanned | None:
    """Split and decode a QR text; None when it is not a well-formed pass."""
    if not isinstance(text, str) or len(text) > MAX_QR_CHARS:
        return None
    # Scanners in keyboard mode append CR/LF; surrounding whitespace is never part of a pass.
    parts = text.strip().split(".")
    if len(parts) != (4 if with_code else 3) or parts[0] != TOKEN_PREFIX:
        return None
    code = parts[3] if with_code else None
    if code is not None and not CODE_PATTERN.fullmatch(code):
        return None
    try:
        claims = decode_payload(b64d(parts[1]))
        signature = b64d(parts[2])
    except ValueError:
        return None
    if len(signature) != _ED25519_SIGNATURE_BYTES:
        return None
    return _Scanned(f"{TOKEN_PREFIX}.{parts[1]}".encode("ascii"), claims, signature, code)


def _check(
    scanned: _Scanned | None,
    *,
    verifier: PassVerifier,
    site_id: uuid.UUID,
    plate_seen: str | None,
    plate_required: bool,
    at_s: int,
) -> Verdict | PassClaims:
    """Every check before the rolling code, in the documented order; claims when all pass."""
    if not isinstance(site_id, uuid.UUID):
        # A str would never match and turn every pass into pass_wrong_site: the caller's bug, loudly.
        raise TypeError("site_id must be a uuid.UUID")
    if scanned is None:
        return _refuse("pass_malformed")
    claims = scanned.claims
    if not verifier.knows(claims.kid):
        return _refuse("pass_unknown_key")
    if not verifier.signature_ok(kid=claims.kid, message=scanned.signing_input, signature=scanned.signature):
        return _refuse("pass_signature_invalid")
    if site_id not in claims.site_ids:
        return _refuse("pass_wrong_site", claims)
    if plate_seen is None:
        if plate_required:
            return _refuse("pass_plate_required", claims)
    elif normalise_plate(plate_seen) != claims.plate:
        return _refuse("pass_wrong_plate", claims)
    if at_s < claims.valid_from_s:
        return _refuse("pass_not_yet_valid", claims)
    if at_s >= claims.valid_until_s:
        return _refuse("pass_expired", claims)
    return claims


def verify(
    qr_text: str,
    *,
    verifier: PassVerifier,
    site_id: uuid.UUID,
    plate_seen: str | None,
    at_s: int,
    totp_secret_for: Callable[[uuid.UUID], str | None],
    drift_steps: int = 1,
) -> Verdict:
    """Verify a phone-shown pass `MT1.<payload>.<signature>.<code>` at gate `site_id` at Unix second `at_s`.

    Refusal codes, checked in this order (the first failing one is returned):
    pass_malformed · pass_unknown_key · pass_signature_invalid · pass_wrong_site ·
    pass_wrong_plate (only when `plate_seen` is given) · pass_not_yet_valid · pass_expired ·
    pass_totp_stale (the code is not that of a step within ±drift_steps, or the order's secret is
    unknown to `totp_secret_for`).

    Once-only use is the caller's: on ok, record (claims.order_id, totp_step, transition) atomically
    (Redis SET NX with a TTL of at least (2*drift_steps+1)*30 s, or a unique SQL row) and refuse a
    second use; this function is pure and will verify the same text again.
    """
    if type(drift_steps) is not int or not 0 <= drift_steps <= MAX_DRIFT_STEPS:
        raise ValueError(f"drift_steps must be an int in [0, {MAX_DRIFT_STEPS}]")
    scanned = _scan(qr_text, with_code=True)
    outcome = _check(
        scanned, verifier=verifier, site_id=site_id, plate_seen=plate_seen, plate_required=False, at_s=at_s
    )
    if isinstance(outcome, Verdict):
        return outcome
    assert scanned is not None and scanned.code is not None  # _check refuses a None scan
    secret = totp_secret_for(outcome.order_id)
    step = None if secret is None else matching_step(secret, scanned.code, at_s=at_s, drift_steps=drift_steps)
    if step is None:
        return _refuse("pass_totp_stale", outcome)
    return Verdict(ok=True, claims=outcome, totp_step=step)


def verify_static(
    token: str,
    *,
    verifier: PassVerifier,
    site_id: uuid.UUID,
    plate_seen: str | None,
    at_s: int,
) -> Verdict:
    """Verify a printed static pass `MT1.<payload>.<signature>` (no rolling code).

    A paper pass can be copied, so it is accepted only with a plate reading that matches:
    same order as `verify`, with pass_plate_required (plate_seen is None) at the plate step and no
    TOTP step (Verdict.totp_step is None). A four-part phone text is pass_malformed here; a gate
    tells the two apart by the number of dots (3 = phone, 2 = printed).
    """
    outcome = _check(
        _scan(token, with_code=False),
        verifier=verifier,
        site_id=site_id,
        plate_seen=plate_seen,
        plate_required=True,
        at_s=at_s,
    )
    if isinstance(outcome, Verdict):
        return outcome
    return Verdict(ok=True, claims=outcome)


def render_qr_text(token: str, *, totp_secret: str, at_s: int) -> str:
    """The text the driver's phone shows as a QR at Unix second `at_s`: token + "." + 6-digit code."""
    if not isinstance(token, str) or token.count(".") != 2 or not token.startswith(TOKEN_PREFIX + "."):
        raise ValueError("not a pass token (MT1.<payload>.<signature>)")
    return f"{token}.{current_code(totp_secret, at_s=at_s)}"
