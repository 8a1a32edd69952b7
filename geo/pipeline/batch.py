"""The working record of one batch as it passes through the steps.

Steps narrow `rows` (dropping with a reason) and add per-row columns; `rows`, `states` and every
column stay aligned by index. After `deduplicate`, rows are sorted by vehicle, then fix time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from geo.pipeline.model import Event, Settings, VehicleState
from geo.pipeline.world import WorldIndex
from geo.position import Position

DROP_REASONS = ("invalid", "zero", "out_of_range", "future", "past", "duplicate", "jump", "too_frequent")
NOT_TAGGED: list[str] = []  # shared "no fence" tag: compared, never mutated


class Batch:
    __slots__ = ("corridor_in", "dropped", "events", "index", "live", "now_s", "rows", "settings",
                 "site_hits", "states", "vehicle_states", "zone_hits")

    def __init__(self, index: WorldIndex, settings: Settings, vehicle_states: dict[str, VehicleState],
                 positions: Sequence[Position], now_s: float) -> None:
        self.index = index
        self.settings = settings
        self.vehicle_states = vehicle_states
        self.now_s = now_s
        self.rows: list[Position] = list(positions)
        self.states: list[VehicleState] = []  # per row, from deduplicate on
        self.live: list[bool] = []  # per row, from filter_noise on: newer than the vehicle's last fix
        self.site_hits: dict[int, list[str]] = {}  # row → sorted site ids (live rows in a fence only)
        self.zone_hits: dict[int, list[str]] = {}
        self.corridor_in: dict[int, bool] = {}  # row → inside its vehicle's corridor (live rows with one)
        self.dropped: dict[str, int] = dict.fromkeys(DROP_REASONS, 0)
        self.events: list[Event] = []

    def drop(self, reason: str, mask: npt.NDArray[np.bool_]) -> None:
        self.dropped[reason] += int(mask.sum())

    def keep(self, mask: npt.NDArray[np.bool_]) -> None:
        """Narrow rows (and the per-row columns filled so far) to `mask`."""
        if mask.all():
            return
        index = np.flatnonzero(mask).tolist()
        self.rows = [self.rows[i] for i in index]
        if self.states:
            self.states = [self.states[i] for i in index]
        if self.live:
            self.live = [self.live[i] for i in index]


Step = Callable[[Batch], None]
