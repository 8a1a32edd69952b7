"""A local stand-in for Google: the OAuth token endpoint and the FCM v1 send endpoint, over real
HTTP on 127.0.0.1, so the real firebase-admin SDK talks to it exactly as it would to Google."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ACCESS_TOKEN = "ya29.test-access-token"
UNREGISTERED = {"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND",
                          "details": [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                                       "errorCode": "UNREGISTERED"}]}}
INTERNAL = {"error": {"code": 500, "message": "Internal error encountered.", "status": "INTERNAL"}}


@dataclass
class Relay:
    base_url: str = ""
    mode: str = "ok"  # ok | error500 | unregistered
    token_requests: list[dict[str, list[str]]] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)
    unauthorised: int = 0

    def service_account(self, directory: Path, *, project_id: str = "meitong-test") -> str:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
        info = {
            "type": "service_account", "project_id": project_id, "private_key_id": "test-key-1",
            "private_key": pem, "client_email": f"sender@{project_id}.iam.gserviceaccount.com",
            "client_id": "1", "token_uri": f"{self.base_url}/token",
        }
        path = directory / "service-account.json"
        path.write_text(json.dumps(info))
        return str(path)


def _handler(relay: Relay) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.path == "/token":
                form = parse_qs(raw.decode())
                relay.token_requests.append(form)
                if form.get("grant_type") != ["urn:ietf:params:oauth:grant-type:jwt-bearer"] or not form.get("assertion"):
                    self._answer(400, {"error": "invalid_grant"})
                    return
                self._answer(200, {"access_token": ACCESS_TOKEN, "expires_in": 3600, "token_type": "Bearer"})
            elif self.path.startswith("/v1/projects/") and self.path.endswith("/messages:send"):
                if self.headers.get("Authorization") != f"Bearer {ACCESS_TOKEN}":
                    relay.unauthorised += 1
                    self._answer(401, {"error": {"code": 401, "status": "UNAUTHENTICATED", "message": "no"}})
                    return
                relay.sent.append({"path": self.path, **json.loads(raw)})
                if relay.mode == "error500":
                    self._answer(500, INTERNAL)
                elif relay.mode == "unregistered":
                    self._answer(404, UNREGISTERED)
                else:
                    self._answer(200, {"name": f"projects/p/messages/{len(relay.sent)}"})
            else:
                self._answer(404, {"error": "no such path"})

    return Handler


class RelayServer:
    def __init__(self) -> None:
        self.relay = Relay()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.relay))
        self.relay.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Relay:
        self.thread.start()
        return self.relay

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
