"""Gate verification of one-code passes on the machine interface, and uploads of offline passages.

Any enterprise's gate verifies any platform pass, but only at its own organisation's site and only
a pass naming that site. The pass itself is checked by devices.passcode (signature, site, plate,
validity, rolling code); then the order: it must still be open, still on the truck the pass names,
called from the queue to enter, inside to leave. Each transition (in, out) is accepted once: a
Redis SET NX on (order, transition, code step) turns concurrent scans of one code away at once, and
the unique gate_passages row on (order, transition) refuses any later scan, whatever its code.

Every verification is answered, never raised: a refusal is an everyday answer at a gate.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from types import MappingProxyType

import msgspec
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.db.base import utcnow
from backend.db.unit import savepoint
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertRaise
from backend.domain.audit.schemas import Actor
from backend.domain.identity.schemas import GUARDS, Principal
from backend.domain.machines.schemas import MachineCaller
from backend.domain.orders import errors, lifecycle
from backend.domain.orders.events import VehicleLeftSite
from backend.domain.orders.gate_schemas import (
    OfflinePassage,
    OfflinePassageResult,
    OfflinePassages,
    OfflinePassagesOut,
    OfflineResult,
    PassVerdictOut,
    PassVerify,
)
from backend.domain.orders.models import OCCUPYING, GatePassage, PickupOrder
from backend.domain.orders.passes import epoch_s, token_for, totp_secret
from backend.domain.orders.rules import as_utc
from backend.domain.orders.schemas import OrderStatus
from backend.domain.passes import service as passes
from backend.domain.queue import service as queue
from backend.domain.sites import service as sites
from backend.errors import Conflict
from backend.events import announce
from devices.passcode import REFUSALS, STEP_S, PassClaims, Verdict, normalise_plate, verify, verify_static
from devices.passcode.claims import decode_payload
from devices.passcode.codec import b64d
from devices.passcode.totp import MAX_DRIFT_STEPS

# code -> (message_zh, message_en): the order-level refusals, beside the pass-level ones of
# devices.passcode.REFUSALS. Codes are API: gates and the driver app switch on them.
ORDER_REFUSALS: MappingProxyType[str, tuple[str, str]] = MappingProxyType({
    "order_unknown": ("平台上没有该提煤单", "No such pickup order on the platform"),
    "order_cancelled": ("提煤单已作废", "The pickup order has been cancelled"),
    "order_expired": ("提煤单已过期", "The pickup order has expired"),
    "order_completed": ("提煤单已完成", "The pickup order is already completed"),
    "order_not_dispatched": ("提煤单尚未派车", "The pickup order has not been dispatched"),
    "order_redispatched": ("提煤单已改派其他车辆，此通行码作废", "The order was reassigned to another truck; this pass is void"),
    "order_not_called": ("尚未叫号，请在排队区等候叫号后入场", "Not called yet: wait in the queue until the truck is called"),
    "order_not_entered": ("该车尚未入场，不能出场", "This truck has not entered, so it cannot leave"),
    "exit_gross_missing": ("已过皮重，尚未过毛重，不能出场", "Tare weighed but no gross yet: the truck may not leave"),
    "exit_overweight": ("超限：请卸载至核定总质量以下并重新过磅后出场",
                        "Overweight: unload below the legal gross and weigh again before leaving"),
    "exit_net_exceeds": ("装载量超过提煤单剩余量：请卸载多装部分并重新过磅",
                         "Loaded more than the order allows: unload the surplus and weigh again"),
    "pass_replayed": ("该通行码已在本环节使用过", "This pass has already been used for this passage"),
    "pass_forged": ("通行码签名系伪造（非平台签发）", "The pass signature is forged (not issued by the platform)"),
    "pass_altered": ("通行码内容被篡改（车牌、场站或有效期与平台签发的不符）",
                     "The pass was altered (its plate, site or validity differ from what the platform signed)"),
    "passage_time_invalid": ("通行时间不合理（晚于当前时间或与动态码不符）",
                             "The passage time is implausible (in the future or not that of the code)"),
})
_OK = ("验证通过，请通行", "Verified: proceed")
# The once-only key outlives every moment the code could still verify (±1 step: 3 steps), with a margin.
USED_TTL_S = 4 * STEP_S
CLOSED = (OrderStatus.CANCELLED, OrderStatus.EXPIRED, OrderStatus.COMPLETED)
# An offline gate's clock may drift; beyond this its passage times are not believed.
MAX_CLOCK_SKEW = timedelta(minutes=5)


def message(code: str) -> tuple[str, str]:
    if code == "ok":
        return _OK
    return ORDER_REFUSALS[code] if code in ORDER_REFUSALS else REFUSALS[code]


def machine_actor(machine: MachineCaller) -> Actor:
    return Actor(user_id=None, label=f"设备 {machine.key_id}", client=f"open/v1 {machine.key_id}")


async def gate_label(session: AsyncSession, *, machine: MachineCaller, site_id: uuid.UUID,
                     gate_id: uuid.UUID | None) -> str:
    """The caller's own site (another organisation's answers 404, like a missing one); returns the
    gate's name (or the site's) for the transition log. A key bound to a device of another site of
    the same organisation is 404 too: a device speaks for its own site only."""
    site = await sites.site_brief(session, site_id=site_id)
    if site is None or site.org_id != machine.org_id:
        raise errors.gate_site_not_found()
    if machine.device_id is not None and await sites.device_site(session, device_id=machine.device_id) != site_id:
        raise errors.gate_site_not_found()
    if gate_id is None:
        return site.name
    name = await sites.gate_name(session, site_id=site_id, gate_id=gate_id)
    if name is None:
        raise errors.gate_not_found()
    return f"{site.name} {name}"


async def load_order(session: AsyncSession, order_id: uuid.UUID) -> PickupOrder | None:
    return await session.get(PickupOrder, order_id, populate_existing=True)


async def passed(session: AsyncSession, *, order_id: uuid.UUID, transition: str) -> bool:
    row = (await session.execute(select(GatePassage.id).where(
        GatePassage.order_id == order_id, GatePassage.transition == transition))).first()
    return row is not None


def _verify(ctx: Context, data: PassVerify, *, at_s: int, secret_for: Callable[[uuid.UUID], str | None]) -> Verdict:
    verifier = passes.verifier(ctx.settings)
    if data.code.strip().count(".") == 2:  # a printed pass: the token alone, only with a plate match
        return verify_static(data.code, verifier=verifier, site_id=data.site_id, plate_seen=data.plate_read, at_s=at_s)
    return verify(data.code, verifier=verifier, site_id=data.site_id, plate_seen=data.plate_read, at_s=at_s,
                  totp_secret_for=secret_for)


async def state_refusal(session: AsyncSession, *, order: PickupOrder, transition: str, plate: str) -> str | None:
    """Why this order may not make this transition now (None: it may). `plate` is the pass's."""
    # A completed order (weighed, ticketed) still has its truck inside until it passes the out-gate.
    leaving_weighed = transition == "out" and order.status == OrderStatus.COMPLETED
    if order.status in CLOSED and not leaving_weighed:
        return f"order_{order.status}"
    if order.status not in OCCUPYING and not leaving_weighed:
        return "order_not_dispatched"
    if order.plate is None or normalise_plate(order.plate) != plate:
        return "order_redispatched"  # an earlier truck's pass, still signed and valid, opens nothing
    if transition == "in":
        if order.status == OrderStatus.ENTERED:
            return "pass_replayed"
        # The dispatcher calls trucks in; a truck never checked in (no entry) is not called either.
        # Served: a concurrent scan let it in since we read the order.
        state = await queue.entry_state(session, order_id=order.id)
        if state != "called":
            return "pass_replayed" if state == "served" else "order_not_called"
    elif order.status not in (OrderStatus.ENTERED, OrderStatus.COMPLETED):
        return "order_not_entered"
    elif order.exit_block is not None:
        return f"exit_{order.exit_block}"
    if await passed(session, order_id=order.id, transition=transition):
        return "pass_replayed"
    return None


def answer(code: str, data: PassVerify, *, claims: PassClaims | None = None,
           order: PickupOrder | None = None) -> PassVerdictOut:
    zh, en = message(code)
    return PassVerdictOut(
        accepted=code == "ok", code=code, message_zh=zh, message_en=en, transition=data.transition,
        open_barrier=code == "ok", order_id=claims.order_id if claims else None,
        order_no=order.order_no if order else None, plate=claims.plate if claims else None,
    )


async def record(session: AsyncSession, *, ctx: Context, machine: MachineCaller, order: PickupOrder,
                 transition: str, site_id: uuid.UUID, note: str, at: datetime, totp_step: int | None,
                 plate_read: str | None, mode: str, actor: Actor | None = None) -> None:
    """The passage row, and for "in" of a dispatched order the move to entered; the caller commits."""
    if transition == "in" and order.status == OrderStatus.DISPATCHED:
        actor = actor or machine_actor(machine)
        await lifecycle.move(session, actor=actor, order=order, to=OrderStatus.ENTERED, note=note, entered_at=at)
        await queue.mark_entered(session, ctx=ctx, order_id=order.id, actor=actor, now=at)
    session.add(GatePassage(order_id=order.id, site_id=site_id, device_id=machine.device_id, transition=transition,
                            totp_step=totp_step, plate_read=normalise_plate(plate_read)[:16] if plate_read else None,
                            mode=mode, at=at))
    await session.flush()
    if transition == "out":  # waybills subscribe: a ticketed truck leaving opens its waybill
        await announce(session, VehicleLeftSite(order_id=order.id, site_id=site_id, left_at=at,
                                                ticketed=order.status == OrderStatus.COMPLETED, mode=mode))


async def verify_by_guard(session: AsyncSession, *, ctx: Context, actor: Principal, data: PassVerify) -> PassVerdictOut:
    """人工门岗: a gatekeeper's phone (or a scanner on the guard-house PC) checks a driver's code at a
    site of the guard's organisation: the same checks and the same once-per-transition rule as a gate
    device, recorded under the guard's name. Other organisations' sites answer 404."""
    site = await sites.site_brief(session, site_id=data.site_id)
    if site is None or not actor.is_member(site.org_id, GUARDS):
        raise errors.gate_site_not_found()
    caller = MachineCaller(key_id=f"guard:{actor.user_id}", org_id=site.org_id, device_id=None)
    return await verify_pass(session, ctx=ctx, machine=caller, data=data, actor=actor.actor)


async def forged_or_altered(session: AsyncSession, *, ctx: Context, code: str) -> str:
    """For a pass whose signature does not verify: "pass_altered" when the signature is the one the
    platform made for that order's genuine pass (Ed25519 signs deterministically, so the platform can
    make it again) but the payload was changed; otherwise "pass_forged" (a signature it never made).
    A gate offline cannot tell the two apart and says pass_signature_invalid."""
    parts = code.strip().split(".")
    try:
        claims = decode_payload(b64d(parts[1]))
    except (IndexError, ValueError):
        return "pass_forged"
    order = await load_order(session, claims.order_id)
    if order is None or order.plate is None:
        return "pass_forged"
    genuine_signature = token_for(ctx, order).split(".")[2]
    return "pass_altered" if parts[2] == genuine_signature else "pass_forged"


async def verify_pass(session: AsyncSession, *, ctx: Context, machine: MachineCaller, data: PassVerify,
                      actor: Actor | None = None) -> PassVerdictOut:
    """A gate's scan, decided: accepted once per transition, or refused with its code (always 200).
    `actor` names who let the truck in when it is a person (the guard), else the machine key."""
    note = await gate_label(session, machine=machine, site_id=data.site_id, gate_id=data.gate_id)
    now = utcnow()
    at_s = epoch_s(now)
    # First without the secret: a forged or foreign code is refused before the database is asked.
    verdict = _verify(ctx, data, at_s=at_s, secret_for=lambda _: None)
    claims = verdict.claims
    order = None
    if claims is not None and data.site_id in claims.site_ids:
        order = await load_order(session, claims.order_id)
    if verdict.code == "pass_totp_stale" and order is not None:
        secret = totp_secret(ctx, order)
        own_id = order.id
        verdict = _verify(ctx, data, at_s=at_s, secret_for=lambda oid: secret if oid == own_id else None)
    if verdict.code == "pass_signature_invalid":
        code = await forged_or_altered(session, ctx=ctx, code=data.code)
        await _alert_refused_pass(session, machine=machine, data=data, code=code, at=now)
        return answer(code, data)
    if not verdict.ok or claims is None:
        return answer(verdict.code, data, claims=claims, order=order)
    if order is None:
        return answer("order_unknown", data, claims=claims)
    refusal = await state_refusal(session, order=order, transition=data.transition, plate=claims.plate)
    if refusal is not None:
        return answer(refusal, data, claims=claims, order=order)
    used = f"mt:pass:used:{order.id}:{data.transition}:{'static' if verdict.totp_step is None else verdict.totp_step}"
    if not await ctx.redis.set(used, b"1", nx=True, ex=USED_TTL_S):
        return answer("pass_replayed", data, claims=claims, order=order)
    try:
        async with savepoint(session):  # flushed inside: a lost race surfaces here, not at the commit
            await record(session, ctx=ctx, machine=machine, order=order, transition=data.transition,
                         site_id=data.site_id, note=note, at=now, totp_step=verdict.totp_step,
                         plate_read=data.plate_read, mode="online", actor=actor)
    except (IntegrityError, Conflict):
        # Another gate (or a cancel) got there first: answer with what is true now.
        await ctx.redis.delete(used)
        order = await load_order(session, claims.order_id)
        if order is None:
            return answer("order_unknown", data, claims=claims)
        refusal = await state_refusal(session, order=order, transition=data.transition, plate=claims.plate)
        return answer(refusal or "pass_replayed", data, claims=claims, order=order)
    except BaseException:
        await ctx.redis.delete(used)
        raise
    await _alert_closed_site(session, machine=machine, data=data, order=order, at=now)
    return answer("ok", data, claims=claims, order=order)


async def _alert_refused_pass(session: AsyncSession, *, machine: MachineCaller, data: PassVerify, code: str,
                              at: datetime) -> None:
    """A forged or altered pass shown at a gate: someone made or doctored a pass, the site's to
    answer. The evidence is the refused code itself (by its hash: the pass may carry a TOTP)."""
    site = await sites.site_brief(session, site_id=data.site_id)
    assert site is not None  # gate_label found it
    zh, en = ORDER_REFUSALS[code]
    digest = hashlib.sha256(data.code.strip().encode()).hexdigest()
    await alerts.raise_alert(session, at=at, data=AlertRaise(
        kind=code, org_id=site.org_id, site_id=site.id, region_code=site.region_code, ref=f"pass:{digest[:40]}",
        message_zh=f"{site.name}：{zh}" + (f"（识别车牌 {data.plate_read}）" if data.plate_read else ""),
        message_en=f"{site.name}: {en}" + (f" (plate read {data.plate_read})" if data.plate_read else ""),
        plate=normalise_plate(data.plate_read)[:16] if data.plate_read else None,
        details={"passSha256": digest, "gateId": str(data.gate_id) if data.gate_id else None,
                 "deviceId": str(machine.device_id) if machine.device_id else None, "keyId": machine.key_id,
                 "transition": data.transition, "plateRead": data.plate_read}))


async def _alert_closed_site(session: AsyncSession, *, machine: MachineCaller, data: PassVerify,
                             order: PickupOrder, at: datetime) -> None:
    """A truck let through the gate of a site that is not open for sales (closed): coal moving
    where none may be sold."""
    site = await sites.site_brief(session, site_id=data.site_id)
    if site is None or site.status == "active":
        return
    await alerts.raise_alert(session, at=at, data=AlertRaise(
        kind="closed_site_activity", org_id=site.org_id, site_id=site.id, region_code=site.region_code,
        ref=f"order:{order.id}", plate=order.plate, order_no=order.order_no,
        message_zh=f"{site.name} 未开放销售，{order.plate} 仍经门岗{'入场' if data.transition == 'in' else '出场'}",
        message_en=f"{site.name} is not open for sales, yet {order.plate} passed its gate ({data.transition})",
        details={"orderId": str(order.id), "transition": data.transition, "siteStatus": site.status,
                 "gateId": str(data.gate_id) if data.gate_id else None,
                 "deviceId": str(machine.device_id) if machine.device_id else None}))


# --- Passages a gate accepted offline (verified with its bundle), uploaded when the link returns ---

def _offline_refusal(*, order: PickupOrder | None, site_id: uuid.UUID, item: OfflinePassage,
                     now: datetime) -> str | None:
    """Implausible uploads are refused (not recorded); a passage that did happen is recorded even if
    the order has moved on since (cancelled while the truck was inside): it is evidence."""
    if order is None or order.site_id != site_id:
        return "order_unknown"
    if order.status == OrderStatus.ISSUED or order.plate is None:
        return "order_not_dispatched"
    at_s = epoch_s(item.at)
    if item.at > now + MAX_CLOCK_SKEW or (
            item.totp_step is not None and abs(item.totp_step - at_s // STEP_S) > MAX_DRIFT_STEPS):
        return "passage_time_invalid"
    if item.at < order.valid_from - MAX_CLOCK_SKEW:
        return "pass_not_yet_valid"
    if item.at >= order.valid_until + MAX_CLOCK_SKEW:
        return "pass_expired"
    if item.totp_step is None and item.plate_read is None:
        return "pass_plate_required"
    if item.plate_read is not None and normalise_plate(item.plate_read) != normalise_plate(order.plate):
        return "pass_wrong_plate"
    return None


def _result(item: OfflinePassage, result: OfflineResult, code: str) -> OfflinePassageResult:
    zh, en = message(code)
    return OfflinePassageResult(order_id=item.order_id, transition=item.transition, result=result, code=code,
                                message_zh=zh, message_en=en)


async def _offline_one(session: AsyncSession, *, ctx: Context, machine: MachineCaller, site_id: uuid.UUID,
                       note: str, item: OfflinePassage) -> OfflinePassageResult:
    try:
        item = msgspec.structs.replace(item, at=as_utc(item.at))
    except OverflowError:  # year 1 east of Greenwich: no UTC instant
        return _result(item, "refused", "passage_time_invalid")
    for _ in range(2):  # a second round when the order moved under us (e.g. cancelled) mid-way
        order = await load_order(session, item.order_id)
        refusal = _offline_refusal(order=order, site_id=site_id, item=item, now=utcnow())
        if refusal is not None:
            return _result(item, "refused", refusal)
        assert order is not None
        if await passed(session, order_id=order.id, transition=item.transition):
            return _result(item, "duplicate", "pass_replayed")
        try:
            async with savepoint(session):  # each passage stands or falls alone
                await record(session, ctx=ctx, machine=machine, order=order, transition=item.transition,
                             site_id=site_id, note=f"{note}（离线）", at=item.at, totp_step=item.totp_step,
                             plate_read=item.plate_read, mode="offline")
            return _result(item, "accepted", "ok")
        except IntegrityError:
            return _result(item, "duplicate", "pass_replayed")
        except Conflict:
            pass
    return _result(item, "duplicate", "pass_replayed")  # moved twice under us: someone else recorded it


async def offline_passages(session: AsyncSession, *, ctx: Context, machine: MachineCaller,
                           data: OfflinePassages) -> OfflinePassagesOut:
    """Record each uploaded passage once (idempotent: a repeat is "duplicate"), each in its own
    savepoint; an "in" of a still dispatched order moves it to entered at the passage's time."""
    note = await gate_label(session, machine=machine, site_id=data.site_id, gate_id=data.gate_id)
    results = [await _offline_one(session, ctx=ctx, machine=machine, site_id=data.site_id, note=note, item=item)
               for item in data.passages]
    return OfflinePassagesOut(results=results)
