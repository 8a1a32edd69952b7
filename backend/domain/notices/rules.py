"""Checks on what a browser subscribes to Web Push with: each failure names its field in the body."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec

from backend.errors import Invalid

_BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")
_LOOPBACK_HOSTS = ("127.0.0.1", "localhost")


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes | None:
    """Strict base64url, padded or not (browsers send it unpadded); None when it is not."""
    if not _BASE64URL.fullmatch(text):
        return None
    bare = text.rstrip("=")
    try:
        return base64.urlsafe_b64decode(bare + "=" * (-len(bare) % 4))
    except (binascii.Error, ValueError):
        return None


def _endpoint_ok(endpoint: str, *, allow_loopback_http: bool) -> bool:
    if any(c.isspace() for c in endpoint):
        return False
    try:
        parts = urlsplit(endpoint)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number in range
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    if not host or parts.username is not None or parts.password is not None or parts.fragment:
        return False
    loopback = host in _LOOPBACK_HOSTS
    if parts.scheme == "http":
        # Only a push service on this machine, outside production: the tests' stand-in.
        return allow_loopback_http and loopback
    if parts.scheme != "https":
        return False
    if allow_loopback_http:
        return True
    # The worker POSTs to whatever is subscribed: in production never to the platform's own
    # machine or network (push services have public names).
    if loopback or host.endswith(".localhost"):
        return False
    try:
        return ipaddress.ip_address(host.strip("[]")).is_global
    except ValueError:
        return True


def check_endpoint(endpoint: str, *, allow_loopback_http: bool, field: str = "endpoint") -> str:
    if not _endpoint_ok(endpoint, allow_loopback_http=allow_loopback_http):
        raise Invalid(
            "webpush_endpoint", "推送地址应为浏览器推送服务的 https 网址",
            "The endpoint must be the https URL of a browser push service", field=field,
        )
    return endpoint


def check_p256dh(value: str, *, field: str = "keys.p256dh") -> str:
    """The subscriber's ECDH key: a 65-byte uncompressed P-256 point (RFC 8291 §3.1), on the curve."""
    raw = b64url_decode(value)
    try:
        if raw is None or len(raw) != 65 or raw[0] != 0x04:
            raise ValueError("not an uncompressed point")
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        raise Invalid(
            "webpush_p256dh", "p256dh 应为 base64url 编码的 65 字节 P-256 公钥（未压缩点）",
            "p256dh must be a base64url 65-byte uncompressed P-256 public key", field=field,
        ) from None
    return b64url(raw)


def check_auth(value: str, *, field: str = "keys.auth") -> str:
    """The subscriber's authentication secret: 16 bytes (RFC 8291 §3.2)."""
    raw = b64url_decode(value)
    if raw is None or len(raw) != 16:
        raise Invalid(
            "webpush_auth", "auth 应为 base64url 编码的 16 字节密钥",
            "auth must be a base64url 16-byte secret", field=field,
        )
    return b64url(raw)
