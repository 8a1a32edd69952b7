"""GPS: positions per second through the whole pipeline, fence tagging beside a linear scan and
PostGIS, and JT/T 808 frames decoded per second beside a bare struct.unpack.

A synthetic region around Ordos (lon 106.5–111.5, lat 37.5–40.5): SITES site fences (rectangles and
irregular polygons 300–1500 m across, two thirds with a designated gate), 60 checkpoints, 40 truck
parks, 20 coverage holes; VEHICLES trucks, 80 % of them on a waybill (a 500 m corridor along a
bent route from their mine to a consumer), reporting every 30 s from inside their mine outwards,
a few speeding or straying, with 1 % resent duplicates, 0.5 % jumps, 0.3 % bad fixes and 1 %
blind-area re-uploads. The stream is cut into batches of BATCH positions in arrival order.

Figures (medians of RUNS runs, interleaved where they share the machine):
- Pipeline.process (validate, de-duplicate, filter, tag, detect) on one core, fresh states per run;
- the tag step alone (one STRtree query per batch) beside the Traccar way (every fence tested
  per position with shapely's scalar contains; a subset, scaled) — both must find the same pairs;
- PostGIS: the same points and fences, `ST_Covers(fence, point)` with a GiST index on the fences,
  as one join over points already loaded, and per batch (COPY the batch, then join);
- frames/s: 0x0200 frames with extras through decode_frame + decode_body, beside
  struct.unpack of the bare 28-byte basic body (the floor).
PostGIS: the script installs postgresql-15-postgis-3 when missing and running as root, and uses
the private database meitong_bench_gps on 127.0.0.1:5432 (user postgres). Run:
`nice -n 10 .venv/bin/python bench/gps.py` (BENCH_FIXES=fixes per vehicle, default 24).
"""

from __future__ import annotations

import asyncio
import math
import os
import random
import shutil
import statistics
import struct
import subprocess
import time
from datetime import UTC, datetime
from typing import Any

import numpy as np
import shapely
from shapely.geometry import Point, shape

from geo.pipeline import Pipeline
from geo.pipeline.model import Corridor, Exit, Site, VehicleState, World, Zone
from geo.position import Position
from geo.protocols.jt808 import Alarm, Extras, Location, Status, decode_body, decode_frame, encode_message

RUNS = 5
SITES = 500
VEHICLES = 5_000
FIXES = int(os.environ.get("BENCH_FIXES", "24"))
BATCH = 1_000
EVERY_S = 30.0
SCAN_SUBSET = 1_000
FRAMES = 20_000
DSN = "postgresql://postgres@127.0.0.1:5432/meitong_bench_gps"
BOX = (106.5, 37.5, 111.5, 40.5)
NOW_S = 1_800_000_000.0
M_PER_DEG_LAT = 111_000.0


def polygon_around(rng: random.Random, lon: float, lat: float, size_m: float) -> dict[str, Any]:
    m_per_deg_lon = M_PER_DEG_LAT * math.cos(math.radians(lat))
    if rng.random() < 0.5:  # a rotated rectangle
        w, h, a = size_m / 2, rng.uniform(0.3, 1.0) * size_m / 2, rng.uniform(0, math.pi)
        corners = [(-w, -h), (w, -h), (w, h), (-w, h)]
        pts = [(x * math.cos(a) - y * math.sin(a), x * math.sin(a) + y * math.cos(a)) for x, y in corners]
    else:  # an irregular star-shaped polygon
        n = rng.randrange(5, 10)
        pts = [(math.cos(2 * math.pi * k / n) * r, math.sin(2 * math.pi * k / n) * r)
               for k in range(n) for r in [rng.uniform(0.6, 1.0) * size_m / 2]]
    ring = [[lon + x / m_per_deg_lon, lat + y / M_PER_DEG_LAT] for x, y in pts]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def make_world(rng: random.Random) -> tuple[World, list[tuple[float, float]]]:
    sites, centres = [], []
    for k in range(SITES):
        lon, lat = rng.uniform(BOX[0] + 0.3, BOX[2] - 0.3), rng.uniform(BOX[1] + 0.3, BOX[3] - 0.3)
        fence = polygon_around(rng, lon, lat, rng.uniform(300, 1500))
        ring = fence["coordinates"][0]
        gate = ((ring[0][0] + ring[1][0]) / 2, (ring[0][1] + ring[1][1]) / 2)
        exits = (Exit(lon=gate[0], lat=gate[1], name="gate"),) if k % 3 else ()
        sites.append(Site(id=f"s{k}", name=f"site {k}", fence=fence, exits=exits))
        centres.append((lon, lat))
    zones = []
    for k, (kind, count, size_m) in enumerate((("checkpoint", 60, 100), ("parking", 40, 300), ("coverage_hole", 20, 2000))):
        for j in range(count):
            lon, lat = rng.uniform(BOX[0], BOX[2]), rng.uniform(BOX[1], BOX[3])
            zones.append(Zone(id=f"z{k}-{j}", kind=kind, name=kind, geometry=polygon_around(rng, lon, lat, size_m)))
    return World(sites=tuple(sites), zones=tuple(zones)), centres


def make_stream(rng: random.Random, centres: list[tuple[float, float]]) -> tuple[list[Corridor], list[Position]]:
    corridors, fixes = [], []
    start_s = NOW_S - FIXES * EVERY_S - 600
    for v in range(VEHICLES):
        vid = f"v{v}"
        o = rng.randrange(SITES)
        d = rng.randrange(SITES)
        (lon0, lat0), (lon1, lat1) = centres[o], centres[d]
        bend = [(lon0 + (lon1 - lon0) * f + rng.uniform(-0.05, 0.05), lat0 + (lat1 - lat0) * f + rng.uniform(-0.05, 0.05))
                for f in (0.3, 0.7)]
        route = [(lon0, lat0), *bend, (lon1, lat1)]
        if v % 5:  # 80 % on a waybill
            corridors.append(Corridor(waybill_id=f"w{v}", vehicle_id=vid, width_m=500.0,
                                      route={"type": "LineString", "coordinates": [list(p) for p in route]},
                                      origin_site_id=f"s{o}", destination_site_id=f"s{d}"))
        speed_kmh = rng.uniform(85, 95) if v % 20 == 0 else rng.uniform(40, 70)
        stray = v % 10 == 1  # drifts sideways out of its corridor
        (ax, ay), (bx, by) = route[0], route[1]
        length_deg = math.hypot(bx - ax, by - ay) or 1.0
        t = start_s + rng.uniform(0, EVERY_S)
        for k in range(FIXES):
            f = min(1.0, speed_kmh / 3.6 * EVERY_S * k / (length_deg * M_PER_DEG_LAT))
            lon = ax + (bx - ax) * f + rng.gauss(0, 5e-5) + (0.0004 * k if stray else 0.0)
            lat = ay + (by - ay) * f + rng.gauss(0, 5e-5)
            fixes.append(Position(vid, t, lon, lat, speed_kmh=speed_kmh, received_at_s=t + rng.uniform(0.5, 3)))
            t += EVERY_S
    noisy: list[Position] = []
    for p in fixes:
        r = rng.random()
        if r < 0.01:
            noisy += [p, p]  # resent
        elif r < 0.015:
            noisy.append(Position(p.vehicle_id, p.fix_at_s, p.lon + 0.5, p.lat, received_at_s=p.received_at_s))
        elif r < 0.018:
            noisy.append(Position(p.vehicle_id, p.fix_at_s, 0.0, 0.0, received_at_s=p.received_at_s))
        elif r < 0.028:  # a re-upload, arriving late
            noisy.append(Position(p.vehicle_id, p.fix_at_s, p.lon, p.lat, archive=True,
                                  received_at_s=p.received_at_s + 600))
        else:
            noisy.append(p)
    noisy.sort(key=lambda p: p.received_at_s)
    return corridors, noisy


def batches(stream: list[Position]) -> list[list[Position]]:
    return [stream[i : i + BATCH] for i in range(0, len(stream), BATCH)]


def pipeline_rate(pipeline: Pipeline, cut: list[list[Position]]) -> tuple[float, int]:
    states: dict[str, VehicleState] = {}
    events = 0
    start = time.perf_counter()
    for batch in cut:
        result = pipeline.process(batch, states, now_s=batch[-1].received_at_s)
        events += len(result.events)
    return sum(map(len, cut)) / (time.perf_counter() - start), events


def tag_rate(pipeline: Pipeline, cut: list[list[Position]]) -> tuple[float, int]:
    tree, pairs = pipeline.index.tree, 0
    start = time.perf_counter()
    for batch in cut:
        lon = np.fromiter((p.lon for p in batch), dtype=float, count=len(batch))
        lat = np.fromiter((p.lat for p in batch), dtype=float, count=len(batch))
        pairs += tree.query(shapely.points(lon, lat), predicate="intersects").shape[1]
    return sum(map(len, cut)) / (time.perf_counter() - start), pairs


def linear_scan_rate(world: World, points: list[Position]) -> tuple[float, set[tuple[int, int]]]:
    """Traccar's GeofenceUtil: every fence, every position, no index (geometries not prepared)."""
    fences = [shape(s.fence) for s in world.sites] + [shape(z.geometry) for z in world.zones]
    found: set[tuple[int, int]] = set()
    start = time.perf_counter()
    for i, p in enumerate(points):
        point = Point(p.lon, p.lat)
        for g, fence in enumerate(fences):
            if fence.covers(point):
                found.add((i, g))
    return len(points) / (time.perf_counter() - start), found


def ensure_postgis() -> str | None:
    """None when PostGIS is usable, else why not."""
    if os.path.exists("/usr/share/postgresql/15/extension/postgis.control"):
        return None
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return "PostGIS missing: run `apt-get install -y -qq postgresql-15-postgis-3` as root"
    done = subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql-15-postgis-3"], capture_output=True, text=True)
    return None if done.returncode == 0 else f"apt-get install postgresql-15-postgis-3 failed: {done.stderr[-200:]}"


async def postgis_rates(world: World, stream: list[Position], cut: list[list[Position]]) -> tuple[float, float, int]:
    import asyncpg

    admin = await asyncpg.connect(DSN.rsplit("/", 1)[0] + "/postgres")
    if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = 'meitong_bench_gps'"):
        await admin.execute("CREATE DATABASE meitong_bench_gps")
    await admin.close()
    db = await asyncpg.connect(DSN)
    try:
        await db.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        await db.execute("DROP TABLE IF EXISTS fences, pts")
        await db.execute("CREATE TABLE fences (id int PRIMARY KEY, geom geometry(Geometry, 4326) NOT NULL)")
        fences = [shape(s.fence) for s in world.sites] + [shape(z.geometry) for z in world.zones]
        await db.executemany("INSERT INTO fences VALUES ($1, ST_GeomFromText($2, 4326))",
                             [(g, f.wkt) for g, f in enumerate(fences)])
        await db.execute("CREATE INDEX ON fences USING gist (geom)")
        await db.execute("CREATE TABLE pts (i int, lon float8, lat float8)")
        await db.copy_records_to_table("pts", records=[(i, p.lon, p.lat) for i, p in enumerate(stream)])
        await db.execute("ALTER TABLE pts ADD COLUMN geom geometry(Point, 4326)")
        await db.execute("UPDATE pts SET geom = ST_SetSRID(ST_MakePoint(lon, lat), 4326)")
        await db.execute("ANALYZE fences; ANALYZE pts")
        join = "SELECT p.i, f.id FROM pts p JOIN fences f ON ST_Covers(f.geom, p.geom)"
        join_rates, pairs = [], 0
        for _ in range(RUNS):
            start = time.perf_counter()
            pairs = len(await db.fetch(join))
            join_rates.append(len(stream) / (time.perf_counter() - start))
        await db.execute("CREATE TEMP TABLE b (i int, lon float8, lat float8)")
        per_batch = ("SELECT b.i, f.id FROM b JOIN fences f "
                     "ON ST_Covers(f.geom, ST_SetSRID(ST_MakePoint(b.lon, b.lat), 4326))")
        some = cut[: max(1, len(cut) // 10)]
        batch_rates = []
        for _ in range(RUNS):
            start = time.perf_counter()
            for batch in some:
                await db.execute("TRUNCATE b")
                await db.copy_records_to_table("b", records=[(i, p.lon, p.lat) for i, p in enumerate(batch)])
                await db.fetch(per_batch)
            batch_rates.append(sum(map(len, some)) / (time.perf_counter() - start))
        return statistics.median(join_rates), statistics.median(batch_rates), pairs
    finally:
        await db.close()


def frame_rates() -> tuple[float, float]:
    rng = random.Random(808)
    frames, bodies = [], []
    for k in range(FRAMES):
        extras = Extras(((0x01, rng.randrange(10**6).to_bytes(4, "big")), (0x02, (500).to_bytes(2, "big")),
                         (0x03, (600).to_bytes(2, "big")), (0x25, (3).to_bytes(4, "big")),
                         (0x2A, (0).to_bytes(2, "big")), (0x2B, (1234).to_bytes(4, "big")),
                         (0x30, bytes([25])), (0x31, bytes([14]))))
        location = Location(alarm=Alarm(0), status=Status.ACC_ON | Status.FIX_VALID,
                            lat_deg=rng.uniform(37.5, 40.5), lon_deg=rng.uniform(106.5, 111.5), altitude_m=1300,
                            speed_kmh=rng.uniform(0, 90), direction_deg=rng.randrange(360),
                            time=datetime(2026, 11, 24, 3, 0, k % 60, tzinfo=UTC), extras=extras)
        wire = encode_message(0x0200, location, terminal_id="013912345678", seq=k % 65536)
        frames.append(wire)
        bodies.append(decode_frame(wire).body[:28])
    basic = struct.Struct(">IIIIhHH6s")
    ours, floor = [], []
    for _ in range(RUNS):
        start = time.perf_counter()
        for wire in frames:
            decode_body(decode_frame(wire))
        ours.append(FRAMES / (time.perf_counter() - start))
        start = time.perf_counter()
        for body in bodies:
            basic.unpack(body)
        floor.append(FRAMES / (time.perf_counter() - start))
    return statistics.median(ours), statistics.median(floor)


def line(label: str, value: float, unit: str = "/s") -> None:
    print(f"  {label:<64} {value:>12,.0f} {unit}")


def main() -> None:
    rng = random.Random(2026)
    world, centres = make_world(rng)
    corridors, stream = make_stream(rng, centres)
    world = World(sites=world.sites, zones=world.zones, corridors=tuple(corridors))
    start = time.perf_counter()
    pipeline = Pipeline(world)
    build_s = time.perf_counter() - start
    cut = batches(stream)

    rates, tags, events = [], [], 0
    for _ in range(RUNS):  # interleaved, so a noisy neighbour hurts both alike
        rate, events = pipeline_rate(pipeline, cut)
        rates.append(rate)
        rate, pairs = tag_rate(pipeline, cut)
        tags.append(rate)
    ours, tag_only = statistics.median(rates), statistics.median(tags)

    subset = stream[:SCAN_SUBSET]
    scan, found = linear_scan_rate(world, subset)
    tree_pairs = pipeline.index.tree.query(shapely.points([(p.lon, p.lat) for p in subset]), predicate="intersects")
    assert found == {(int(i), int(g)) for i, g in tree_pairs.T}, "the STRtree and the linear scan disagree"

    print(f"GPS pipeline (geo.pipeline), median of {RUNS} runs over {len(stream):,} positions in batches of {BATCH:,}; "
          f"{SITES} site fences + {len(world.zones)} zones, {VEHICLES:,} vehicles ({len(corridors):,} on a waybill); "
          f"index + corridors built in {build_s:.1f} s; {events:,} events per run; {pairs:,} fence hits")
    line("Pipeline.process (validate … detect), one core", ours)
    line("tag step alone: one STRtree query per batch", tag_only)
    line(f"Traccar-style linear scan (scalar covers, {SCAN_SUBSET:,} positions)", scan)
    print(f"  {'ratio pipeline / linear scan':<64} {ours / scan:>12.1f}")
    print(f"  {'ratio STRtree tagging / linear scan':<64} {tag_only / scan:>12.1f}")

    reason = ensure_postgis()
    if reason:
        print(f"  PostGIS: skipped ({reason})")
    else:
        join_rate, batch_rate, pg_pairs = asyncio.run(postgis_rates(world, stream, cut))
        line("PostGIS ST_Covers join, GiST, points preloaded", join_rate)
        line(f"PostGIS per batch of {BATCH:,} (COPY + join)", batch_rate)
        print(f"  {'ratio pipeline / PostGIS join':<64} {ours / join_rate:>12.2f}")
        print(f"  {'ratio STRtree tagging / PostGIS join':<64} {tag_only / join_rate:>12.2f}")
        print(f"  {'fence hits: STRtree / PostGIS':<64} {pairs:>12,} / {pg_pairs:,}")

    decoded, floor = frame_rates()
    print(f"JT/T 808 0x0200 frames with 8 extras, median of {RUNS} x {FRAMES:,}")
    line("decode_frame + decode_body (checksum, header, extras)", decoded)
    line("bare struct.unpack of the 28-byte basic body (the floor)", floor)
    print(f"  {'ratio floor / ours':<64} {floor / decoded:>12.1f}")


if __name__ == "__main__":
    main()
