"""Per-connection and per-server limits of the JT/T 808 gateway, and the frame-rate token bucket.

A terminal sends a position every 10–30 s and a heartbeat every minute; a blind-area re-upload is a
short burst of 0x0704 frames. Anything far beyond that is a broken or hostile peer, and it must
cost the server little: its bytes are bounded, its frames are paced, and it is closed after a few
refused messages. The defaults suit production; tests pass tighter ones.
"""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Limits:
    max_connections: int = 20_000  # per gateway process; beyond it new sockets are closed at once
    idle_timeout_s: float = 180.0  # no byte for this long closes the socket (settings.jt808_idle_timeout_s)
    write_timeout_s: float = 10.0  # a peer that does not read its replies is dropped
    read_chunk_bytes: int = 4096
    # Splitter: the longest escaped frame (2019 header + subpackage fields + 1023-byte body, escaped).
    max_frame_bytes: int = 2 * (17 + 4 + 1023 + 1) + 2
    # Bytes dropped (no flag, broken candidates) since the last usable frame: garbage past this closes.
    max_garbage_bytes: int = 8192
    frames_per_s: float = 20.0  # sustained rate; beyond it the reads are paced (TCP backpressure)
    frame_burst: int = 200  # a blind-area re-upload arrives as a burst
    max_malformed: int = 16  # refused frames (checksum, escape, length, body); each good frame forgives one
    max_unauthenticated: int = 8  # messages other than register/authenticate before 0x0102 succeeds
    max_auth_failures: int = 3
    max_registrations: int = 3  # 0x0100 per connection
    max_pending_subpackages: int = 8
    max_subpackage_total: int = 64
    subpackage_timeout_s: float = 60.0
    stream_maxlen: int = 2_000_000  # approximate MAXLEN of the GPS stream (the pipeline reads far faster)
    touch_interval_s: float = 10.0  # how often last-seen times are written to SQL, in one batch


class TokenBucket:
    """`rate` tokens a second up to `burst`; `delay_s()` takes one token or says how long to wait."""

    def __init__(self, *, rate: float, burst: int) -> None:
        self._rate = rate
        self._burst = float(burst)
        self._tokens = float(burst)
        self._last = time.monotonic()

    def delay_s(self) -> float:
        now = time.monotonic()
        self._tokens = min(self._burst, self._tokens + (now - self._last) * self._rate)
        self._last = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return 0.0
        return (1.0 - self._tokens) / self._rate
