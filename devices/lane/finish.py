"""Steps 6-7 of a cycle: submit the weighing, tell the driver, and let the truck go (or not).

The weighing is signed and written to the outbox before anything else: once the driver has heard
a weight, that weighing survives a crash, a power cut and any outage. Online it is then uploaded
at once (behind anything older still pending) and the platform's answer decides the exit; if the
link fails on the way, it is re-signed as offline, and the lane answers for itself.
"""

from __future__ import annotations

import uuid

from devices.camera.base import PlateRead
from devices.lane.answers import Decision, LinkDown, PlatformError, WeighingAnswer
from devices.lane.parts import LaneParts
from devices.lane.states import GREEN, KIND_ZH, RED, message
from devices.lane.weigh import wait_gone
from devices.lane.weighing import Capture, signed, weighing_body

# Refusals after which the truck is held on the scale with the exit closed, for the site staff:
# an overloaded truck must not leave towards the road (治超).
HOLD_CODES = frozenset({"overweight"})


async def submit(lane: LaneParts, decision: Decision, read: PlateRead, capture: Capture) -> WeighingAnswer:
    assert decision.order_id is not None and decision.kind is not None  # an accepted decision has both
    lane.status.enter("submitting")
    weighing_id = str(uuid.uuid4())
    offline = decision.offline or lane.link.online is False
    secret = lane.config.secret
    body = weighing_body(weighing_id=weighing_id, order_id=decision.order_id, kind=decision.kind,
                         plate_read=read.plate, capture=capture, pictures=read.pictures, offline=offline,
                         secret=secret)
    await lane.outbox.put(body, order_id=decision.order_id, kind=decision.kind,
                          weight_kg=capture.stable.median_kg, weighed_at=capture.weighed_at.isoformat())
    if not offline:
        try:
            return await lane.uploader.flush_through(weighing_id)
        except LinkDown:
            await lane.outbox.replace_body(weighing_id, signed({**body, "offline": True}, secret))
        except PlatformError as exc:
            zh, en = message("platform_error")
            return WeighingAnswer(weighing_id=weighing_id, accepted=False, code=exc.code, message_zh=zh,
                                  message_en=en, kind=decision.kind)
    lane.uploader.wake()
    zh, en = message("offline_weighed")
    return WeighingAnswer(weighing_id=weighing_id, accepted=True, code="offline", message_zh=zh, message_en=en,
                          kind=decision.kind, open_exit=True)


async def announce(lane: LaneParts, answer: WeighingAnswer, capture: Capture) -> None:
    if not answer.accepted:
        await lane.tell(answer.message_zh or message(answer.code)[0], answer.message_en, level=RED)
        return
    weight = f"{KIND_ZH.get(answer.kind or '', '')} {capture.stable.median_kg} kg"
    parts = [answer.message_zh, weight]
    if answer.net_kg is not None:
        parts.append(f"净重 {answer.net_kg} kg")
    if answer.ticket_no:
        parts.append(f"磅单号 {answer.ticket_no}")
    await lane.tell("，".join(p for p in parts if p), answer.message_en, level=GREEN)


async def release(lane: LaneParts, answer: WeighingAnswer) -> None:
    """Exit when the platform (or the offline lane) says so; otherwise hold or send the truck back."""
    if answer.open_exit:
        await let_out(lane)
    elif answer.code in HOLD_CODES:
        await hold(lane)
    else:
        await send_back(lane)


async def let_out(lane: LaneParts) -> None:
    if not await lane.move(lane.exit_barrier, "open"):
        await lane.tell_code("barrier_fault", level=RED, state="fault")
        await wait_gone(lane)  # the staff let the truck out by hand
        return
    lane.status.enter("exiting")
    await wait_gone(lane)
    await lane.move(lane.exit_barrier, "close")


async def send_back(lane: LaneParts, reason: str | None = None) -> None:
    """The truck backs off the scale the way it came in."""
    if reason is not None:
        await lane.tell_code(reason, level=RED)
    if not await lane.move(lane.entry_barrier, "open"):
        await lane.tell_code("barrier_fault", level=RED, state="fault")
    else:
        lane.status.enter("returning")
    await wait_gone(lane)
    await lane.move(lane.entry_barrier, "close")


async def hold(lane: LaneParts) -> None:
    """Both barriers stay closed until the scale is empty (the site staff deal with the truck)."""
    lane.status.enter("holding")
    await wait_gone(lane)
