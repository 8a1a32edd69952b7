"""The exact bytes the chain hashes: canonical JSON of a payload, and of an entry's fields.

A payload must be JSON-native — str, int, bool, None, lists and dicts with str keys — and is
refused otherwise rather than coerced: the owning feature rebuilds the same payload from its live
row at verification time, and only values with one spelling compare reliably. Datetimes, UUIDs
and decimals are the caller's to turn into strings (ISO 8601 UTC for datetimes); floats are
refused because a weight or a price read back from another column type may print differently
(use integers with units: kg, fen, basis points).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime

ZERO_HASH = "0" * 64
# Domain separation: an entry hash can never be mistaken for the hash of some other message.
_ENTRY_TAG = "meitong-evidence/1"


def _check(value: object, path: str) -> None:
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check(item, f"{path}[{i}]")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path}: keys must be strings, not {type(key).__name__}")
            _check(item, f"{path}.{key}")
        return
    raise TypeError(f"{path}: {type(value).__name__} is not JSON-native (str, int, bool, None, list, dict)")


def canonical_json(payload: Mapping[str, object]) -> str:
    """Sorted keys, no spaces, UTF-8 kept as is: one text for one value. TypeError if not JSON-native."""
    _check(payload, "payload")
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def iso_utc(at: datetime) -> str:
    """Always with microseconds, so the text does not depend on whether they happen to be zero."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def entry_hash(*, seq: int, kind: str, ref: str, payload_sha256: str, prev_hash: str, at: datetime) -> str:
    # A JSON array rather than a joined string: its escaping keeps field boundaries unambiguous.
    fields = [_ENTRY_TAG, seq, kind, ref, payload_sha256, prev_hash, iso_utc(at)]
    return sha256_hex(json.dumps(fields, separators=(",", ":"), ensure_ascii=False))
