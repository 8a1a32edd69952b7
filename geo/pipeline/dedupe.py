"""Step 2, deduplicate: one fix per vehicle and fix time.

Sorts the batch by vehicle, then fix time (every later step relies on that order), attaches each
row's VehicleState (a fresh one for a vehicle never seen) and drops a fix whose time equals the one
before it in the batch, or the vehicle's last accepted fix. Terminals resend a 0x0200 they got no
0x8001 for; phones retry whole batches.
"""

from __future__ import annotations

from operator import attrgetter

from geo.pipeline.batch import Batch
from geo.pipeline.model import VehicleState

_ORDER = attrgetter("vehicle_id", "fix_at_s")


def deduplicate(batch: Batch) -> None:
    rows = sorted(batch.rows, key=_ORDER)
    known = batch.vehicle_states
    kept, states = [], []
    vehicle_id: str | None = None
    state = VehicleState(vehicle_id="")
    previous_s = -1.0
    duplicates = 0
    for p in rows:
        if p.vehicle_id != vehicle_id:
            vehicle_id = p.vehicle_id
            found = known.get(vehicle_id)
            if found is None:
                found = known[vehicle_id] = VehicleState(vehicle_id=vehicle_id)
            state = found
            previous_s = -1.0
        t = p.fix_at_s
        if t == previous_s or t == state.last_fix_at_s:
            duplicates += 1
            continue
        previous_s = t
        kept.append(p)
        states.append(state)
    batch.rows, batch.states = kept, states
    batch.dropped["duplicate"] += duplicates
