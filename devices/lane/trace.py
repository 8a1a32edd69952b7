"""The weight trace of one stay on the scale: [ms since on-scale, kg, clear], at most `max_points`;
`clear` is 1 when both gratings were clear at that reading (the truck wholly on the platform), 0
while it was still crossing one — the platform looks for a settled level among the clear ones.

The platform looks in it for a step while the truck stood still (a remote-control box), so the
trace must span the whole stay evenly, however long the truck waited. Memory stays bounded: the
raw buffer keeps every `stride`-th reading and halves itself (doubling the stride) when it reaches
twice the limit; the last reading is always kept, since it is the one the weighing was taken at.
"""

from __future__ import annotations

TracePoint = tuple[int, int, int]
MAX_TRACE_POINTS = 2000


class WeightTrace:
    def __init__(self, *, t0_s: float, max_points: int = MAX_TRACE_POINTS) -> None:
        if max_points < 2:
            raise ValueError("max_points must be >= 2")
        self.t0_s = t0_s
        self._max = max_points
        self._points: list[TracePoint] = []
        self._stride = 1
        self._seen = 0
        self._last: TracePoint | None = None

    def add(self, t_s: float, kg: int, *, clear: bool = True) -> None:
        point = (max(0, round((t_s - self.t0_s) * 1000)), kg, int(clear))
        self._last = point
        if self._seen % self._stride == 0:
            self._points.append(point)
            if len(self._points) >= 2 * self._max:
                self._points = self._points[::2]
                self._stride *= 2
        self._seen += 1

    def __len__(self) -> int:
        return self._seen

    def points(self) -> list[list[int]]:
        """Evenly down-sampled to at most `max_points`, first and last reading included."""
        points = list(self._points)
        if self._last is not None and (not points or points[-1] != self._last):
            points.append(self._last)
        n = len(points)
        if n > self._max:
            last = n - 1
            points = [points[round(i * last / (self._max - 1))] for i in range(self._max)]
        return [list(p) for p in points]
