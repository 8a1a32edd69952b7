"""The HTTP endpoint Hikvision cameras push ANPR events to: a small asyncio HTTP/1.1 server.

Cameras are configured (httpHosts, reference §4.1) to POST to this host, any path. Each request is
answered as soon as its body is parsed: 200 for a read, a repeat or an event we ignore, so the camera
never waits for the lane and never re-sends what we already have. Reads go to a bounded queue that
`next_read()` serves (a `PlateSource`); a repeat of an event (same camera and event_id within
dedupe_ttl_s) is counted, not queued.

Deliberately small HTTP: request head up to 16 KiB, a Content-Length body (chunked gets 411, over
max_body_bytes gets 413 before the body is read), keep-alive as HTTP/1.1 says. Garbage gets 400 and
a closed connection; nothing a peer sends ends the server.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import replace

from devices.camera.base import PlateRead
from devices.camera.dedupe import RecentEvents
from devices.camera.hikvision import MAX_BODY_BYTES, AnprRefused, parse_anpr
from devices.camera.receiver_http import Request, parse_head, response

log = logging.getLogger(__name__)

MAX_HEAD_BYTES = 16 << 10


class HikvisionReceiver:
    """`roles` maps a camera (its XML ipAddress, else the peer's IP) to the lane direction, "in" or "out"."""

    def __init__(
        self,
        *,
        roles: Mapping[str, str] | None = None,
        dedupe_ttl_s: float = 600.0,
        max_body_bytes: int = MAX_BODY_BYTES,
        max_queued_reads: int = 1000,
        max_connections: int = 64,
        idle_timeout_s: float = 30.0,
    ) -> None:
        self._roles = dict(roles or {})
        self._recent = RecentEvents(ttl_s=dedupe_ttl_s)
        self._max_body_bytes = max_body_bytes
        self._max_connections = max_connections
        self._idle_timeout_s = idle_timeout_s
        self._reads: asyncio.Queue[PlateRead] = asyncio.Queue(max_queued_reads)
        self._server: asyncio.Server | None = None
        self._connections: dict[asyncio.Task[None], asyncio.StreamWriter] = {}
        self.port = 0
        # What the receiver did with each request, for the lane's health page.
        self.reads = 0
        self.duplicates = 0
        self.ignored = 0
        self.bad_requests = 0
        self.dropped_reads = 0  # queue full: the oldest read was dropped for the newest

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = await asyncio.start_server(self._serve, host, port, limit=MAX_HEAD_BYTES)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is None:
            return
        self._server.close()
        # Closing a connection ends its handler at its next read; cancelling would leave asyncio
        # logging the cancelled handler tasks. A handler that does not end soon is cancelled.
        for writer in self._connections.values():
            writer.close()
        if self._connections:
            _, stuck = await asyncio.wait(list(self._connections), timeout=1.0)
            for task in stuck:
                task.cancel()
        await self._server.wait_closed()
        self._server = None

    async def next_read(self) -> PlateRead:
        return await self._reads.get()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections[task] = writer
        peer = writer.get_extra_info("peername")
        peer_ip = str(peer[0]) if isinstance(peer, tuple) else ""
        try:
            if len(self._connections) <= self._max_connections:
                while await self._one_request(reader, writer, peer_ip):
                    pass
        except (ConnectionError, asyncio.IncompleteReadError, TimeoutError):
            pass  # the peer went away or stalled mid-request: nothing to answer
        except Exception:  # a bug must cost one connection, never the server
            log.exception("camera receiver: request from %s failed", peer_ip)
        finally:
            self._connections.pop(task, None)
            writer.close()
            try:
                await writer.wait_closed()
            except (ConnectionError, OSError):
                pass

    async def _one_request(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, peer_ip: str
    ) -> bool:
        """Serve one request; True when the connection stays open for the next."""
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), self._idle_timeout_s)
        except asyncio.LimitOverrunError:
            return await self._refuse(writer, 431, "request head too large")
        except (asyncio.IncompleteReadError, TimeoutError):
            return False  # closed, or idle between requests
        request = parse_head(head)
        if request is None:
            return await self._refuse(writer, 400, "malformed request")
        if request.method not in ("POST", "PUT"):
            return await self._refuse(writer, 405, "POST the event here")
        if "transfer-encoding" in request.headers or request.content_length is None:
            return await self._refuse(writer, 411, "send a Content-Length body")
        if request.content_length > self._max_body_bytes:
            return await self._refuse(writer, 413, "body too large")
        if request.headers.get("expect", "").lower() == "100-continue":
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        body = await asyncio.wait_for(reader.readexactly(request.content_length), self._idle_timeout_s)
        status = self._accept(request, body, peer_ip)
        writer.write(response(status, keep_alive=request.keep_alive))
        await writer.drain()
        return request.keep_alive

    def _accept(self, request: Request, body: bytes, peer_ip: str) -> int:
        """Parse, de-duplicate and queue; the HTTP status to answer."""
        try:
            read = parse_anpr(request.headers.get("content-type", ""), body)
        except AnprRefused as refused:
            self.bad_requests += 1
            log.info("camera receiver: refused a push from %s (%s)", peer_ip, refused)
            return 413 if refused.code == "too_large" else 400
        if read is None:
            self.ignored += 1
            return 200
        camera = read.camera or peer_ip
        read = replace(read, camera=camera, direction=self._roles.get(camera, read.direction))
        if self._recent.seen(f"{camera}|{read.event_id}"):
            self.duplicates += 1
            return 200
        if self._reads.full():
            self._reads.get_nowait()
            self.dropped_reads += 1
        self._reads.put_nowait(read)
        self.reads += 1
        return 200

    async def _refuse(self, writer: asyncio.StreamWriter, status: int, reason: str) -> bool:
        """Answer an error and close: after a bad head we cannot know where the next request starts."""
        self.bad_requests += 1
        writer.write(response(status, keep_alive=False, text=reason))
        await writer.drain()
        return False
