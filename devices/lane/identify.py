"""Steps 1-2 of a cycle: who is this truck (plate + pass code), and may it weigh (the decision).

The plate comes from the camera, the code from the scanner, in either order within the code
window; a plate-only site goes on with the plate alone when no code was scanned. The decision is
the platform's (`POST /open/v1/lane/identify`) while the link is up, else the offline gate's.
Before asking the platform, weighings still in the outbox are sent: an offline tare the platform
has not seen would make it call this truck's gross a tare.
"""

from __future__ import annotations

import logging

from devices.camera.base import PlateRead
from devices.lane.answers import Decision, LinkDown, PlatformError
from devices.lane.parts import LaneParts
from devices.lane.states import RED, message

log = logging.getLogger(__name__)


async def identify_truck(lane: LaneParts) -> tuple[PlateRead, str | None] | None:
    """Wait for a truck: its plate read and its scanned code (None where plate-only is allowed)."""
    window_s = lane.config.timeouts.code_window_s
    read = lane.plates.take(max_age_s=window_s)  # a truck read while the lane was busy is still there
    while read is None:
        read = await lane.plates.wait()
    if not read.plate:
        await lane.tell_code("plate_missing", level=RED)
        return None
    lane.status.truck(plate=read.plate)
    code = lane.codes.take(max_age_s=window_s)  # scanned before the camera read the plate
    if code is None and not lane.config.plate_only_allowed:
        zh, en = message("scan_code")
        await lane.tell(f"{read.plate} {zh}", en, level=RED, state="identifying")
        code = await lane.codes.wait(window_s)
        if code is None:
            await lane.tell_code("code_timeout", level=RED)
            await lane.hold_message()
            return None
    return read, code


async def decide(lane: LaneParts, *, plate: str, code: str | None) -> Decision:
    lane.status.enter("deciding")
    at = lane.wall_clock()
    if lane.link.online is not False:
        if lane.outbox.pending_count:
            try:
                await lane.uploader.drain()
            except LinkDown as exc:
                log.info("outbox not drained before identify: %s", exc)
        if lane.link.online is not False:
            try:
                return await lane.link.identify(plate_read=plate, code=code, at=at)
            except LinkDown as exc:
                log.warning("identify: link down, deciding offline: %s", exc)
            except PlatformError as exc:
                log.error("identify refused as a request: %s", exc)
                zh, en = message("platform_error")
                return Decision(accepted=False, code=exc.code, message_zh=zh, message_en=en)
    # Down (now or known from a heartbeat): the heartbeat and uploader find out when it is back.
    return await lane.gate.decide(plate=plate, code=code, at=at)
