"""Step 1, validate: refuse fixes that cannot be right, whole batch at once (numpy masks).

The order of the reasons matters for the counts only: lat = lon = 0 is "zero" (the classic no-fix),
anything outside the service box (or not a finite number) is "out_of_range" — this catches [lat, lon]
swapped, as in the 2019 test vector whose latitude reads 116.3 — and then the receiver's own
"no fix" flag is "invalid".
"""

from __future__ import annotations

import numpy as np

from geo.pipeline.batch import Batch


def validate(batch: Batch) -> None:
    rows = batch.rows
    if not rows:
        return
    n = len(rows)
    lon = np.fromiter((p.lon for p in rows), dtype=float, count=n)
    lat = np.fromiter((p.lat for p in rows), dtype=float, count=n)
    valid = np.fromiter((p.valid for p in rows), dtype=bool, count=n)
    s = batch.settings
    zero = (lon == 0.0) & (lat == 0.0)
    # NaN compares False, so a NaN coordinate is never inside the box.
    in_box = (lon >= s.service_lon_min) & (lon <= s.service_lon_max) & (lat >= s.service_lat_min) & (lat <= s.service_lat_max)
    in_box &= (np.abs(lat) <= 90.0) & (np.abs(lon) <= 180.0)  # a misconfigured box cannot widen the globe
    out_of_range = ~zero & ~in_box
    invalid = ~zero & in_box & ~valid
    batch.drop("zero", zero)
    batch.drop("out_of_range", out_of_range)
    batch.drop("invalid", invalid)
    batch.keep(in_box & valid)
