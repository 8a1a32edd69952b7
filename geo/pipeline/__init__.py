"""The GPS pipeline: an ordered tuple of small steps over batches of positions (DESIGN §8).

    pipeline = Pipeline(world)                       # builds the fence index and corridors once
    result = pipeline.process(positions, states, now_s=time.time())
    # store result.kept and result.events; persist `states` (mutated in place) with them
    events = pipeline.sweep(states, now_s=time.time())  # every minute or so: silent vehicles

Steps: validate → deduplicate → filter_noise → tag → detect. Each is a function over a Batch
(geo.pipeline.batch); everything a restart needs is in the VehicleState, never in the Pipeline.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from geo.pipeline import gaps
from geo.pipeline.batch import Batch, Step
from geo.pipeline.dedupe import deduplicate
from geo.pipeline.detect import detect
from geo.pipeline.model import Event, Settings, VehicleState, World
from geo.pipeline.noise import filter_noise
from geo.pipeline.tag import tag
from geo.pipeline.validate import validate
from geo.pipeline.world import WorldIndex
from geo.position import Position

STEPS: tuple[Step, ...] = (validate, deduplicate, filter_noise, tag, detect)


class BatchResult(msgspec.Struct):
    kept: list[Position]  # what to store (live and late), in fix-time order per vehicle
    dropped: dict[str, int]  # reason → count, every reason present
    events: list[Event]


class Pipeline:
    def __init__(self, world: World, settings: Settings = Settings()) -> None:
        self.world = world
        self.settings = settings
        self.index = WorldIndex(world, settings)

    def process(self, positions: Sequence[Position], states: dict[str, VehicleState], *, now_s: float) -> BatchResult:
        batch = Batch(self.index, self.settings, states, positions, now_s)
        for step in STEPS:
            step(batch)
        return BatchResult(kept=batch.rows, dropped=batch.dropped, events=batch.events)

    def sweep(self, states: dict[str, VehicleState], *, now_s: float) -> list[Event]:
        return gaps.sweep(states, self.index, self.settings, now_s)


__all__ = ["STEPS", "BatchResult", "Pipeline", "Step"]
