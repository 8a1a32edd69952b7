"""Web Push: VAPID (RFC 8292) and aes128gcm payload encryption (RFC 8291) through pywebpush, POSTed
to the browser vendor's push service (RFC 8030)."""

from __future__ import annotations

import asyncio
import functools
import json
import re
import threading
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush

from backend.db.base import utcnow
from backend.domain.notices.models import Notice
from backend.domain.notices.rules import b64url

# How long the push service keeps a message for a phone that is off line. A queue call is moot
# after half an hour (the queue has moved on); other notices stay worth a day.
TTL_S = 24 * 3600
URGENT_TTL_S = 30 * 60
TIMEOUT_S = 10.0
# Push services must take 4096 bytes of body (RFC 8030 §7.2): the aes128gcm header with our 65-byte
# key (86), the tag (16) and the padding delimiter (1) leave 3993 for the JSON; keep a margin.
MAX_PAYLOAD_BYTES = 3800


class Gone(Exception):
    """404/410: the subscription expired or the user revoked it; disable it, like FCM UNREGISTERED."""


class Throttled(Exception):
    """429: try again, not before `retry_after_s` when the push service said so."""

    def __init__(self, message: str, *, retry_after_s: int | None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


@functools.cache
def _vapid(private_key_pem: str) -> Vapid02:
    key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError("the VAPID key must be an EC P-256 private key")
    return Vapid02(key)


def application_server_key(private_key_pem: str) -> str:
    """The public key as PushManager.subscribe() wants it: the uncompressed point, base64url."""
    point = _vapid(private_key_pem).public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(point)


_URGENT_WORDS = frozenset({"call", "called"})


def urgency(kind: str) -> str:
    """RFC 8030 §5.3: "high" wakes a phone in power saving at once. A queue call (叫号, kind
    "queue_called") is what a driver waits for, with a deadline; everything else can wait a little."""
    return "high" if _URGENT_WORDS.intersection(re.split(r"[._:-]", kind)) else "normal"


def payload(notice: Notice) -> str:
    """The JSON the service worker shows: Chinese title/body, English beside them."""
    message: dict[str, Any] = {
        "noticeId": str(notice.id), "kind": notice.kind, "title": notice.title_zh, "body": notice.body_zh,
        "titleEn": notice.title_en, "bodyEn": notice.body_en, "data": notice.data or {},
    }
    text = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
    if len(text.encode()) <= MAX_PAYLOAD_BYTES:
        return text
    # Too big to push: the inbox has it all; the push keeps the titles, a shortened body and the
    # link to open. Titles are at most 200 characters each (the column), so this always fits.
    url = (notice.data or {}).get("url")
    message.update(body=notice.body_zh[:200] + "…", bodyEn=notice.body_en[:200] + "…", truncated=True,
                   data={"url": url} if isinstance(url, str) and len(url) <= 300 else {})
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))


_LOCAL = threading.local()


def _session() -> requests.Session:
    """One HTTP session per sending thread. Redirects are refused: a push service answers, it never
    redirects, and following one would let whoever subscribed point the worker at any URL."""
    session: requests.Session | None = getattr(_LOCAL, "session", None)
    if session is None:
        session = requests.Session()
        session.max_redirects = 0
        _LOCAL.session = session
    return session


def _retry_after_s(value: str | None) -> int | None:
    if not value:
        return None
    if value.strip().isdigit():
        return int(value.strip())
    try:
        return max(int((parsedate_to_datetime(value) - utcnow()).total_seconds()), 0)
    except (TypeError, ValueError):
        return None


def _post(*, private_key_pem: str, subject: str, endpoint: str, p256dh: str, auth: str, body: str,
          ttl_s: int, urgency: str) -> None:
    webpush(
        subscription_info={"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}},
        data=body,
        vapid_private_key=_vapid(private_key_pem),
        # webpush() adds "aud" (the endpoint's origin) and "exp" (12 h ahead) to a fresh dict.
        vapid_claims={"sub": subject},
        content_encoding="aes128gcm",
        ttl=ttl_s,
        timeout=TIMEOUT_S,
        headers={"Urgency": urgency},
        requests_session=_session(),
    )


async def send(*, private_key_pem: str, subject: str, endpoint: str, p256dh: str, auth: str,
               notice: Notice) -> None:
    """Encrypts and POSTs one notice; raises Gone, Throttled, or anything else to be retried."""
    level = urgency(notice.kind)
    try:
        # pywebpush's webpush() blocks (requests); keep the event loop free.
        await asyncio.to_thread(
            _post, private_key_pem=private_key_pem, subject=subject, endpoint=endpoint, p256dh=p256dh,
            auth=auth, body=payload(notice), ttl_s=URGENT_TTL_S if level == "high" else TTL_S, urgency=level,
        )
    except WebPushException as exc:
        status = exc.status_code
        if status in (404, 410):
            raise Gone(f"push service answered {status}") from exc
        if status == 429:
            raise Throttled("push service answered 429", retry_after_s=_retry_after_s(exc.retry_after)) from exc
        raise RuntimeError(f"push service answered {status}") from exc
