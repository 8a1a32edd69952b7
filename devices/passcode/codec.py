"""Strict wire helpers: unpadded base64url, UUIDs as 22 base64url characters, compact JSON.

Strict on purpose: a pass has exactly one spelling, so nothing but the signed bytes can verify and
a parser never has to guess.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from typing import Any, NoReturn

_B64URL = re.compile(r"[A-Za-z0-9_-]*")


def b64e(data: bytes) -> str:
    """Unpadded base64url (RFC 4648 §5)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64d(text: str) -> bytes:
    """Decode unpadded base64url; ValueError for padding, other alphabets or non-canonical trailing bits."""
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError("not unpadded base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64e(data) != text:
        # The last character carried non-zero unused bits: a second spelling of the same bytes.
        raise ValueError("non-canonical base64url")
    return data


def uuid_e(value: uuid.UUID) -> str:
    return b64e(value.bytes)


def uuid_d(text: object) -> uuid.UUID:
    if not isinstance(text, str) or len(text) != 22:
        raise ValueError("not a base64url UUID")
    return uuid.UUID(bytes=b64d(text))


def dumps(obj: object) -> bytes:
    """Compact UTF-8 JSON (a Chinese plate character costs 3 bytes, not a 6-character escape)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def _no_floats(text: str) -> NoReturn:
    raise ValueError(f"numbers must be integers: {text!r}")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


def loads(data: bytes) -> Any:
    """Parse JSON strictly: UTF-8, no duplicate keys, integers only, no NaN/Infinity.

    Every failure (including absurd nesting) is a ValueError.
    """
    try:
        return json.loads(
            data.decode("utf-8"),
            object_pairs_hook=_unique_keys,
            parse_float=_no_floats,
            parse_constant=_no_floats,
        )
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply") from exc


def exact_int(value: object, *, low: int, high: int) -> int:
    """An int (never a bool) in [low, high]."""
    if type(value) is not int or not low <= value <= high:
        raise ValueError(f"expected an integer in [{low}, {high}]")
    return value
