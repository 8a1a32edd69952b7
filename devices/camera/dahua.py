"""Dahua ANPR: the snapManager attachFileProc event stream, parsed into `PlateRead`s.

`GET /cgi-bin/snapManager.cgi?action=attachFileProc&Flags[0]=Event&Events=[TrafficJunction]...`
answers one endless multipart body (reference §4.2). Each event is a text/plain part of key=value
lines, followed by the image/jpeg part that belongs to it::

    Events[0].EventBaseInfo.Code=TrafficJunction
    Events[0].TrafficCar.PlateNumber=蒙K66888
    Events[0].TrafficCar.PlateColor=Yellow
    Events[0].UTC=1773541845        seconds since the epoch; UTCMS adds milliseconds
    Events[0].PTS=42949485.000000   the device's uptime clock: not a wall time

A text part that is just "Heartbeat" keeps the connection alive. TrafficJunction has no in/out
field: the direction is the camera's configured role. `DahuaEventStream` holds the connection open
(Digest auth, reconnect with backoff) and de-duplicates, so an event replayed after a reconnect is
one read.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime

import httpx

from devices.camera.base import PlateRead
from devices.camera.dedupe import RecentEvents
from devices.camera.multipart import MultipartError, MultipartReader, Part, content_type_params
from devices.camera.plates import normalise_plate, plate_colour

log = logging.getLogger(__name__)

ANPR_CODES = frozenset({"TrafficJunction"})
MAX_PICTURE_BYTES = 4 << 20
_KEY = re.compile(r"Events\[(\d{1,3})\]\.(.+)")


class DahuaStreamParser:
    """Incremental: `feed(chunk)` returns the reads its bytes completed, whatever the split.

    A read is complete when its picture arrives, or when the next text part shows there is none.
    """

    def __init__(
        self,
        boundary: str,
        *,
        camera: str = "",
        direction: str | None = None,
        codes: Iterable[str] = ANPR_CODES,
    ) -> None:
        self._parts = MultipartReader(boundary, max_part_bytes=MAX_PICTURE_BYTES)
        self._camera = camera
        self._direction = direction
        self._codes = frozenset(codes)
        self._pending: list[PlateRead] = []  # reads waiting for their picture
        self.heartbeats = 0
        self.ignored = 0  # events of other codes, unreadable text, stray pictures

    def feed(self, chunk: bytes) -> list[PlateRead]:
        """Raises MultipartError when the stream is beyond repair (reconnect)."""
        reads: list[PlateRead] = []
        for part in self._parts.feed(chunk):
            reads += self._part(part)
        return reads

    def finish(self) -> list[PlateRead]:
        """The stream ended: reads still waiting for a picture are complete without one.
        A part cut off by the end is dropped: a truncated picture is no evidence."""
        reads, self._pending = self._pending, []
        return reads

    def _part(self, part: Part) -> list[PlateRead]:
        if part.content_type.startswith("image/") or part.body.startswith(b"\xff\xd8\xff"):
            if not self._pending:
                self.ignored += 1
                return []
            done = [
                replace(r, pictures={**r.pictures, f"picture{len(r.pictures) + 1}.jpg": part.body})
                for r in self._pending
            ]
            self._pending = []
            return done
        done, self._pending = self._pending, []
        text = _decode(part.body).strip()
        if text.lower() == "heartbeat":
            self.heartbeats += 1
            return done
        events = parse_events(text)
        for fields in events.values():
            if fields.get("EventBaseInfo.Code", fields.get("Code")) in self._codes:
                self._pending.append(self._read(fields))
            else:
                self.ignored += 1
        if not events:
            self.ignored += 1
        return done

    def _read(self, fields: dict[str, str]) -> PlateRead:
        plate = normalise_plate(fields.get("TrafficCar.PlateNumber") or fields.get("Object.Text", ""))
        utc_s, utc_ms = fields.get("UTC", ""), fields.get("UTCMS", "")
        at = datetime.now(UTC)
        if utc_s.isascii() and utc_s.isdigit() and len(utc_s) <= 11:
            ms = int(utc_ms) if utc_ms.isascii() and utc_ms.isdigit() and int(utc_ms) < 1000 else 0
            at = datetime.fromtimestamp(int(utc_s) + ms / 1000, UTC)
            stamp = f"{utc_s}.{ms:03d}"
        else:
            stamp = fields.get("PTS", "")
        return PlateRead(
            plate=plate,
            colour=plate_colour(fields.get("TrafficCar.PlateColor", "")),
            event_id=f"{plate}@{stamp}",
            at=at,
            camera=self._camera,
            confidence=_int(fields.get("Object.Confidence", ""), 100),
            direction=self._direction,
            lane_no=_int(fields.get("TrafficCar.Lane") or fields.get("Lane", ""), 99),
        )


def parse_events(text: str) -> dict[int, dict[str, str]]:
    """'Events[0].TrafficCar.PlateNumber=蒙K66888' lines -> {0: {"TrafficCar.PlateNumber": "蒙K66888"}}."""
    events: dict[int, dict[str, str]] = {}
    for line in text.splitlines():
        key, eq, value = line.strip().partition("=")
        match = _KEY.fullmatch(key)
        if eq and match:
            events.setdefault(int(match[1]), {})[match[2]] = value.strip()
    return events


def _decode(body: bytes) -> str:
    """Text parts are UTF-8; older Chinese firmware writes GB18030 (a superset of GB2312)."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("gb18030", "replace")


def _int(text: str, high: int) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and int(text) <= high else None


class DahuaEventStream:
    """A `PlateSource` reading one Dahua camera's event stream; `direction` is the camera's role."""

    def __init__(
        self,
        base_url: str,
        *,
        username: str,
        password: str,
        camera: str = "",
        direction: str | None = None,
        channel: int = 1,
        heartbeat_s: int = 30,
        dedupe_ttl_s: float = 600.0,
        min_backoff_s: float = 1.0,
        max_backoff_s: float = 60.0,
    ) -> None:
        # Brackets unescaped, as the vendor documents the URL; httpx sends them verbatim.
        self.url = (
            f"{base_url.rstrip('/')}/cgi-bin/snapManager.cgi?action=attachFileProc"
            f"&Flags[0]=Event&Events=[TrafficJunction]&channel={channel}&heartbeat={heartbeat_s}"
        )
        self._auth = httpx.DigestAuth(username, password)
        # No byte for two heartbeats means the link is dead, even if TCP has not noticed.
        self._timeout = httpx.Timeout(10.0, read=2.0 * heartbeat_s + 5.0)
        self._camera = camera or (httpx.URL(base_url).host or base_url)
        self._direction = direction
        self._recent = RecentEvents(ttl_s=dedupe_ttl_s)
        self._min_backoff_s, self._max_backoff_s = min_backoff_s, max_backoff_s
        self._reads: asyncio.Queue[PlateRead] = asyncio.Queue(1000)
        self._task: asyncio.Task[None] | None = None
        self._delivered = False
        self.connects = 0
        self.failures = 0
        self.duplicates = 0
        self.heartbeats = 0

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"dahua-stream {self._camera}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def next_read(self) -> PlateRead:
        await self.start()
        return await self._reads.get()

    async def _run(self) -> None:
        backoff_s = self._min_backoff_s
        async with httpx.AsyncClient(auth=self._auth, timeout=self._timeout) as client:
            while True:
                self._delivered = False
                try:
                    await self._stream_once(client)
                except (httpx.HTTPError, MultipartError) as exc:
                    self.failures += 1
                    log.warning("dahua %s: stream failed (%s); retry in %.1f s", self._camera, exc, backoff_s)
                except Exception:  # a bug must not end the lane's only camera feed
                    self.failures += 1
                    log.exception("dahua %s: stream failed; retry in %.1f s", self._camera, backoff_s)
                if self._delivered:
                    backoff_s = self._min_backoff_s  # the link worked: the next drop is news, retry soon
                await asyncio.sleep(backoff_s)
                backoff_s = min(2 * backoff_s, self._max_backoff_s)

    async def _stream_once(self, client: httpx.AsyncClient) -> None:
        """Read one connection until it ends or fails; `_delivered` says whether any bytes came."""
        async with client.stream("GET", self.url) as response:
            response.raise_for_status()
            self.connects += 1
            _, params = content_type_params(response.headers.get("content-type", ""))
            parser = DahuaStreamParser(
                params.get("boundary", "myboundary"), camera=self._camera, direction=self._direction
            )
            try:
                async for chunk in response.aiter_bytes():
                    self._delivered = True
                    self._offer(parser.feed(chunk))
            finally:  # also on a timeout or a reset: an event already described still happened
                self._offer(parser.finish())
                self.heartbeats += parser.heartbeats

    def _offer(self, reads: list[PlateRead]) -> None:
        for read in reads:
            if self._recent.seen(read.event_id):
                self.duplicates += 1
                continue
            if self._reads.full():
                self._reads.get_nowait()  # nobody is reading: keep the newest
            self._reads.put_nowait(read)
