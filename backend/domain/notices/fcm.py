"""Firebase Cloud Messaging through the real firebase-admin SDK, optionally via a relay endpoint."""

from __future__ import annotations

import asyncio
import hashlib
import threading
import warnings
from typing import Any

import firebase_admin
import requests.adapters
from firebase_admin import credentials, messaging

_LOCK = threading.Lock()


class Unregistered(Exception):
    """The token is gone for good (app uninstalled, token rotated): disable the device."""


class FcmSender:
    def __init__(self, *, credentials_file: str, endpoint: str = "") -> None:
        # One firebase_admin App per (credentials, endpoint): App names are process-global.
        name = "meitong-" + hashlib.sha256(f"{credentials_file}|{endpoint}".encode()).hexdigest()[:16]
        with _LOCK:
            try:
                self.app = firebase_admin.get_app(name)
            except ValueError:
                self.app = firebase_admin.initialize_app(credentials.Certificate(credentials_file), name=name)
            service = messaging._get_messaging_service(self.app)
            if endpoint:
                # The SDK has no public option for the FCM host. _MessagingService builds
                # `_fcm_url` from FCM_URL and the project id in __init__ and posts every send
                # there (firebase_admin 7.7, messaging.py), so a relay is the same v1 path on
                # another host. The OAuth token still comes from the service account's token_uri.
                service._fcm_url = f"{endpoint}/v1/projects/{service._project_id}/messages:send"
                # The outbox retries with its own backoff; the SDK's urllib3 retries (4 × on
                # 500/503, seconds of sleeping) would only stall the worker inside one attempt.
                service._client.session.mount(endpoint, requests.adapters.HTTPAdapter(max_retries=0))

    async def send(self, *, token: str, title: str, body: str, data: dict[str, Any]) -> str:
        with warnings.catch_warnings():
            # firebase-admin 7.7 deprecates Message.token in favour of `fid` (a Firebase
            # installation ID, a different identifier). Apps register FCM registration tokens,
            # which the v1 API still takes as `message.token`, so `token` is the right field.
            warnings.filterwarnings("ignore", "Message.token is deprecated", DeprecationWarning)
            message = messaging.Message(
                token=token,
                notification=messaging.Notification(title=title, body=body),
                # FCM data values must be strings.
                data={str(k): str(v) for k, v in data.items()},
            )
        try:
            return await asyncio.to_thread(messaging.send, message, app=self.app)
        except firebase_admin.exceptions.NotFoundError as exc:  # UnregisteredError is a NotFoundError
            raise Unregistered(str(exc)) from exc


_SENDERS: dict[tuple[str, str], FcmSender] = {}


def sender_for(*, credentials_file: str, endpoint: str) -> FcmSender | None:
    """None when FCM is not configured."""
    if not credentials_file:
        return None
    key = (credentials_file, endpoint)
    if key not in _SENDERS:
        _SENDERS[key] = FcmSender(credentials_file=credentials_file, endpoint=endpoint)
    return _SENDERS[key]
