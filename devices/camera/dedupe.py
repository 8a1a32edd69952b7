"""Forget-after-a-while memory of event ids, so a camera's repeat of one event is one read.

Hikvision firmware may re-POST an event it thinks went unanswered (reference §4.1: sources
disagree); a Dahua stream may replay its last event after a reconnect. The memory is bounded in time
(ttl_s) and in size (max_ids, oldest forgotten first), so a camera flooding distinct ids costs at most
max_ids entries.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable


class RecentEvents:
    def __init__(
        self, *, ttl_s: float = 600.0, max_ids: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl_s = ttl_s
        self._max_ids = max_ids
        self._clock = clock
        self._first_seen_s: OrderedDict[str, float] = OrderedDict()

    def __len__(self) -> int:
        return len(self._first_seen_s)

    def seen(self, key: str) -> bool:
        """True when `key` was seen within ttl_s (a repeat); otherwise remember it and return False."""
        now_s = self._clock()
        first_seen = self._first_seen_s
        while first_seen:
            oldest, at_s = next(iter(first_seen.items()))
            if now_s - at_s < self._ttl_s and len(first_seen) < self._max_ids:
                break
            del first_seen[oldest]
        if key in first_seen:
            return True
        first_seen[key] = now_s
        return False
