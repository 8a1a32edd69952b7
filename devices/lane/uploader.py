"""Drains the outbox to the platform, oldest first, each weighing under its own weighingId.

Exactly once: a weighing is marked sent only after the platform's answer; a crash between the
answer and the mark re-sends the same weighingId, which the platform answers as a duplicate (and
that answer marks it sent). What each outcome does to a row:

    200 (accepted or refused, duplicate or not)  final: sent, the answer kept
    other 4xx (the request itself is wrong)       failed with the error, never retried by itself
    401 (this lane's key or clock is wrong)       kept pending: the weighing is fine, the lane is not
    LinkDown (network, timeout, 5xx)              kept pending, retried with back-off

Order matters: an offline tare must reach the platform before the same order's gross, so the
lane's own upload of a new weighing (`flush_through`) first sends everything older.
"""

from __future__ import annotations

import asyncio
import logging

from devices.lane.answers import LinkDown, PlatformError, WeighingAnswer
from devices.lane.link import PlatformLink
from devices.lane.outbox import Outbox, OutboxRow

log = logging.getLogger(__name__)

# Statuses after which the row stays pending: the fault is not in the weighing (a malformed 200 is
# the platform's own bug, a 401 the lane's key or clock).
_KEEP_PENDING = frozenset({200, 401})


class Uploader:
    def __init__(self, outbox: Outbox, link: PlatformLink, *, retry_min_s: float, retry_max_s: float) -> None:
        self._outbox = outbox
        self._link = link
        self._retry_min_s = retry_min_s
        self._retry_max_s = retry_max_s
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def drain(self) -> None:
        """Send every pending weighing in order; LinkDown when the link fails on the way."""
        async with self._lock:
            while rows := await self._outbox.pending():
                for row in rows:
                    await self._send_quietly(row)

    async def flush_through(self, weighing_id: str) -> WeighingAnswer:
        """Send everything older, then this weighing; its answer, or LinkDown / PlatformError."""
        async with self._lock:
            # In batches: a long outage's backlog (pictures included) need not sit in memory at once.
            # Each row handled leaves the pending set (or LinkDown ends the walk), so this ends.
            while rows := await self._outbox.pending():
                for row in rows:
                    if row.weighing_id == weighing_id:
                        return await self._send(row)
                    await self._send_quietly(row)
            # Sent (or failed) meanwhile by the background drain: its recorded outcome stands.
            done = await self._outbox.row(weighing_id)
            if done is None:
                raise KeyError(weighing_id)
            if done.answer is None:
                raise PlatformError(0, "upload_failed", message_en=done.last_error or "")
            return WeighingAnswer.from_json(done.answer, weighing_id=weighing_id)

    async def run(self) -> None:
        """Background drain: at start, whenever woken (link back up), and with back-off while down."""
        delay_s = self._retry_min_s
        while True:
            self._wake.clear()
            try:
                await self.drain()
            except LinkDown as exc:
                log.info("outbox: %d pending, link down (%s); retry in %.1f s",
                         self._outbox.pending_count, exc, delay_s)
                try:
                    async with asyncio.timeout(delay_s):
                        await self._wake.wait()
                except TimeoutError:
                    pass
                delay_s = min(delay_s * 2, self._retry_max_s)
                continue
            delay_s = self._retry_min_s
            await self._wake.wait()

    async def _send_quietly(self, row: OutboxRow) -> None:
        try:
            await self._send(row)
        except PlatformError:
            pass  # recorded as failed on its row; the next weighing must not wait for a broken one

    async def _send(self, row: OutboxRow) -> WeighingAnswer:
        weighing_id = row.weighing_id
        try:
            answer = await self._link.submit_weighing(row.body)
        except LinkDown as exc:
            await self._outbox.note_attempt(weighing_id, str(exc))
            raise
        except PlatformError as exc:
            if exc.status in _KEEP_PENDING:
                await self._outbox.note_attempt(weighing_id, str(exc))
                raise LinkDown(str(exc)) from exc
            log.error("outbox: weighing %s refused as a request: %s", weighing_id, exc)
            await self._outbox.mark_failed(weighing_id, str(exc))
            raise
        await self._outbox.mark_sent(weighing_id, answer.raw)
        return answer
