"""A local stand-in for a browser vendor's push service (RFC 8030): takes POSTs on any path over real
HTTP on 127.0.0.1 and keeps each request as it arrived, so a test can check and decrypt it."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class PushService:
    base_url: str = ""
    # 201 is what push services answer to a message they accepted (RFC 8030 §5).
    status: int = 201
    retry_after: str | None = None
    received: list[Received] = field(default_factory=list)

    def endpoint(self, name: str = "sub-1") -> str:
        return f"{self.base_url}/push/{name}"


def _handler(service: PushService) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            service.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(service.status)
            if service.status == 201:
                self.send_header("Location", f"{service.base_url}/message/{len(service.received)}")
            if service.retry_after is not None:
                self.send_header("Retry-After", service.retry_after)
            self.send_header("Content-Length", "0")
            self.end_headers()

    return Handler


class PushServiceServer:
    def __init__(self) -> None:
        self.service = PushService()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.service))
        self.service.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> PushService:
        self.thread.start()
        return self.service

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
