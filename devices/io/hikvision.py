"""Hikvision ISAPI at the lane: the barrier a camera/entrance controller drives (道闸), and the
Digest-authenticated XML client the voice adapter shares (reference/devices.md §4.1).

    PUT /ISAPI/Parking/channels/{ch}/barrierGate                   <BarrierGate><ctrlMode>open…
    GET /ISAPI/Parking/channels/{ch}/barrierGate/barrierGateStatus  barrierGateStatus:
        0 no signal · 1 closed in position · 2 open in position

A locked gate answers "OK" (statusCode 1) to "open" and never moves, so OK is not opened: every
command is confirmed by polling the status until it shows the position, else BarrierNotConfirmed.
Replies are parsed by local element names: firmware uses the isapi.org or the hikvision.com
namespace.
"""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

import httpx

from devices.io.base import BarrierNotConfirmed, BarrierState, IoError

ISAPI_NS = "http://www.isapi.org/ver20/XMLSchema"
_GATE_STATES: dict[str, BarrierState] = {"1": "closed", "2": "open"}


def local_text(root: ET.Element, name: str) -> str | None:
    """Text of the first element called `name` in any namespace (or none)."""
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] == name:
            return (element.text or "").strip()
    return None


def xml_text(text: str) -> str:
    return escape(text)


class IsapiClient:
    """One device's ISAPI over HTTP Digest. Errors (link, HTTP status, a ResponseStatus whose
    statusCode is not 1) raise IoError naming the device's own status string."""

    def __init__(self, *, base_url: str, username: str, password: str, timeout_s: float = 3.0,
                 name: str = "isapi") -> None:
        self.base_url, self.name = base_url.rstrip("/"), name
        self._auth = httpx.DigestAuth(username, password)
        self._timeout_s = timeout_s
        self._http: httpx.AsyncClient | None = None

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(base_url=self.base_url, auth=self._auth, timeout=self._timeout_s)
        return self._http

    async def request(self, method: str, path: str, body: str | None = None) -> ET.Element:
        what = f"{self.name}: {method} {path}"
        try:
            reply = await self._client().request(
                method, path, content=None if body is None else body.encode("utf-8"),
                headers={"Content-Type": "application/xml; charset=UTF-8"} if body is not None else None)
        except httpx.HTTPError as failed:
            raise IoError(f"{what}: {type(failed).__name__}: {failed}") from failed
        try:
            root: ET.Element | None = ET.fromstring(reply.content) if reply.content.strip() else None
        except ET.ParseError:
            root = None
        status = None if root is None else local_text(root, "statusCode")
        if reply.status_code != 200 or (status is not None and status != "1"):
            detail = "" if root is None else " ".join(
                filter(None, (local_text(root, "statusString"), local_text(root, "subStatusCode"))))
            raise IoError(f"{what}: HTTP {reply.status_code} {detail}".rstrip())
        if root is None:
            raise IoError(f"{what}: the reply is not XML")
        return root

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None


class IsapiBarrier:
    """The barrier on an ISAPI channel, each command confirmed by barrierGateStatus."""

    def __init__(self, *, base_url: str, username: str, password: str, channel: int = 1,
                 confirm_timeout_s: float = 8.0, poll_s: float = 0.3, timeout_s: float = 3.0,
                 name: str = "barrier") -> None:
        self.isapi = IsapiClient(base_url=base_url, username=username, password=password,
                                 timeout_s=timeout_s, name=name)
        self.name, self.channel = name, channel
        self.confirm_timeout_s, self.poll_s = confirm_timeout_s, poll_s
        self._path = f"/ISAPI/Parking/channels/{channel}/barrierGate"

    async def open(self) -> None:
        await self._command("open", "open")

    async def close(self) -> None:
        await self._command("close", "closed")

    async def state(self) -> BarrierState:
        root = await self.isapi.request("GET", f"{self._path}/barrierGateStatus")
        return _GATE_STATES.get(local_text(root, "barrierGateStatus") or "", "unknown")

    async def _command(self, ctrl_mode: str, want: BarrierState) -> None:
        body = (f'<?xml version="1.0" encoding="UTF-8"?><BarrierGate version="2.0" xmlns="{ISAPI_NS}">'
                f"<ctrlMode>{ctrl_mode}</ctrlMode></BarrierGate>")
        await self.isapi.request("PUT", self._path, body)
        loop = asyncio.get_running_loop()
        deadline_s = loop.time() + self.confirm_timeout_s
        while (state := await self.state()) != want:
            if loop.time() >= deadline_s:
                raise BarrierNotConfirmed(f"{self.name}: {ctrl_mode} acknowledged but not confirmed "
                                          f"within {self.confirm_timeout_s} s (state {state})")
            await asyncio.sleep(self.poll_s)

    async def aclose(self) -> None:
        """Release the HTTP connection (close() is the gate's)."""
        await self.isapi.aclose()
