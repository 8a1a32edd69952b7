"""0x0102, heartbeats, refusals before authentication, idle timeout, logout, downlink text."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from backend.db.unit import unit_of_work
from backend.workers.jt808 import Limits, in_app_gateway, publish_text, serve_gateway
from tests.workers.conftest import fix, make_vehicle, online_terminal, stream_entries, terminal


async def test_good_code_is_accepted_and_heartbeats_answered(ctx, gateway):
    sim, _ = await online_terminal(ctx, gateway)
    try:
        assert await sim.heartbeat() == 0
        assert await sim.heartbeat() == 0
        assert [r.result for r in sim.replies] == [0, 0, 0]  # auth + two heartbeats
    finally:
        await sim.close()


async def test_wrong_code_gets_1_and_three_close_the_connection(ctx, gateway):
    _, plate = await make_vehicle(ctx)
    async with terminal(gateway, plate=plate) as sim:
        result, code = await sim.register()
        assert result == 0 and code
        wrong = ("x" if code[0] != "x" else "y") + code[1:]
        assert await sim.authenticate(wrong) == 1
        assert await sim.authenticate("") == 1
        assert await sim.authenticate(wrong) == 1
        await asyncio.wait_for(sim.closed.wait(), timeout=3)
    assert gateway.counts["closed_auth_failures"] == 1


async def test_location_before_authentication_is_refused_and_not_stored(ctx, gateway):
    _, plate = await make_vehicle(ctx)
    async with terminal(gateway, plate=plate) as sim:
        result, _ = await sim.register()
        assert result == 0
        assert await sim.send_location(fix(0)) == 1
        assert await sim.send_batch([fix(1), fix(2)]) == 1
        assert await sim.heartbeat() == 1
    assert await stream_entries(ctx) == []


async def test_unauthenticated_peer_is_closed_after_its_strikes(ctx, gateway):
    async with terminal(gateway, plate="蒙K00000") as sim:
        for _ in range(gateway.limits.max_unauthenticated + 1):
            assert await sim.heartbeat() == 1
        await asyncio.wait_for(sim.closed.wait(), timeout=3)
    assert gateway.counts["closed_unauthenticated"] == 1


async def test_idle_socket_is_closed(ctx):
    gw = await serve_gateway(ctx, host="127.0.0.1", port=0, limits=Limits(idle_timeout_s=0.3))
    try:
        sim, _ = await online_terminal(ctx, gw)
        assert not sim.closed.is_set()
        await asyncio.wait_for(sim.closed.wait(), timeout=3)
        await sim.close()
        assert gw.counts["closed_idle"] == 1
    finally:
        await gw.close()


async def test_logout_revokes_the_code(ctx, gateway):
    sim, vehicle_id = await online_terminal(ctx, gateway)
    result, code = await sim.register()  # the code in hand after a re-registration
    assert result == 0 and code
    assert await sim.unregister() == 0
    assert await sim.send_location(fix(0)) == 1  # no longer authenticated on this socket either
    assert await sim.authenticate(code) == 1
    await sim.close()
    # The vehicle is free for another terminal now.
    async with terminal(gateway, plate=sim.plate) as replacement:
        assert (await replacement.register())[0] == 0


async def test_last_seen_is_flushed_in_one_batch(ctx, gateway):
    from backend.domain.terminals import service as terminals

    sim, vehicle_id = await online_terminal(ctx, gateway)
    async with unit_of_work(ctx) as session:
        before = await terminals.binding_of_vehicle(session, vehicle_id=vehicle_id)
    await asyncio.sleep(0.05)
    assert await sim.heartbeat() == 0
    await gateway.flush_seen()
    async with unit_of_work(ctx) as session:
        after = await terminals.binding_of_vehicle(session, vehicle_id=vehicle_id)
    await sim.close()
    assert before is not None and after is not None and before.last_seen_at and after.last_seen_at
    assert after.last_seen_at > before.last_seen_at


async def test_in_app_gateway_delivers_downlink_text_through_redis(ctx):
    # The in-app gateway (`meitong run`) with its downlink listener, on a free port.
    async with in_app_gateway(ctx, replace(ctx.settings, jt808_port=0)) as gw:
        assert gw.limits.idle_timeout_s == ctx.settings.jt808_idle_timeout_s
        sim, _ = await online_terminal(ctx, gw, version=2019)
        try:
            for _ in range(50):  # until the listener has subscribed
                if await publish_text(ctx.redis, phone=sim.phone, text="请从2号门驶出", tts=True):
                    break
                await asyncio.sleep(0.02)
            for _ in range(100):
                if sim.texts:
                    break
                await asyncio.sleep(0.02)
            assert [(t.text, t.tts) for t in sim.texts] == [("请从2号门驶出", True)]
            assert await sim.heartbeat() == 0  # the terminal's 0x0001 answer did not upset the session
            assert not await gw.send_text("013899999999", "无此终端")  # not connected here
        finally:
            await sim.close()
