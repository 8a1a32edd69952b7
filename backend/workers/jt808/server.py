"""The gateway process: accepts terminals, tracks them, flushes last-seen times, sends downlinks.

`serve_gateway(ctx, host=, port=)` starts one on the running loop (tests use port 0);
`in_app_gateway(ctx, settings)` runs one inside the web process (`meitong run`, jt808_in_app);
`run_gateway(settings)` is `meitong jt808`. Gateways share nothing but Redis and SQL, so several
can run behind a TCP load balancer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime
from typing import Any

from backend.context import Context, build_context
from backend.db.base import utcnow
from backend.db.unit import unit_of_work
from backend.domain.terminals import service as terminals
from backend.settings import Settings
from backend.workers.jt808 import messages
from backend.workers.jt808.connection import Connection
from backend.workers.jt808.downlink import listen_downlink
from backend.workers.jt808.limits import Limits
from geo.protocols.jt808 import Header, Payload, TextMessage
from geo.protocols.jt808.batch import TTS_FLAG
from geo.protocols.jt808.codec import TEXT

log = logging.getLogger("meitong.jt808")
DISPLAY_FLAG = 1 << 2  # 0x8300 flag bit 2: show on the terminal's display


class Gateway:
    def __init__(self, ctx: Context, *, limits: Limits | None = None, stream: str | None = None) -> None:
        self.ctx = ctx
        self.limits = limits or Limits(idle_timeout_s=ctx.settings.jt808_idle_timeout_s)
        self.stream = stream or ctx.settings.gps_stream
        self.counts: Counter[str] = Counter()
        self.connections: set[Connection] = set()
        self.by_phone: dict[str, Connection] = {}
        self.server: asyncio.Server | None = None
        self._seen: dict[str, datetime] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._flusher: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        assert self.server is not None and self.server.sockets
        return int(self.server.sockets[0].getsockname()[1])

    async def start(self, *, host: str, port: int) -> Gateway:
        self.server = await asyncio.start_server(self._accept, host, port, limit=self.limits.read_chunk_bytes * 4)
        self._flusher = asyncio.create_task(self._flush_loop())
        log.info("jt808 gateway listening", extra={"host": host, "port": self.port})
        return self

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if len(self.connections) >= self.limits.max_connections:
            self.counts["refused_full"] += 1
            writer.close()
            return
        conn = Connection(self, reader, writer)
        self.connections.add(conn)
        self.counts["accepted"] += 1
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            await conn.run()
        finally:
            self.connections.discard(conn)
            self.unbind(conn)
            if task is not None:
                self._tasks.discard(task)

    async def dispatch(self, conn: Connection, header: Header, payload: Payload) -> None:
        await messages.dispatch(self, conn, header, payload)

    def bind(self, conn: Connection) -> None:
        """The authenticated connection of a terminal; an older one (half-open after a reconnect) goes."""
        assert conn.phone is not None
        old = self.by_phone.get(conn.phone)
        if old is not None and old is not conn:
            old.abort()
        self.by_phone[conn.phone] = conn
        self.seen(conn.phone)

    def unbind(self, conn: Connection) -> None:
        if conn.phone is not None and self.by_phone.get(conn.phone) is conn:
            del self.by_phone[conn.phone]

    def seen(self, phone: str) -> None:
        self._seen[phone] = utcnow()  # a dict write per message; SQL sees it at the next flush

    async def flush_seen(self) -> None:
        seen, self._seen = self._seen, {}
        if seen:
            async with unit_of_work(self.ctx) as session:
                await terminals.touch(session, seen=seen)

    async def _flush_loop(self) -> None:
        while True:
            await asyncio.sleep(self.limits.touch_interval_s)
            try:
                await self.flush_seen()
            except Exception:  # SQL away for a moment: last-seen is advisory, the next flush catches up
                log.exception("jt808 last-seen flush failed")

    async def send_text(self, phone: str, text: str, *, tts: bool = False) -> bool:
        """0x8300 to a connected, authenticated terminal (shown, and read aloud when `tts`)."""
        conn = self.by_phone.get(phone)
        if conn is None or conn.phone is None:
            return False
        like = Header(msg_id=TEXT, terminal_id=conn.phone, seq=0, body_len=0, version_2019=conn.version_2019)
        flags = DISPLAY_FLAG | (TTS_FLAG if tts else 0)
        try:
            await conn.send(TEXT, TextMessage(flags, text, 1 if conn.version_2019 else None), like=like)
        except Exception:  # the connection's own task notices and closes; the caller learns "not sent"
            log.warning("jt808 text not sent", extra={"phone": phone})
            return False
        return True

    async def close(self) -> None:
        if self._flusher is not None:
            self._flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flusher
        if self.server is not None:
            self.server.close()
        for conn in list(self.connections):
            conn.abort()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.server is not None:
            await self.server.wait_closed()
        with contextlib.suppress(Exception):
            await self.flush_seen()


async def serve_gateway(ctx: Context, *, host: str, port: int, limits: Limits | None = None) -> Gateway:
    """A started gateway on the running loop; `await gateway.close()` stops it."""
    return await Gateway(ctx, limits=limits).start(host=host, port=port)


@contextlib.asynccontextmanager
async def in_app_gateway(ctx: Context, settings: Settings) -> AsyncIterator[Gateway]:
    """The gateway as part of the web process (embedded defaults: the in-process Redis is there)."""
    gateway = await serve_gateway(ctx, host=settings.jt808_host, port=settings.jt808_port)
    downlink = asyncio.create_task(listen_downlink(gateway))
    try:
        yield gateway
    finally:
        downlink.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await downlink
        await gateway.close()


async def run_gateway(settings: Settings, *, host: str | None = None, port: int | None = None) -> None:
    """`meitong jt808`: the gateway alone, until cancelled (SIGINT)."""
    from backend.http.logs import configure_logging

    configure_logging(level=settings.log_level, as_json=settings.log_json)
    settings = replace(settings, jt808_host=host or settings.jt808_host, jt808_port=port or settings.jt808_port)
    ctx = build_context(settings)
    try:
        async with in_app_gateway(ctx, settings):
            await asyncio.Event().wait()
    finally:
        await ctx.redis.aclose()
        await ctx.engine.dispose()

