"""The one-code pass (devices.passcode): a valid pass verifies, and every bad one is refused for ITS reason.

All times are fixed Unix seconds (T0 = 2026-01-01T00:00:00Z); nothing sleeps.
"""

from __future__ import annotations

import base64
import json
import pickle
import uuid
from typing import Any

import pyotp
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_public_key,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.passcode import (
    REFUSALS,
    BundleEntry,
    PassClaims,
    PassRefused,
    PassSigner,
    PassVerifier,
    Verdict,
    current_code,
    generate_signing_key,
    new_totp_secret,
    normalise_plate,
    open_bundle,
    render_qr_text,
    seal_bundle,
    verify,
    verify_static,
)

T0 = 1767225600  # 2026-01-01T00:00:00Z, the start of TOTP step 58907520
DAY_S = 86400
ORDER = uuid.UUID("12345678-1234-5678-1234-567812345678")
MINE = uuid.UUID("11223344-5566-7788-99aa-bbccddeeff00")
STATION = uuid.UUID("00000000-0000-4000-8000-000000000002")
ELSEWHERE = uuid.UUID("00000000-0000-4000-8000-000000000003")
PLATE = "蒙B12345"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
KID = "k2026a"

# Generated once per module: Ed25519 key generation is cheap but not free.
PRIVATE, PUBLIC = generate_signing_key()
OTHER_PRIVATE, OTHER_PUBLIC = generate_signing_key()
SIGNER = PassSigner(private_key_pem=PRIVATE, kid=KID)
VERIFIER = PassVerifier({KID: PUBLIC})
SECRETS = {ORDER: SECRET}
_loaded_public = load_pem_public_key(PUBLIC.encode())
assert isinstance(_loaded_public, Ed25519PublicKey)
VERIFIER_KEY: Ed25519PublicKey = _loaded_public


def claims(**changes: Any) -> PassClaims:
    fields: dict[str, Any] = dict(
        order_id=ORDER,
        plate=PLATE,
        site_ids=(MINE,),
        valid_from_s=T0,
        valid_until_s=T0 + DAY_S,
        kid=KID,
    )
    fields.update(changes)
    return PassClaims(**fields)


TOKEN = SIGNER.sign(claims())
AT = T0 + 3600  # an hour into the pass's day


def qr(at_s: int = AT, token: str = TOKEN, secret: str = SECRET) -> str:
    return render_qr_text(token, totp_secret=secret, at_s=at_s)


def check(text: str, **changes: Any) -> Verdict:
    kwargs: dict[str, Any] = dict(
        verifier=VERIFIER, site_id=MINE, plate_seen=PLATE, at_s=AT, totp_secret_for=SECRETS.get
    )
    kwargs.update(changes)
    return verify(text, **kwargs)


def b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def with_payload(token: str, payload: bytes) -> str:
    """The same signature under another payload: what someone editing a screenshot's QR would make."""
    prefix, _, signature = token.split(".")
    return f"{prefix}.{b64e(payload)}.{signature}"


def payload_of(token: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(b64d(token.split(".")[1]))
    return result


# --- the valid pass and its format -----------------------------------------------------------------


def test_a_valid_pass_verifies_with_its_claims_and_totp_step() -> None:
    verdict = check(qr())
    assert verdict.ok and verdict.code == "ok" and verdict.refusal is None
    assert verdict.claims == claims()
    assert verdict.totp_step == AT // 30


def test_qr_format_is_prefix_payload_signature_code_with_compact_short_key_json() -> None:
    text = qr()
    prefix, payload, signature, code = text.split(".")
    assert prefix == "MT1"
    assert b64d(payload).decode("utf-8") == (
        '{"o":"EjRWeBI0VngSNFZ4EjRWeA","p":"蒙B12345","s":["ESIzRFVmd4iZqrvM3e7_AA"],'
        '"f":1767225600,"u":1767312000,"k":"k2026a"}'
    )
    assert len(b64d(signature)) == 64 and "=" not in text
    assert code == current_code(SECRET, at_s=AT) and len(code) == 6 and code.isdigit()
    assert len(text) < 270, "the QR must stay small enough for a cheap phone screen and scanner"


def test_the_signature_is_plain_ed25519_over_the_ascii_prefix_and_payload() -> None:
    # Pinned with RFC 8032 test key 1 so a second implementation (the driver app, a vendor gate)
    # can check itself against these bytes without our code.
    raw = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    key = Ed25519PrivateKey.from_private_bytes(raw)
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    token = PassSigner(private_key_pem=pem, kid=KID).sign(claims())
    prefix, payload, signature = token.split(".")
    key.public_key().verify(b64d(signature), f"{prefix}.{payload}".encode("ascii"))  # raises if not
    assert signature == b64e(key.sign(f"MT1.{payload}".encode("ascii")))  # Ed25519 is deterministic


def test_totp_is_rfc_6238_so_any_authenticator_computes_the_same_code() -> None:
    # RFC 6238 appendix B, SHA-1 seed "12345678901234567890": 8-digit 94287082 / 07081804 -> last 6.
    seed = base64.b32encode(b"12345678901234567890").decode("ascii")
    assert current_code(seed, at_s=59) == "287082"
    assert current_code(seed, at_s=1111111109) == "081804"


@settings(max_examples=100, deadline=None)
@given(at_s=st.integers(min_value=0, max_value=2**37), secret_bytes=st.binary(min_size=15, max_size=64))
def test_codes_agree_with_pyotp(at_s: int, secret_bytes: bytes) -> None:
    secret = base64.b32encode(secret_bytes).decode("ascii").rstrip("=")
    assert current_code(secret, at_s=at_s) == pyotp.TOTP(secret).at(at_s)


@pytest.mark.parametrize(
    "secret", ["JBSWY3DPEHPK3PXPJBSWY3D", "jbswy3dpehpk3pxpjbswy3dpehpk3pxp", "A" * 25, "A" * 129, "A" * 31 + "1"]
)
def test_secrets_that_are_not_upper_case_base32_of_120_bits_or_more_are_refused(secret: str) -> None:
    with pytest.raises(ValueError):
        current_code(secret, at_s=AT)


def test_new_totp_secrets_are_160_bit_base32_and_distinct() -> None:
    secrets = {new_totp_secret() for _ in range(20)}
    assert len(secrets) == 20
    assert all(len(s) == 32 and len(base64.b32decode(s)) == 20 for s in secrets)


def test_a_pass_for_several_sites_verifies_at_each_and_nowhere_else() -> None:
    token = SIGNER.sign(claims(site_ids=(MINE, STATION)))
    assert check(qr(token=token), site_id=MINE).ok
    assert check(qr(token=token), site_id=STATION).ok
    assert check(qr(token=token), site_id=ELSEWHERE).code == "pass_wrong_site"


@pytest.mark.parametrize("seen", ["蒙B12345", "蒙b12345", "蒙B·12345", " 蒙B 12345\n", "蒙Ｂ１２３４５"])
def test_plate_readings_are_compared_in_normal_form(seen: str) -> None:
    assert check(qr(), plate_seen=seen).ok


def test_no_plate_reading_skips_the_plate_check_for_a_phone_pass() -> None:
    assert check(qr(), plate_seen=None).ok


def test_scanner_line_endings_are_tolerated() -> None:
    assert check(qr() + "\r\n").ok


# --- refusals, each for its own reason --------------------------------------------------------------


def test_forged_signature_other_key_same_kid_is_refused() -> None:
    forger = PassSigner(private_key_pem=OTHER_PRIVATE, kid=KID)
    verdict = check(qr(token=forger.sign(claims())))
    assert verdict.code == "pass_signature_invalid"
    assert verdict.claims is None, "claims behind a bad signature are not to be trusted or shown"


def test_altered_plate_re_encoded_without_re_signing_is_refused() -> None:
    payload = payload_of(TOKEN)
    payload["p"] = "蒙B54321"
    forged = with_payload(TOKEN, json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode())
    assert check(qr(token=forged), plate_seen="蒙B54321").code == "pass_signature_invalid"


def test_altered_validity_by_one_flipped_byte_is_refused() -> None:
    payload = b64d(TOKEN.split(".")[1])
    at = payload.index(b'"u":1767312000') + len(b'"u":176')
    flipped = payload[:at] + b"9" + payload[at + 1 :]  # valid_until pushed 23 days later
    assert json.loads(flipped)["u"] == 1769312000
    assert check(qr(token=with_payload(TOKEN, flipped))).code == "pass_signature_invalid"


def test_a_flipped_signature_character_is_refused() -> None:
    prefix, payload, signature = TOKEN.split(".")
    middle = len(signature) // 2
    swapped = signature[:middle] + ("A" if signature[middle] != "A" else "B") + signature[middle + 1 :]
    assert check(qr(token=f"{prefix}.{payload}.{swapped}")).code == "pass_signature_invalid"


@settings(max_examples=200, deadline=None)
@given(position=st.integers(min_value=0), value=st.integers(min_value=0, max_value=255))
def test_any_single_byte_change_to_the_payload_is_never_accepted(position: int, value: int) -> None:
    payload = bytearray(b64d(TOKEN.split(".")[1]))
    position %= len(payload)
    if payload[position] == value:
        value ^= 0x01
    payload[position] = value
    code = check(qr(token=with_payload(TOKEN, bytes(payload)))).code
    # Still parseable -> the signature catches it (or the kid no longer names a key); otherwise it
    # is not a pass at all.
    assert code in {"pass_signature_invalid", "pass_unknown_key", "pass_malformed"}


def test_unknown_kid_is_refused() -> None:
    rotated = PassSigner(private_key_pem=OTHER_PRIVATE, kid="k2027")
    assert check(qr(token=rotated.sign(claims(kid="k2027")))).code == "pass_unknown_key"


def test_wrong_site_is_refused_with_the_trusted_claims_for_display() -> None:
    verdict = check(qr(), site_id=STATION)
    assert verdict.code == "pass_wrong_site" and verdict.claims == claims()
    assert verdict.refusal is not None and verdict.refusal.message_zh == "该通行码不适用于本场站"


def test_wrong_plate_is_refused() -> None:
    assert check(qr(), plate_seen="蒙B12346").code == "pass_wrong_plate"
    assert check(qr(), plate_seen="").code == "pass_wrong_plate", "an empty reading is a reading; pass None"


def test_validity_window_is_from_inclusive_until_exclusive() -> None:
    start, end = T0, T0 + DAY_S
    assert check(qr(at_s=start - 1), at_s=start - 1).code == "pass_not_yet_valid"
    assert check(qr(at_s=start), at_s=start).ok
    assert check(qr(at_s=end - 1), at_s=end - 1).ok
    assert check(qr(at_s=end), at_s=end).code == "pass_expired"
    assert check(qr(at_s=end + 30 * DAY_S), at_s=end + 30 * DAY_S).code == "pass_expired"


def test_a_90_second_old_code_is_stale() -> None:
    assert check(qr(at_s=AT - 90), at_s=AT).code == "pass_totp_stale"


def test_a_code_from_another_orders_secret_is_stale() -> None:
    assert check(qr(secret=new_totp_secret())).code == "pass_totp_stale"


def test_an_order_whose_secret_is_unknown_is_stale() -> None:
    verdict = check(qr(), totp_secret_for=lambda order_id: None)
    assert verdict.code == "pass_totp_stale" and verdict.claims == claims()


@pytest.mark.parametrize("offset_steps", [-1, 0, 1])
def test_one_step_of_clock_drift_either_way_is_accepted(offset_steps: int) -> None:
    shown_at = AT + 30 * offset_steps
    verdict = check(qr(at_s=shown_at), at_s=AT)
    assert verdict.ok and verdict.totp_step == shown_at // 30


@pytest.mark.parametrize("offset_steps", [-2, 2])
def test_two_steps_of_drift_are_refused_by_default_and_accepted_when_allowed(offset_steps: int) -> None:
    text = qr(at_s=AT + 30 * offset_steps)
    assert check(text, at_s=AT).code == "pass_totp_stale"
    assert check(text, at_s=AT, drift_steps=2).totp_step == (AT + 30 * offset_steps) // 30


def test_drift_zero_accepts_only_the_current_step() -> None:
    assert check(qr(at_s=AT), drift_steps=0).ok
    assert check(qr(at_s=AT - 30), drift_steps=0).code == "pass_totp_stale"


@pytest.mark.parametrize("drift_steps", [-1, 5, True])
def test_an_unreasonable_drift_is_the_callers_bug(drift_steps: Any) -> None:
    with pytest.raises(ValueError):
        check(qr(), drift_steps=drift_steps)


def test_a_site_id_that_is_not_a_uuid_is_the_callers_bug() -> None:
    # A str would silently never match and turn every pass into pass_wrong_site.
    with pytest.raises(TypeError):
        check(qr(), site_id=str(MINE))
    with pytest.raises(TypeError):
        static(site_id=str(MINE))


def test_replay_is_the_callers_to_refuse_verify_reports_the_step_to_record() -> None:
    # verify is pure: the same screen scanned twice verifies twice with the same (order, step). The
    # gate records (order_id, totp_step, transition) once (Redis SET NX / a unique row) and refuses
    # the second use; a code shown again 30 s later has a new step and is a new use.
    first, second = check(qr()), check(qr())
    assert first.ok and second.ok
    assert first.claims is not None and second.claims is not None
    assert (first.claims.order_id, first.totp_step) == (second.claims.order_id, second.totp_step)
    assert first.totp_step is not None
    assert check(qr(at_s=AT + 30), at_s=AT + 30).totp_step == first.totp_step + 1


FORGER = PassSigner(private_key_pem=OTHER_PRIVATE, kid=KID)
STRANGER = PassSigner(private_key_pem=OTHER_PRIVATE, kid="k2027")


@pytest.mark.parametrize(
    ("text", "changes", "code"),
    [
        # each row fails several checks; the first in the documented order wins
        (lambda: qr(token=STRANGER.sign(claims(kid="k2027")))[:-1] + "x", {}, "pass_malformed"),
        (lambda: qr(token=STRANGER.sign(claims(kid="k2027", valid_until_s=T0 + 1))), {}, "pass_unknown_key"),
        (lambda: qr(token=FORGER.sign(claims(site_ids=(STATION,)))), {}, "pass_signature_invalid"),
        (lambda: qr(at_s=AT - 900), {"site_id": STATION, "plate_seen": "晋A00000"}, "pass_wrong_site"),
        (lambda: qr(at_s=AT - 900), {"plate_seen": "晋A00000", "at_s": T0 + DAY_S}, "pass_wrong_plate"),
        (lambda: qr(at_s=AT - 900), {"at_s": T0 - 1}, "pass_not_yet_valid"),
        (lambda: qr(at_s=AT - 900), {"at_s": T0 + DAY_S}, "pass_expired"),
        (lambda: qr(at_s=AT - 900), {}, "pass_totp_stale"),
    ],
)
def test_refusals_come_in_the_documented_order(text: Any, changes: dict[str, Any], code: str) -> None:
    assert check(text(), **changes).code == code


# --- malformed input: always a refusal, never an exception ------------------------------------------

MALFORMED = [
    "",
    "MT1",
    "MT1...",
    TOKEN,  # a static token is not a phone pass
    qr() + ".123456",
    qr().replace("MT1.", "MT2.", 1),
    qr()[:-1],  # five digits
    qr()[:-6] + "12345a",
    qr()[:-6] + "１２３４５６",  # full-width digits are not ASCII digits
    ".".join(part + "=" if i == 1 else part for i, part in enumerate(qr().split("."))),  # padding
    "MT1." + b64e(b"not json") + "." + TOKEN.split(".")[2] + ".123456",
    "MT1." + b64e(b"[]") + "." + TOKEN.split(".")[2] + ".123456",
    "x" * 5000,
]


@pytest.mark.parametrize("text", MALFORMED)
def test_malformed_texts_are_refused_as_malformed(text: str) -> None:
    verdict = check(text)
    assert verdict.code == "pass_malformed" and verdict.claims is None


@pytest.mark.parametrize(
    "change",
    [
        {"o": "short"},
        {"o": 12},
        {"p": ""},
        {"p": 7},
        {"s": []},
        {"s": "ESIzRFVmd4iZqrvM3e7_AA"},
        {"f": 1767225600.0},
        {"f": True},
        {"u": 1767225600},  # until == from
        {"f": -1},
        {"k": "bad kid!"},
        {"extra": 1},
    ],
)
def test_payloads_outside_the_schema_are_malformed(change: dict[str, Any]) -> None:
    payload = payload_of(TOKEN) | change
    assert check(qr(token=with_payload(TOKEN, json.dumps(payload).encode()))).code == "pass_malformed"


def test_duplicate_json_keys_and_non_canonical_base64_are_malformed() -> None:
    raw = b64d(TOKEN.split(".")[1])
    duplicated = raw[:-1] + b',"k":"k2026a"}'
    assert check(qr(token=with_payload(TOKEN, duplicated))).code == "pass_malformed"
    prefix, payload, signature = TOKEN.split(".")
    # 64 bytes -> 86 characters whose last one carries 4 unused bits; setting one spells the same bytes.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    twin = signature[:-1] + alphabet[alphabet.index(signature[-1]) | 1]
    assert twin != signature and b64d(twin) == b64d(signature)
    assert check(qr(token=f"{prefix}.{payload}.{twin}")).code == "pass_malformed"


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=400))
def test_random_text_is_only_ever_refused(text: str) -> None:
    assert check(text).code == "pass_malformed"
    assert verify_static(text, verifier=VERIFIER, site_id=MINE, plate_seen=PLATE, at_s=AT).code == "pass_malformed"


@settings(max_examples=300, deadline=None)
@given(
    payload=st.from_regex(r"[A-Za-z0-9_-]{0,200}", fullmatch=True),
    signature=st.from_regex(r"[A-Za-z0-9_-]{0,100}", fullmatch=True),
    code=st.from_regex(r"[0-9]{5,7}", fullmatch=True),
)
def test_pass_shaped_noise_is_only_ever_refused(payload: str, signature: str, code: str) -> None:
    assert check(f"MT1.{payload}.{signature}.{code}").code == "pass_malformed"


@settings(max_examples=200, deadline=None)
@given(
    obj=st.recursive(
        st.none() | st.booleans() | st.integers(min_value=-(2**64), max_value=2**64) | st.text(max_size=8),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("opsfukx"), inner, max_size=7),
    )
)
def test_any_json_under_a_real_signature_is_only_ever_refused(obj: Any) -> None:
    token = with_payload(TOKEN, json.dumps(obj).encode())
    assert check(qr(token=token)).code in {"pass_malformed", "pass_signature_invalid"}


# --- key rotation -----------------------------------------------------------------------------------


def test_during_a_rotation_passes_under_both_kids_verify() -> None:
    new_signer = PassSigner(private_key_pem=OTHER_PRIVATE, kid="k2027")
    both = PassVerifier({KID: PUBLIC, "k2027": OTHER_PUBLIC})
    old_pass, new_pass = qr(), qr(token=new_signer.sign(claims(kid="k2027")))
    assert check(old_pass, verifier=both).ok
    assert check(new_pass, verifier=both).ok
    retired = PassVerifier({"k2027": OTHER_PUBLIC})
    assert check(old_pass, verifier=retired).code == "pass_unknown_key"
    assert both.kids == {KID, "k2027"}


def test_a_signer_signs_only_claims_naming_its_own_kid() -> None:
    with pytest.raises(ValueError, match="k2027"):
        SIGNER.sign(claims(kid="k2027"))


def test_keys_must_be_ed25519_pem() -> None:
    with pytest.raises(ValueError):
        PassVerifier({KID: "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n"})
    with pytest.raises(ValueError):
        PassSigner(private_key_pem=PRIVATE, kid="has space")
    assert SIGNER.public_key_pem == PUBLIC


def test_the_signer_will_not_sign_raw_bytes_that_could_pass_for_a_pass() -> None:
    with pytest.raises(ValueError):
        SIGNER.sign_bytes(b"MT1." + TOKEN.split(".")[1].encode())


@pytest.mark.parametrize(
    "change",
    [
        {"site_ids": ()},
        {"site_ids": (MINE, MINE)},
        {"site_ids": tuple(uuid.uuid4() for _ in range(9))},
        {"valid_until_s": T0},
        {"valid_from_s": -5},
        {"plate": " · "},
        {"kid": ""},
        {"order_id": str(ORDER)},
    ],
)
def test_claims_no_signer_should_sign_are_refused_at_construction(change: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        claims(**change)


def test_claims_keep_the_plate_in_normal_form() -> None:
    assert claims(plate="蒙b·12 345").plate == PLATE == normalise_plate(" 蒙Ｂ·12345 ")


# --- printed static pass ----------------------------------------------------------------------------


def static(token: str = TOKEN, **changes: Any) -> Verdict:
    kwargs: dict[str, Any] = dict(verifier=VERIFIER, site_id=MINE, plate_seen=PLATE, at_s=AT)
    kwargs.update(changes)
    return verify_static(token, **kwargs)


def test_a_printed_pass_verifies_with_a_matching_plate_and_no_totp() -> None:
    verdict = static(plate_seen="蒙B·12345")
    assert verdict.ok and verdict.claims == claims() and verdict.totp_step is None


def test_a_printed_pass_without_a_plate_reading_is_refused() -> None:
    assert static(plate_seen=None).code == "pass_plate_required"


def test_a_printed_pass_is_refused_for_the_same_reasons_as_a_phone_pass() -> None:
    assert static(plate_seen="蒙B12346").code == "pass_wrong_plate"
    assert static(FORGER.sign(claims())).code == "pass_signature_invalid"
    assert static(site_id=STATION, plate_seen=None).code == "pass_wrong_site"
    assert static(at_s=T0 + DAY_S).code == "pass_expired"
    assert static(qr()).code == "pass_malformed", "a phone text is not a printed pass"


def test_render_refuses_what_is_not_a_token() -> None:
    with pytest.raises(ValueError):
        render_qr_text(qr(), totp_secret=SECRET, at_s=AT)
    with pytest.raises(ValueError):
        current_code("not base32!", at_s=AT)


# --- refusal values ---------------------------------------------------------------------------------


def test_every_refusal_has_a_stable_code_and_both_messages() -> None:
    for code, (zh, en) in REFUSALS.items():
        assert code.startswith(("pass_", "bundle_")) and code.islower()
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh) and en.isascii() and en[0].isupper()


def test_a_refusal_survives_pickling() -> None:
    verdict = check(qr(), site_id=STATION)
    assert verdict.refusal is not None
    copy = pickle.loads(pickle.dumps(verdict.refusal))
    assert copy == verdict.refusal and copy.message_en == REFUSALS["pass_wrong_site"][1]


# --- offline bundle ---------------------------------------------------------------------------------

DEVICE_SECRET = "dev-secret-for-the-mine-gate-0001"
SECOND_ORDER = uuid.UUID("00000000-0000-4000-8000-0000000000aa")
ENTRIES = [
    BundleEntry(order_id=ORDER, plate="蒙B·12345", totp_secret=SECRET, valid_until_s=T0 + DAY_S),
    BundleEntry(order_id=SECOND_ORDER, plate="晋A12345", totp_secret=new_totp_secret(), valid_until_s=T0 + DAY_S),
]


def sealed(**changes: Any) -> bytes:
    kwargs: dict[str, Any] = dict(
        entries=ENTRIES, site_id=MINE, device_secret=DEVICE_SECRET, issued_at_s=T0 - 600, signer=SIGNER
    )
    kwargs.update(changes)
    return seal_bundle(**kwargs)


def opened(blob: bytes, **changes: Any) -> Any:
    kwargs: dict[str, Any] = dict(device_secret=DEVICE_SECRET, site_id=MINE, verifier=VERIFIER)
    kwargs.update(changes)
    return open_bundle(blob, **kwargs)


def refusal_code(blob: bytes, **changes: Any) -> str:
    with pytest.raises(PassRefused) as caught:
        opened(blob, **changes)
    return caught.value.code


def test_a_bundle_round_trips_and_drives_offline_verification() -> None:
    bundle = opened(sealed())
    assert bundle.site_id == MINE and bundle.issued_at_s == T0 - 600 and bundle.kid == KID
    assert bundle.entries == tuple(ENTRIES)
    assert bundle.entry_for(SECOND_ORDER).plate == "晋A12345"
    assert bundle.totp_secret_for(ORDER) == SECRET
    assert bundle.totp_secret_for(ELSEWHERE) is None
    assert check(qr(), totp_secret_for=bundle.totp_secret_for).ok
    assert check(qr(), totp_secret_for=opened(sealed(entries=ENTRIES[1:])).totp_secret_for).code == (
        "pass_totp_stale"
    )


def test_an_empty_bundle_round_trips() -> None:
    assert opened(sealed(entries=[])).entries == ()


def test_a_bundle_keeps_its_secrets_confidential() -> None:
    blob = sealed()
    assert blob.startswith(b"MTB1.") and blob.count(b".") == 3
    assert SECRET.encode() not in blob and b"JBSWY3DP" not in blob
    assert sealed() != blob, "a fresh nonce per bundle"


def test_the_bundle_format_is_as_documented_so_a_gate_in_another_language_can_open_it() -> None:
    prefix, header, body, signature = sealed().split(b".")
    VERIFIER_KEY.verify(b64d(signature.decode()), b".".join([prefix, header, body]))
    assert json.loads(b64d(header.decode())) == {"k": KID, "s": b64e(MINE.bytes), "t": T0 - 600, "n": 2}
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"meitong/offline-bundle/v1" + MINE.bytes
    ).derive(DEVICE_SECRET.encode())
    sealed_bytes = b64d(body.decode())
    plaintext = AESGCM(key).decrypt(sealed_bytes[:12], sealed_bytes[12:], prefix + b"." + header)
    assert json.loads(plaintext)[0] == {"o": b64e(ORDER.bytes), "p": PLATE, "x": SECRET, "u": T0 + DAY_S}


def test_a_tampered_bundle_is_refused() -> None:
    prefix, header, body, signature = sealed().split(b".")
    middle = len(body) // 2
    flipped = body[:middle] + (b"A" if body[middle : middle + 1] != b"A" else b"B") + body[middle + 1 :]
    assert refusal_code(b".".join([prefix, header, flipped, signature])) == "bundle_signature_invalid"
    # Re-labelled for another site without re-signing: the signature covers the header too.
    other = json.loads(b64d(header.decode()))
    other["s"] = b64e(STATION.bytes)
    relabelled = b64e(json.dumps(other, separators=(",", ":")).encode()).encode()
    assert refusal_code(b".".join([prefix, relabelled, body, signature]), site_id=STATION) == (
        "bundle_signature_invalid"
    )


def test_a_bundle_from_a_forger_with_the_same_kid_is_refused() -> None:
    assert refusal_code(sealed(signer=FORGER)) == "bundle_signature_invalid"


def test_a_bundle_under_an_unknown_kid_is_refused() -> None:
    assert refusal_code(sealed(signer=STRANGER)) == "bundle_unknown_key"


def test_a_wrong_device_secret_cannot_decrypt_the_bundle() -> None:
    assert refusal_code(sealed(), device_secret="another-gate-secret") == "bundle_undecryptable"


def test_another_sites_bundle_is_refused_even_with_that_sites_secret() -> None:
    assert refusal_code(sealed(site_id=STATION)) == "bundle_wrong_site"
    assert refusal_code(sealed(site_id=STATION), device_secret=DEVICE_SECRET) == "bundle_wrong_site"


@pytest.mark.parametrize("blob", [b"", b"MTB1", b"MTB1...", b"MTB2.a.b.c", "MTB1.a.b.c", b"\xff" * 40])
def test_malformed_bundles_are_refused(blob: Any) -> None:
    assert refusal_code(blob) == "bundle_malformed"


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_any_single_byte_change_to_a_bundle_is_refused(data: st.DataObject) -> None:
    blob = bytearray(BLOB)
    position = data.draw(st.integers(min_value=0, max_value=len(blob) - 1))
    value = data.draw(st.integers(min_value=0, max_value=255).filter(lambda v: v != blob[position]))
    blob[position] = value
    assert refusal_code(bytes(blob)) in {"bundle_malformed", "bundle_signature_invalid", "bundle_unknown_key"}


BLOB = sealed()


def test_bundle_entries_are_checked_before_sealing() -> None:
    with pytest.raises(ValueError):
        BundleEntry(order_id=ORDER, plate=PLATE, totp_secret="lower-case", valid_until_s=T0)
    with pytest.raises(ValueError):
        sealed(entries=[ENTRIES[0], ENTRIES[0]])
