"""Reassembly of subpackaged messages (attribute bit 13: total and index in the header).

Packages of one message share terminal, msg id and total, with consecutive sequence numbers, so
the first package's seq (seq − index + 1) names the message. Pending messages are bounded, and
`expire(now_s)` (called by the owner, e.g. on each read) drops those idle longer than `timeout_s`,
so a terminal that never sends the last package cannot hold memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from geo.protocols.jt808.errors import SubpackageError
from geo.protocols.jt808.frame import Frame

Key = tuple[str, int, int, int]  # terminal id, msg id, total, first seq


@dataclass(slots=True)
class _Pending:
    first: Frame
    parts: dict[int, bytes] = field(default_factory=dict)
    updated_s: float = 0.0


class Reassembler:
    def __init__(self, *, max_pending: int = 64, max_total: int = 1024, timeout_s: float = 60.0) -> None:
        self._max_pending = max_pending
        self._max_total = max_total
        self._timeout_s = timeout_s
        self._pending: dict[Key, _Pending] = {}

    def __len__(self) -> int:
        return len(self._pending)

    def add(self, frame: Frame, *, now_s: float) -> Frame | None:
        """A whole frame: `frame` itself if not subpackaged, the joined message on its last package."""
        header = frame.header
        if not header.subpackaged:
            return frame
        if header.package_total > self._max_total:
            raise SubpackageError(f"{header.package_total} packages is more than {self._max_total}")
        key = (
            header.terminal_id,
            header.msg_id,
            header.package_total,
            (header.seq - header.package_index + 1) & 0xFFFF,
        )
        pending = self._pending.get(key)
        if pending is None:
            if len(self._pending) >= self._max_pending:
                raise SubpackageError(f"{self._max_pending} messages already pending")
            pending = self._pending[key] = _Pending(frame)
        pending.parts[header.package_index] = frame.body
        pending.updated_s = now_s
        if header.package_index == 1:
            pending.first = frame
        if len(pending.parts) < header.package_total:
            return None
        del self._pending[key]
        body = b"".join(pending.parts[i] for i in range(1, header.package_total + 1))
        first = pending.first.header
        joined = replace(first, body_len=len(body), package_total=0, package_index=0)
        return replace(pending.first, header=joined, body=body)

    def expire(self, *, now_s: float) -> list[Key]:
        """Drop messages idle for more than `timeout_s`; returns their keys (for a 0x8003 request)."""
        stale = [key for key, p in self._pending.items() if now_s - p.updated_s > self._timeout_s]
        for key in stale:
            del self._pending[key]
        return stale
