"""What a pass asserts (`PassClaims`), the plate normal form, and the payload JSON it travels as."""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass

from devices.passcode.codec import dumps, exact_int, loads, uuid_d, uuid_e

# Kid: short, so the QR stays small; URL-safe, so it can name a key file or an env variable.
KID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,16}")
# An order valid at more sites than this belongs in several passes: each site id adds 25 QR characters.
MAX_SITES = 8
MAX_PLATE_CHARS = 16
# Seconds since the epoch stay below 2**40 (year 36812); anything above is garbage, not a date.
MAX_TIME_S = 2**40
_SEPARATORS = str.maketrans("", "", "·•・‧∙⋅-")
_PAYLOAD_KEYS = frozenset("opsfuk")


def normalise_plate(plate: str) -> str:
    """NFKC (full-width letters from a camera become ASCII), drop whitespace and middle dots, upper-case.

    Agrees with backend.checks.plate.normalise_plate on every plate that one accepts, so a plate
    stored by the platform and a plate read by an ANPR camera compare equal.
    """
    folded = unicodedata.normalize("NFKC", plate)
    return "".join(folded.split()).translate(_SEPARATORS).upper()


@dataclass(frozen=True, slots=True)
class PassClaims:
    """The signed part of a pass. Valid for valid_from_s <= t < valid_until_s (Unix seconds, UTC).

    The plate is kept in normal form (see `normalise_plate`); site_ids become a tuple.
    Raises ValueError for claims no signer should sign.
    """

    order_id: uuid.UUID
    plate: str
    site_ids: tuple[uuid.UUID, ...]
    valid_from_s: int
    valid_until_s: int
    kid: str

    def __post_init__(self) -> None:
        if not isinstance(self.order_id, uuid.UUID):
            raise ValueError("order_id must be a UUID")
        if not isinstance(self.plate, str):
            raise ValueError("plate must be a string")
        plate = normalise_plate(self.plate)
        if not 1 <= len(plate) <= MAX_PLATE_CHARS:
            raise ValueError(f"plate must have 1-{MAX_PLATE_CHARS} characters")
        object.__setattr__(self, "plate", plate)
        site_ids = tuple(self.site_ids)
        if not 1 <= len(site_ids) <= MAX_SITES:
            raise ValueError(f"a pass names 1-{MAX_SITES} sites")
        if not all(isinstance(s, uuid.UUID) for s in site_ids) or len(set(site_ids)) != len(site_ids):
            raise ValueError("site_ids must be distinct UUIDs")
        object.__setattr__(self, "site_ids", site_ids)
        exact_int(self.valid_from_s, low=0, high=MAX_TIME_S)
        exact_int(self.valid_until_s, low=self.valid_from_s + 1, high=MAX_TIME_S)
        if not isinstance(self.kid, str) or not KID_PATTERN.fullmatch(self.kid):
            raise ValueError("kid must be 1-16 characters of [A-Za-z0-9_-]")


def encode_payload(claims: PassClaims) -> bytes:
    """Compact JSON with one-letter keys, in this fixed order:
    o order id · p plate · s site ids · f valid_from_s · u valid_until_s · k kid."""
    return dumps(
        {
            "o": uuid_e(claims.order_id),
            "p": claims.plate,
            "s": [uuid_e(s) for s in claims.site_ids],
            "f": claims.valid_from_s,
            "u": claims.valid_until_s,
            "k": claims.kid,
        }
    )


def decode_payload(data: bytes) -> PassClaims:
    """The inverse of `encode_payload`; ValueError for anything else (unknown or missing keys too)."""
    obj = loads(data)
    if not isinstance(obj, dict) or obj.keys() != _PAYLOAD_KEYS:
        raise ValueError("payload must be an object with exactly the keys o, p, s, f, u, k")
    sites = obj["s"]
    if not isinstance(sites, list) or len(sites) > MAX_SITES:
        raise ValueError("s must be a list of site ids")
    return PassClaims(
        order_id=uuid_d(obj["o"]),
        plate=obj["p"],
        site_ids=tuple(uuid_d(s) for s in sites),
        valid_from_s=obj["f"],
        valid_until_s=obj["u"],
        kid=obj["k"],
    )
