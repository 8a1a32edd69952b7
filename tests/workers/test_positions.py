"""0x0200 and 0x0704 from 2011, 2013 and 2019 terminals land on the GPS stream, acknowledged after."""

from __future__ import annotations

import pytest

from tests.workers.conftest import T0, fix, online_terminal, stream_entries


@pytest.mark.parametrize("version", [2011, 2013, 2019])
async def test_location_and_blind_area_batch_land_in_the_stream(ctx, gateway, version):
    sim, vehicle_id = await online_terminal(ctx, gateway, version=version)
    try:
        assert await sim.send_location(fix(0, valid=False, alarm=1 << 20)) == 0
        assert await sim.send_batch([fix(1), fix(2), fix(3, satellites=None, mileage_m=None)]) == 0
        assert await sim.send_batch([fix(4)], blind_area=False) == 0
    finally:
        await sim.close()
    entries = await stream_entries(ctx)
    assert [len(e) for e in entries] == [1, 3, 1]  # one stream entry per message
    single, batch, normal = entries
    p = single[0]
    assert p.vehicle_id == str(vehicle_id) and p.terminal == sim.phone and p.source == "jt808"
    assert p.fix_at_s == T0.timestamp()  # sent as 10:30:00 GMT+8, stored as 02:30:00 UTC
    assert (round(p.lon, 6), round(p.lat, 6)) == (109.781, 39.608)
    assert (p.speed_kmh, p.course_deg, p.altitude_m) == (40.5, 45, 1200)
    assert (p.valid, p.archive, p.alarm, p.mileage_m, p.satellites) == (False, False, 1 << 20, 120_000, 12)
    assert p.status & 0b10 == 0 and p.received_at_s > T0.timestamp()
    assert [q.fix_at_s - T0.timestamp() for q in batch] == [30, 60, 90]
    assert all(q.archive and q.valid for q in batch)
    assert (batch[2].satellites, batch[2].mileage_m) == (None, None)
    assert normal[0].archive is False and normal[0].fix_at_s - T0.timestamp() == 120
    assert gateway.counts["positions"] == 5


async def test_southern_western_fix_keeps_its_signs(ctx, gateway):
    sim, _ = await online_terminal(ctx, gateway)
    try:
        assert await sim.send_location(fix(0, lon=-70.5, lat=-33.25)) == 0
    finally:
        await sim.close()
    [[p]] = await stream_entries(ctx)
    assert (p.lon, p.lat) == (-70.5, -33.25)


async def test_no_ack_when_the_stream_does_not_take_the_position(ctx, gateway):
    sim, _ = await online_terminal(ctx, gateway)
    sim.reply_timeout_s = 0.5
    # A key of the wrong type makes XADD fail, as a full or unreachable Redis would.
    await ctx.redis.set(gateway.stream, b"not a stream")
    try:
        with pytest.raises(TimeoutError):
            await sim.send_location(fix(0))
        assert gateway.counts["publish_failed"] == 1
        await ctx.redis.delete(gateway.stream)
        assert await sim.send_location(fix(0)) == 0  # the terminal re-sends; now it is stored
    finally:
        await sim.close()
    assert len(await stream_entries(ctx)) == 1
