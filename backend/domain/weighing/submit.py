"""A lane's weighing, judged and recorded (docs/lane-protocol.md §2).

Exactly once: the lane's weighingId is the primary key; a repeated upload (the lane crashed
before it noted the answer, or the same outbox row raced itself) gets the stored answer back.
Every submitted weighing is kept, refused ones too: they are evidence, and a refused gross
(overweight) keeps the truck's exit blocked until a good one stands. Late (offline) weighings are
judged by their own times.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from datetime import timedelta

import msgspec
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.db.base import utcnow
from backend.db.unit import savepoint
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertRaise
from backend.domain.audit import service as audit
from backend.domain.machines import service as machines
from backend.domain.machines.schemas import MachineCaller
from backend.domain.orders import service as orders
from backend.domain.orders.schemas import WEIGHABLE_STATUSES, OrderBrief, OrderStatus
from backend.domain.orders.service import as_utc
from backend.domain.sites import service as sites
from backend.domain.sites.schemas import DeviceLane
from backend.domain.weighing import checks, errors, lanes, tickets
from backend.domain.weighing.models import Weighing, WeighOverride
from backend.domain.weighing.rules import Finding
from backend.domain.weighing.schemas import WeighingAnswer, WeighingSubmit
from backend.errors import Conflict
from backend.files import store
from devices.passcode import normalise_plate

# A lane's clock may run ahead a little; a weighing from further in the future is not believed.
MAX_AHEAD = timedelta(minutes=5)
# An outbox older than this is not a link outage but a lost device.
MAX_LATE = timedelta(days=30)
# The refusals that also raise an alert (the catalogue grades them).
ALERTING = alerts.codes(alerts.Source.WEIGHING)


async def _check_signature(session: AsyncSession, *, ctx: Context, machine: MachineCaller, raw: bytes) -> None:
    body = json.loads(raw)
    given = body.pop("signature", "")
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    key = await machines.signing_key(session, ctx=ctx, key_id=machine.key_id)
    secrets_ = key.secrets if key is not None else ()
    if not any(hmac.compare_digest(hmac.new(s.encode(), canonical, hashlib.sha256).hexdigest(), given)
               for s in secrets_):
        raise errors.signature_invalid()


def _pictures(ctx: Context, data: WeighingSubmit) -> list[dict[str, str]]:
    files = store(ctx.settings)
    out = []
    for p in data.pictures:
        try:
            content = base64.b64decode(p.content_b64, validate=True)
        except (binascii.Error, ValueError):
            raise errors.picture_invalid(p.name) from None
        if not content.startswith(b"\xff\xd8"):  # JPEG SOI: anything else is not a camera's picture
            raise errors.picture_invalid(p.name)
        out.append({"name": p.name, "sha256": files.put(content)})
    return out


def _replay(w: Weighing) -> WeighingAnswer:
    answer = msgspec.convert(w.answer, WeighingAnswer)
    return msgspec.structs.replace(answer, duplicate=True)


def _answer(w: Weighing, *, accepted: bool, zh: str, en: str, open_exit: bool, alerts_: list[str],
            ticket: tickets.Issued | None = None) -> WeighingAnswer:
    return WeighingAnswer(weighing_id=w.id, accepted=accepted, code=w.code, message_zh=zh, message_en=en,
                          kind=w.kind, open_exit=open_exit, alerts=alerts_,  # type: ignore[arg-type]
                          ticket_no=ticket.ticket_no if ticket else None, net_kg=ticket.net_kg if ticket else None,
                          verify_url=ticket.verify_url if ticket else None)


async def _judge(session: AsyncSession, w: Weighing, order: OrderBrief, lane: DeviceLane,
                 have: dict[str, Weighing]) -> tuple[Finding | None, WeighOverride | None]:
    rules_ = await lanes.site_rules(session, site_id=lane.site_id)
    if order.status not in WEIGHABLE_STATUSES or (order.status == OrderStatus.COMPLETED and w.kind == "tare"):
        return checks.plain("order_not_weighable"), None
    finding = checks.physical(w, order, rules_)
    if finding is not None:
        return finding, None
    override = None
    if w.kind in have:
        override = await lanes.open_override(session, order_id=order.id, kind=w.kind, now=w.weighed_at)
        if override is None:
            return checks.plain("reweigh_not_allowed"), None
    elif w.kind == "gross" and "tare" not in have:
        return checks.plain("tare_missing"), None
    site = await sites.site_brief(session, site_id=lane.site_id)
    assert site is not None
    finding = await checks.elsewhere(session, w, rules_, (site.centroid_lon, site.centroid_lat))
    if finding is None and w.kind == "tare":
        finding = await checks.tare_history(session, w, rules_)
    if finding is None and w.kind == "gross":
        finding = await checks.load(session, w, have["tare"], order, rules_)
    return finding, override


async def _refuse(session: AsyncSession, w: Weighing, order: OrderBrief, lane: DeviceLane, f: Finding) -> WeighingAnswer:
    w.status, w.code, w.message_zh, w.message_en = "refused", f.code, f.zh[:300], f.en[:300]
    raised = []
    if f.code in ALERTING:
        await alerts.raise_alert(session, at=w.weighed_at, data=AlertRaise(
            kind=f.code, org_id=lane.org_id, site_id=lane.site_id,
            region_code=order.region_code, ref=f"weighing:{w.id}", plate=order.plate, order_no=order.order_no,
            message_zh=f"{lane.lane_name} {order.plate}：{f.zh}", message_en=f"{lane.lane_name} {order.plate}: {f.en}",
            details=dict(f.figures)))
        raised.append(f.code)
    if f.code in checks.EXIT_BLOCKS:
        await orders.set_exit_block(session, order_id=order.id, block=checks.EXIT_BLOCKS[f.code])
    return _answer(w, accepted=False, zh=f.zh, en=f.en, open_exit=False, alerts_=raised)


async def _accept(session: AsyncSession, *, ctx: Context, machine: MachineCaller, w: Weighing, order: OrderBrief,
                  lane: DeviceLane, have: dict[str, Weighing], override: WeighOverride | None) -> WeighingAnswer:
    w.status, w.code = "accepted", "ok"
    previous = have.get(w.kind)
    if previous is not None and override is not None:  # a supervised re-weigh: only the last counts
        previous.status = "superseded"
        override.used_by_weighing_id = w.id
        await session.flush()
        await audit.record(session, actor=orders.machine_actor(machine), action=f"weighing.reweigh_{w.kind}",
                           entity="weighing", entity_id=w.id, before={"weighingId": str(previous.id),
                           "weightKg": previous.weight_kg}, after={"weightKg": w.weight_kg, "override": str(override.id)})
    session.add(w)
    await session.flush()
    if w.kind == "tare":
        await orders.set_exit_block(session, order_id=order.id, block="gross_missing")
        t = f"{w.weight_kg / 1000:.2f}"
        zh, en = errors.OK_TARE
        return _answer(w, accepted=True, zh=zh.format(t=t), en=en.format(t=t), open_exit=True, alerts_=[])
    issued = await tickets.issue(session, ctx=ctx, machine=machine, order=order, tare=have["tare"], gross=w)
    g, n = f"{w.weight_kg / 1000:.2f}", f"{issued.net_kg / 1000:.2f}"
    zh, en = errors.OK_GROSS
    return _answer(w, accepted=True, zh=zh.format(g=g, n=n, no=issued.ticket_no),
                   en=en.format(g=g, n=n, no=issued.ticket_no), open_exit=True, alerts_=[], ticket=issued)


async def _alert_closed_site(session: AsyncSession, w: Weighing, order: OrderBrief, lane: DeviceLane) -> None:
    """A truck weighed at a site that is not open for sales (closed): refused or not, the scale
    was in use where no coal may be sold. Counted per site inside the kind's window."""
    site = await sites.site_brief(session, site_id=lane.site_id)
    if site is None or site.status == "active":
        return
    await alerts.raise_alert(session, at=w.weighed_at, data=AlertRaise(
        kind="closed_site_activity", org_id=lane.org_id, site_id=lane.site_id, region_code=site.region_code,
        ref=f"weighing:{w.id}", plate=order.plate, order_no=order.order_no,
        message_zh=f"{site.name} 未开放销售，{lane.lane_name or ''} 仍有 {order.plate} 过磅（{w.kind}）",
        message_en=f"{site.name} is not open for sales, yet {order.plate} was weighed ({w.kind}) on "
                   f"{lane.lane_name or 'a lane'}",
        details={"weighingId": str(w.id), "weighingStatus": w.status, "weightKg": w.weight_kg, "kind": w.kind,
                 "deviceCode": lane.device_code, "siteStatus": site.status}))


async def submit(session: AsyncSession, *, ctx: Context, machine: MachineCaller, data: WeighingSubmit,
                 raw: bytes, _retry: bool = True) -> WeighingAnswer:
    lane = await lanes.lane_of(session, machine=machine)
    existing = await session.get(Weighing, data.weighing_id)
    if existing is not None:
        if existing.device_id != lane.device_id:
            raise errors.weighing_conflict()
        return _replay(existing)
    await _check_signature(session, ctx=ctx, machine=machine, raw=raw)
    now = utcnow()
    weighed_at, on_scale_at = as_utc(data.weighed_at), as_utc(data.on_scale_at)
    if not (on_scale_at <= weighed_at <= now + MAX_AHEAD) or weighed_at < now - MAX_LATE:
        raise errors.times_invalid()
    order = await orders.order_brief(session, order_id=data.order_id)
    if order is None or order.site_id != lane.site_id:
        raise errors.order_not_found()
    w = Weighing(id=data.weighing_id, order_id=order.id, site_id=lane.site_id, lane_id=lane.lane_id,
                 device_id=lane.device_id, lane_name=lane.lane_name or "", device_code=lane.device_code,
                 key_id=machine.key_id, kind=data.kind, plate=order.plate, plate_read=normalise_plate(data.plate_read),
                 weight_kg=data.weight_kg, stable=msgspec.to_builtins(data.stable), trace=[list(p) for p in data.trace],
                 gratings=msgspec.to_builtins(data.gratings), pictures=_pictures(ctx, data), on_scale_at=on_scale_at,
                 weighed_at=weighed_at, received_at=now, offline=data.offline, status="pending", code="",
                 signature=data.signature)
    try:
        # One savepoint for the whole judgement: a lost race undoes it alone, then is answered below.
        async with savepoint(session):
            if order.status == OrderStatus.DISPATCHED:  # identified while the link was down: the weighing shows it entered
                await orders.enter(session, ctx=ctx, machine=machine, order_id=order.id, at=on_scale_at,
                                       plate_read=w.plate_read, require_call=False)
                order = await orders.order_brief(session, order_id=order.id)
                assert order is not None
            have = await lanes.standing(session, order_id=order.id)
            finding, override = await _judge(session, w, order, lane, have)
            if finding is None:
                answer = await _accept(session, ctx=ctx, machine=machine, w=w, order=order, lane=lane, have=have,
                                       override=override)
            else:
                session.add(w)
                answer = await _refuse(session, w, order, lane, finding)
            w.answer = msgspec.to_builtins(answer)
            await _alert_closed_site(session, w, order, lane)
    except (IntegrityError, Conflict):
        # The same weighingId raced itself, or another weighing of this kind stood first.
        existing = await session.get(Weighing, data.weighing_id)
        if existing is not None:
            return _replay(existing)
        if _retry:  # judged again, it now meets the standing weighing (reweigh_not_allowed)
            return await submit(session, ctx=ctx, machine=machine, data=data, raw=raw, _retry=False)
        raise
    return answer
