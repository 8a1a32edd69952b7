"""A simulated Hikvision ISAPI device (entrance camera / barrier controller) on a real HTTP server.

It answers as the devices do (reference/devices.md §4.1): HTTP Digest (MD5, qop=auth) on every
route, ResponseStatus bodies, and

    PUT /ISAPI/Parking/channels/{ch}/barrierGate                    ctrlMode open|close|lock|unlock
    GET /ISAPI/Parking/channels/{ch}/barrierGate/barrierGateStatus   0 none · 1 closed · 2 open
    PUT /ISAPI/Parking/channels/{ch}/voiceBroadcastInfo             TTS text, kept in `spoken`

The gate reaches its position `move_s` after a command and reports 0 (no signal) on the way.
`locked` is the trap: "open" is answered OK and the gate stays closed. `voice_fails` makes the
speaker answer statusCode 4. Runs in a thread (ThreadingHTTPServer), so an asyncio test can
talk to it through the real network stack.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
import threading
import time
import urllib.request
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from devices.io.hikvision import ISAPI_NS, local_text

_GATE = re.compile(r"^/ISAPI/Parking/channels/(\d+)/barrierGate(/barrierGateStatus)?$")
_VOICE = re.compile(r"^/ISAPI/Parking/channels/(\d+)/voiceBroadcastInfo$")


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def _status(code: int, text: str, sub: str, ns: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><ResponseStatus version="2.0" xmlns="{ns}">'
            f"<statusCode>{code}</statusCode><statusString>{text}</statusString>"
            f"<subStatusCode>{sub}</subStatusCode></ResponseStatus>").encode()


class SimIsapiDevice:
    def __init__(self, *, username: str = "admin", password: str = "hik12345", move_s: float = 0.1,
                 namespace: str = ISAPI_NS, realm: str = "DS-TCG405") -> None:
        self.username, self.password, self.realm, self.namespace = username, password, realm, namespace
        self.move_s = move_s
        self.locked = False
        self.voice_fails = False
        self.commands: list[str] = []  # ctrlMode values received, in order
        self.spoken: list[str] = []  # TTS texts received, in order
        self.unauthorized = 0  # requests answered 401
        self._gate: tuple[str, float] = ("closed", 0.0)  # (target position, when it gets there)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        device = self

        class Handler(_Handler):
            sim = device

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        serve = self._server.serve_forever
        threading.Thread(target=serve, kwargs={"poll_interval": 0.02}, name="sim-isapi", daemon=True).start()

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            await asyncio.to_thread(server.shutdown)  # waits for serve_forever to notice
            server.server_close()

    def gate_status(self) -> int:
        with self._lock:
            target, at_s = self._gate
        if time.monotonic() < at_s:
            return 0  # between the limit switches
        return 2 if target == "open" else 1

    def command(self, ctrl_mode: str) -> None:
        with self._lock:
            self.commands.append(ctrl_mode)
            if ctrl_mode in ("open", "close") and not self.locked:
                self._gate = ("open" if ctrl_mode == "open" else "closed", time.monotonic() + self.move_s)

    def authorized(self, method: str, header: str | None) -> bool:
        if not header or not header.startswith("Digest "):
            return False
        fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(header[7:]))
        if fields.get("username") != self.username or fields.get("realm") != self.realm:
            return False
        ha1 = _md5(f"{self.username}:{self.realm}:{self.password}")
        ha2 = _md5(f"{method}:{fields.get('uri', '')}")
        parts = [fields.get(k, "") for k in ("nonce", "nc", "cnonce", "qop")]
        return secrets.compare_digest(fields.get("response", ""), _md5(":".join([ha1, *parts, ha2])))


class _Handler(BaseHTTPRequestHandler):
    sim: SimIsapiDevice

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        return None

    def _reply(self, code: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", "application/xml; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _handle(self) -> None:
        sim, ns = self.sim, self.sim.namespace
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not sim.authorized(self.command, self.headers.get("Authorization")):
            sim.unauthorized += 1
            challenge = f'Digest realm="{sim.realm}", qop="auth", nonce="{secrets.token_hex(16)}", algorithm=MD5'
            self._reply(401, _status(4, "Invalid Operation", "unauthorized", ns), {"WWW-Authenticate": challenge})
            return
        gate, voice = _GATE.match(self.path), _VOICE.match(self.path)
        if gate and gate.group(2) and self.command == "GET":
            xml = (f'<?xml version="1.0" encoding="UTF-8"?><BarrierGateStatus version="2.0" xmlns="{ns}">'
                   f"<barrierGateStatus>{sim.gate_status()}</barrierGateStatus></BarrierGateStatus>")
            self._reply(200, xml.encode())
        elif gate and not gate.group(2) and self.command == "PUT":
            mode = local_text(ET.fromstring(body), "ctrlMode") or ""
            sim.command(mode)
            self._reply(200, _status(1, "OK", "ok", ns))
        elif voice and self.command == "PUT":
            if sim.voice_fails:
                self._reply(403, _status(4, "Invalid Operation", "notSupport", ns))
                return
            sim.spoken.append(local_text(ET.fromstring(body), "text") or "")
            self._reply(200, _status(1, "OK", "ok", ns))
        else:
            self._reply(404, _status(4, "Invalid Operation", "notSupport", ns))

    do_GET = do_PUT = _handle
