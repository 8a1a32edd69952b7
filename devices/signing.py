"""Request signing for the machine interface (`/open/v1`).

Every machine (an enterprise's own system, an edge agent in a lane, a camera bridge) signs each
request with a key id and secret issued in the enterprise app. The platform recomputes exactly this:

    canonical = "\\n".join([METHOD, path_with_query, timestamp_s, nonce, sha256_hex(body)])
    signature = hex(HMAC-SHA256(secret.encode("utf-8"), canonical.encode("utf-8")))

Pure stdlib on purpose: the edge agent and third parties use the same code as the platform, and
`devices` must not import the platform (see DESIGN §3).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time

HEADER_KEY = "X-MT-Key"
HEADER_TIMESTAMP = "X-MT-Timestamp"
HEADER_NONCE = "X-MT-Nonce"
HEADER_SIGNATURE = "X-MT-Signature"
SIGNED_HEADERS = (HEADER_KEY, HEADER_TIMESTAMP, HEADER_NONCE, HEADER_SIGNATURE)

# 16–64 URL-safe characters; secrets.token_urlsafe(18) gives exactly 24 of them.
NONCE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# A timestamp further than this from the platform clock is refused (signature_stale).
MAX_CLOCK_SKEW_S = 300
# A nonce is remembered this long; within it a second use is refused (signature_replayed).
# Must exceed 2 * MAX_CLOCK_SKEW_S so no still-fresh request can outlive its nonce record.
NONCE_TTL_S = 600

EMPTY_BODY_SHA256 = hashlib.sha256(b"").hexdigest()


def body_sha256_hex(body: bytes) -> str:
    """Lowercase hex SHA-256 of the raw body bytes (of b"" when there is no body)."""
    return hashlib.sha256(body).hexdigest()


def canonical_request(*, method: str, path: str, timestamp_s: int, nonce: str, body: bytes) -> str:
    """The five lines that are signed, joined by "\\n", with no trailing newline.

    `path` is the request target exactly as sent: path plus "?query" when there is one.
    """
    if not method or not method.isascii() or not method.isalpha():
        raise ValueError(f"bad HTTP method: {method!r}")
    if not path.startswith("/") or any(c in path for c in "\r\n "):
        # A newline would let one canonical string stand for two different requests.
        raise ValueError(f"path must be an origin-form request target: {path!r}")
    if isinstance(timestamp_s, bool) or not isinstance(timestamp_s, int) or timestamp_s < 0:
        raise ValueError(f"timestamp_s must be a non-negative int: {timestamp_s!r}")
    if not NONCE_PATTERN.fullmatch(nonce):
        raise ValueError("nonce must be 16-64 characters of [A-Za-z0-9_-]")
    return "\n".join((method.upper(), path, str(timestamp_s), nonce, body_sha256_hex(body)))


def sign(*, secret: str, method: str, path: str, timestamp_s: int, nonce: str, body: bytes) -> str:
    """Lowercase hex HMAC-SHA256 of the canonical string, keyed by the secret's UTF-8 bytes."""
    canonical = canonical_request(method=method, path=path, timestamp_s=timestamp_s, nonce=nonce, body=body)
    return hmac.new(secret.encode("utf-8"), canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


def signed_headers(
    *,
    key_id: str,
    secret: str,
    method: str,
    path: str,
    body: bytes = b"",
    timestamp_s: int | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """The four X-MT-* headers for one request; fills the current time and a fresh nonce."""
    ts = int(time.time()) if timestamp_s is None else timestamp_s
    n = new_nonce() if nonce is None else nonce
    signature = sign(secret=secret, method=method, path=path, timestamp_s=ts, nonce=n, body=body)
    return {
        HEADER_KEY: key_id,
        HEADER_TIMESTAMP: str(ts),
        HEADER_NONCE: n,
        HEADER_SIGNATURE: signature,
    }


def signatures_match(a: str, b: str) -> bool:
    """Constant-time comparison (hmac.compare_digest only accepts ASCII str, so compare bytes)."""
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def timestamp_is_fresh(timestamp_s: int, *, now_s: float, max_skew_s: int = MAX_CLOCK_SKEW_S) -> bool:
    """True when the timestamp lies within ±max_skew_s of now (inclusive)."""
    return abs(now_s - timestamp_s) <= max_skew_s
