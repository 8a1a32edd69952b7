"""Step 4, tag: which site fences, zones and corridor each live fix is in.

One STRtree query for the whole batch (points × every fence and zone, predicate "intersects", so a
fix on the boundary counts as inside, like ST_Covers), then one vectorised contains_xy of each fix
against its own vehicle's corridor. Late fixes are not tagged: they raise no events.
"""

from __future__ import annotations

import numpy as np
import shapely

from geo.pipeline.batch import Batch


def tag(batch: Batch) -> None:
    rows, live = batch.rows, batch.live
    rows_live = [i for i, is_live in enumerate(live) if is_live]
    if not rows_live:
        return
    index = batch.index
    n = len(rows_live)
    lon = np.fromiter((rows[i].lon for i in rows_live), dtype=float, count=n)
    lat = np.fromiter((rows[i].lat for i in rows_live), dtype=float, count=n)
    if len(index.geometry_id):
        found = index.tree.query(shapely.points(lon, lat), predicate="intersects")
        site_hits, zone_hits = batch.site_hits, batch.zone_hits
        is_site, ids = index.geometry_site, index.geometry_id
        for k, g in zip(found[0].tolist(), found[1].tolist(), strict=True):
            hits = site_hits if is_site[g] else zone_hits
            hits.setdefault(rows_live[k], []).append(ids[g])
        for hits in (site_hits, zone_hits):
            for ids_in in hits.values():
                if len(ids_in) > 1:
                    ids_in.sort()  # compared as lists with the state's
    if index.corridors:
        corridors = index.corridors
        which = [(k, corridors[rows[i].vehicle_id][0]) for k, i in enumerate(rows_live)
                 if rows[i].vehicle_id in corridors]
        if which:
            at = np.fromiter((k for k, _ in which), dtype=np.intp, count=len(which))
            polygons = index.corridor_geometries[np.fromiter((c for _, c in which), dtype=np.intp, count=len(which))]
            inside = shapely.contains_xy(polygons, lon[at], lat[at]).tolist()
            batch.corridor_in = {rows_live[k]: flag for (k, _), flag in zip(which, inside, strict=True)}
