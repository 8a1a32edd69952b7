"""One truck through the lane, in the published unattended order (reference/devices.md §6):

    idle (red, barriers closed) → identify (plate + code) → decision → entry barrier opens →
    on the scale → entry barrier closes → both gratings clear → stable weight → submit →
    display and voice → exit barrier opens → scale empty → exit barrier closes → idle

A refusal before the scale keeps the barrier closed; a refusal on the scale sends the truck back
the way it came, or holds it with the exit closed (overweight).
"""

from __future__ import annotations

import logging

from devices.lane.finish import announce, release, send_back, submit
from devices.lane.identify import decide, identify_truck
from devices.lane.parts import LaneParts
from devices.lane.states import RED, message
from devices.lane.weigh import capture_weight, show_drive_on, wait_gone, wait_on_scale

log = logging.getLogger(__name__)


async def idle(lane: LaneParts) -> None:
    lane.status.truck(plate=None)
    zh, en = message("idle")
    await lane.tell(zh, en, level=RED, say=False, state="idle")


async def run_cycle(lane: LaneParts) -> None:
    await idle(lane)
    truck = await identify_truck(lane)
    if truck is None:
        return
    read, code = truck
    decision = await decide(lane, plate=read.plate, code=code)
    log.info("lane: %s code=%s → %s %s %s", read.plate, "yes" if code else "no", decision.code,
             decision.kind, "offline" if decision.offline else "online")
    if not (decision.accepted and decision.open_barrier):
        await lane.tell(decision.message_zh or message(decision.code)[0], decision.message_en, level=RED,
                        state="refused")
        await lane.hold_message()
        return
    lane.status.truck(plate=read.plate, order_no=decision.order_no)
    if not await lane.move(lane.entry_barrier, "open"):
        await lane.tell_code("barrier_fault", level=RED, state="fault")
        await lane.hold_message()
        return
    await show_drive_on(lane, decision.message_zh, decision.message_en)
    first = await wait_on_scale(lane)
    if first is None:
        await lane.move(lane.entry_barrier, "close")
        await lane.tell_code("not_on_scale", level=RED, state="refused")
        await lane.hold_message()
        return
    if not await lane.move(lane.entry_barrier, "close"):
        log.error("entry barrier did not close behind %s", read.plate)
    capture = await capture_weight(lane, first)
    if capture is None:
        await send_back(lane, "weigh_timeout")
        return
    answer = await submit(lane, decision, read, capture)
    await announce(lane, answer, capture)
    await release(lane, answer)


async def recover(lane: LaneParts) -> None:
    """After an unexpected failure: say so, wait until the scale is empty, close both barriers."""
    await lane.tell_code("device_fault", level=RED, state="fault")
    await wait_gone(lane)
    await lane.move(lane.entry_barrier, "close")
    await lane.move(lane.exit_barrier, "close")
