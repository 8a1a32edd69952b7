"""The lane's link to the platform: the signed machine interface, with every failure classified.

    LinkDown       network error, timeout, 5xx, 408, 429: nobody answered the question, so the lane
                   decides offline and the outbox retries later
    PlatformError  any other 4xx: the platform answered that the request itself is wrong

Whether the link is up is learnt from every request (`online`); listeners hear each change, so the
outbox uploader starts draining the moment a heartbeat gets through again.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import httpx

from devices.lane.answers import Decision, LinkDown, PlatformError, WeighingAnswer
from devices.lane.config import LaneConfig
from devices.platform_client import SignedClient

log = logging.getLogger(__name__)

# Statuses that say "not now" rather than "never": the same request may succeed later.
_RETRYABLE_4XX = frozenset({408, 429})
PASS_KEYS_PATH = "/api/public/pass-keys"


class PlatformLink:
    def __init__(self, client: SignedClient, *, site_id: uuid.UUID, device_code: str) -> None:
        self._client = client
        self.site_id = site_id
        self.device_code = device_code
        self.online: bool | None = None  # None until the first request has been answered or failed
        self._listeners: list[Callable[[bool], None]] = []

    @classmethod
    def from_config(cls, config: LaneConfig, *, transport: httpx.AsyncBaseTransport | None = None) -> PlatformLink:
        client = SignedClient(config.platform_url, config.key_id, config.secret,
                              timeout_s=config.timeouts.request_s, transport=transport)
        return cls(client, site_id=config.site_id, device_code=config.device_code)

    def add_listener(self, listener: Callable[[bool], None]) -> None:
        """`listener(online)` is called whenever the link goes up or down."""
        self._listeners.append(listener)

    async def identify(self, *, plate_read: str, code: str | None, at: datetime) -> Decision:
        body = {"plateRead": plate_read, "code": code, "at": at.isoformat()}
        return Decision.from_json(await self._json("POST", "/open/v1/lane/identify", body))

    async def submit_weighing(self, body: Mapping[str, Any]) -> WeighingAnswer:
        weighing_id = str(body.get("weighingId", ""))
        return WeighingAnswer.from_json(await self._json("POST", "/open/v1/weighings", dict(body)),
                                        weighing_id=weighing_id)

    async def heartbeat(self, status: Mapping[str, object]) -> None:
        await self._call("POST", "/open/v1/devices/heartbeat", {"deviceCode": self.device_code, "status": status})

    async def fetch_bundle(self) -> bytes:
        """The site's sealed offline bundle (opened by `devices.passcode.open_bundle`)."""
        return (await self._call("GET", f"/open/v1/sites/{self.site_id}/pass-bundle")).content

    async def fetch_pass_keys(self) -> dict[str, str]:
        """The platform's public pass keys, kid -> PEM (the bundle and every pass are signed with one)."""
        data = await self._json("GET", PASS_KEYS_PATH)
        keys = data.get("keys") if isinstance(data, dict) else None
        if not isinstance(keys, list):
            raise PlatformError(200, "answer_malformed", message_en="pass keys answer has no list 'keys'")
        found = {k["kid"]: k["publicKeyPem"] for k in keys
                 if isinstance(k, dict) and isinstance(k.get("kid"), str) and isinstance(k.get("publicKeyPem"), str)}
        return found

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _json(self, method: str, path: str, body: object | None = None) -> Any:
        response = await self._call(method, path, body)
        try:
            return response.json()
        except ValueError:
            raise PlatformError(response.status_code, "answer_malformed", message_en="answer is not JSON") from None

    async def _call(self, method: str, path: str, body: object | None = None) -> httpx.Response:
        try:
            response = await self._client.request(method, path, json=body)
        except httpx.HTTPError as exc:  # connect errors, timeouts, a dropped connection
            self._set_online(False)
            raise LinkDown(f"{method} {path}: {type(exc).__name__}: {exc}") from exc
        status = response.status_code
        if status >= 500 or status in _RETRYABLE_4XX:
            self._set_online(False)
            raise LinkDown(f"{method} {path}: HTTP {status}")
        self._set_online(True)  # any other answer, even a 4xx, proves the platform is there
        if status >= 400:
            raise _error(response)
        return response

    def _set_online(self, online: bool) -> None:
        if online == self.online:
            return
        self.online = online
        log.info("platform link %s", "up" if online else "down")
        for listener in self._listeners:
            listener(online)


def _error(response: httpx.Response) -> PlatformError:
    """The platform's uniform error body {code, message_zh, message_en, field}, or the bare status."""
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return PlatformError(response.status_code, f"http_{response.status_code}")
    return PlatformError(
        response.status_code, str(data.get("code") or f"http_{response.status_code}"),
        str(data.get("message_zh") or data.get("messageZh") or ""),
        str(data.get("message_en") or data.get("messageEn") or ""),
    )
