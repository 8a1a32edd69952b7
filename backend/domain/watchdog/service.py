"""The device watchdog (issue 13, point 6): every device that reports is expected to keep reporting.

- A site's devices (lane controllers, cameras, scanners...) report by heartbeat through /open/v1;
  one that has reported and then stays quiet beyond `watchdog_device_silent_after_s` raises
  `device_silent` (device_ref "lane:<lane uuid>" for a lane controller, "<kind>:<device uuid>" else).
- A truck's JT/T 808 terminal is expected only while the truck is on an open waybill (a parked
  truck's terminal may sleep); silent beyond `watchdog_terminal_silent_after_s` it raises
  `device_silent` ("terminal:<sim>") for the truck's carrier.
- A site all of whose reporting devices (at least two) are silent raises `site_silent` instead of
  one alert per device (a power or network cut); red when the site's trucks are seen on the road
  meanwhile (a waybill left it during the silence: the gate went dark but coal went out).

Recovery, and why alerts are not closed at the first heartbeat: duplicates count on the LIVE alert
of a kind and subject (alerts.raise_alert). Closing on the first report would make a flapping
device (a loose cable, a dying 4G router) raise a fresh alert at each outage: a storm. So an outage
is remembered (models.WatchOutage) and its alert stays live until the subject has been back for
`watchdog_recovery_hold_s`. Silent again within the hold, the raise counts on the same alert (count
= outages); back for the whole hold, the platform closes it (Outcome.RECOVERED) with the outage's
length on the timeline ({"outageS", "outages", "totalOutageS"}).

One sweep costs one query per subject class (silent devices and silent sites on
ix_devices_last_seen, open waybills on their status index then their terminals), plus one per class
for the few outages being tracked. Safe with several workers: an outage row is unique per subject
and every change to one is a conditional UPDATE/DELETE.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.db.unit import savepoint
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertRaise, Grade
from backend.domain.sites import service as sites
from backend.domain.terminals import service as terminals
from backend.domain.watchdog.models import WatchOutage
from backend.domain.watchdog.schemas import Silence, Subject, SweepCounts
from backend.domain.waybills import service as waybills
from backend.settings import Settings

__all__ = ["SITE_MIN_DEVICES", "Silence", "Subject", "SweepCounts", "outages", "sweep"]

# A site is "all silent" only with at least this many reporting devices: one silent device is that
# device's alert, not a site cut off.
SITE_MIN_DEVICES = 2

_KIND_ZH = {"lane_controller": "车道控制器", "camera": "摄像机", "weighbridge": "地磅", "barrier": "道闸",
            "qr_scanner": "扫码器", "edge_agent": "边缘网关", "io_module": "IO 模块", "led": "显示屏",
            "speaker": "音柱", "belt_scale": "皮带秤", "rail_scale": "轨道衡"}


def _minutes(since: datetime, now: datetime) -> int:
    return max(1, int((now - since).total_seconds() // 60))


async def _silences(session: AsyncSession, *, settings: Settings, now: datetime) -> tuple[dict[str, Silence], set[str]]:
    """(what is silent now, by ref; the refs of silent devices whose site's alert speaks for them)."""
    device_cutoff = now - timedelta(seconds=settings.watchdog_device_silent_after_s)
    found: dict[str, Silence] = {}
    silent_sites = await sites.silent_sites(session, before=device_cutoff, min_devices=SITE_MIN_DEVICES)
    for s in silent_sites:
        m = _minutes(s.last_seen_at, now)
        found[f"site:{s.site_id}"] = Silence(
            ref=f"site:{s.site_id}", subject=Subject.SITE, subject_id=str(s.site_id), kind="site_silent",
            org_id=s.org_id, site_id=s.site_id, region_code=s.region_code, last_seen_at=s.last_seen_at,
            message_zh=f"{s.site_name} 全部 {s.devices} 台设备已 {m} 分钟未上报（疑似断网断电）",
            message_en=f"{s.site_name}: all {s.devices} devices silent for {m} min (network or power cut?)",
            details={"siteId": str(s.site_id), "devices": s.devices, "lastSeenAt": s.last_seen_at.isoformat()})
    cut_off = {s.site_id for s in silent_sites}
    covered: set[str] = set()
    for d in await sites.silent_devices(session, before=device_cutoff):
        ref = f"lane:{d.lane_id}" if d.kind == "lane_controller" and d.lane_id else f"{d.kind}:{d.device_id}"
        if d.site_id in cut_off:  # the site's alert speaks for it (an alert it had already stays live)
            covered.add(ref)
            continue
        if ref in found:
            continue
        m = _minutes(d.last_seen_at, now)
        label = f"{_KIND_ZH.get(d.kind, d.kind)} {d.name or d.code}"
        found[ref] = Silence(
            ref=ref, subject=Subject.DEVICE, subject_id=str(d.device_id), kind="device_silent", org_id=d.org_id,
            site_id=d.site_id, region_code=d.region_code, last_seen_at=d.last_seen_at,
            message_zh=f"{d.site_name} {label}（{d.code}）已 {m} 分钟未上报",
            message_en=f"{d.site_name}: {d.kind} {d.name or d.code} ({d.code}) silent for {m} min",
            details={"deviceId": str(d.device_id), "deviceCode": d.code, "deviceKind": d.kind,
                     "laneId": str(d.lane_id) if d.lane_id else None, "lastSeenAt": d.last_seen_at.isoformat(),
                     "silentAfterS": settings.watchdog_device_silent_after_s})
    loads = {load.vehicle_id: load for load in await waybills.open_loads(session)}
    terminal_cutoff = now - timedelta(seconds=settings.watchdog_terminal_silent_after_s)
    for t in await terminals.silent_terminals(session, vehicle_ids=set(loads), before=terminal_cutoff):
        load = loads[t.vehicle_id]
        m = _minutes(t.last_seen_at, now)
        found[f"terminal:{t.phone}"] = Silence(
            ref=f"terminal:{t.phone}", subject=Subject.TERMINAL, subject_id=t.phone, kind="device_silent",
            org_id=load.carrier_org_id or load.seller_org_id, site_id=None, region_code=load.region_code,
            last_seen_at=t.last_seen_at, plate=t.plate,
            message_zh=f"{t.plate} 车载终端（{t.phone}）运输途中已 {m} 分钟未上报",
            message_en=f"{t.plate}: its terminal ({t.phone}) has been silent for {m} min on the road",
            details={"terminal": t.phone, "waybillNo": load.waybill_no, "lastSeenAt": t.last_seen_at.isoformat(),
                     "silentAfterS": settings.watchdog_terminal_silent_after_s})
    return found, covered


async def _raise(session: AsyncSession, s: Silence, *, now: datetime) -> uuid.UUID:
    grade, details = None, dict(s.details)
    if s.subject == Subject.SITE and s.site_id is not None:
        seen = await waybills.departures_since(session, site_id=s.site_id, since=s.last_seen_at)
        if seen:  # coal left while the site's devices were dark: the cut hid something
            grade, details["waybillsMeanwhile"] = Grade.RED, seen
    alert = await alerts.raise_alert(session, at=now, data=AlertRaise(
        kind=s.kind, org_id=s.org_id, site_id=s.site_id, region_code=s.region_code, ref=s.ref[:64],
        message_zh=s.message_zh, message_en=s.message_en, plate=s.plate,
        device_ref=s.ref if s.subject != Subject.SITE else None, details=details, grade=grade))
    return alert.id


async def _close(session: AsyncSession, o: WatchOutage, *, now: datetime, note: tuple[str, str] | None = None) -> None:
    assert o.back_at is not None
    outage_s = int((o.back_at - o.silent_since).total_seconds())
    zh, en = note or ("设备已恢复上报", "The device reports again")
    await alerts.close_automatically(
        session, alert_id=o.alert_id, outcome=alerts.Outcome.RECOVERED, at=now,
        note_zh=f"{zh}（离线 {outage_s // 60} 分钟，共 {o.outages} 次）",
        note_en=f"{en} (silent {outage_s // 60} min, {o.outages} outage(s))",
        data={"outageS": outage_s, "outages": o.outages, "totalOutageS": o.outage_total_s,
              "silentSince": o.silent_since.isoformat(), "backAt": o.back_at.isoformat()})


async def _last_seen(session: AsyncSession, rows: list[WatchOutage]) -> dict[str, datetime | None]:
    """ref -> the subject's last report, one query per subject class."""
    of = {k: {o.subject_id: o.ref for o in rows if o.subject == k} for k in Subject}
    seen: dict[str, datetime | None] = {}
    devices = await sites.devices_last_seen(session, device_ids={uuid.UUID(i) for i in of[Subject.DEVICE]})
    seen.update({of[Subject.DEVICE][str(i)]: at for i, at in devices.items()})
    site_seen = await sites.sites_last_seen(session, site_ids={uuid.UUID(i) for i in of[Subject.SITE]})
    seen.update({of[Subject.SITE][str(i)]: at for i, at in site_seen.items()})
    phones = await terminals.terminals_last_seen(session, phones=set(of[Subject.TERMINAL]))
    seen.update({of[Subject.TERMINAL][p]: at for p, at in phones.items()})
    return seen


async def sweep(session: AsyncSession, *, settings: Settings, now: datetime | None = None) -> SweepCounts:
    """Find what went silent, count flaps on the live alert, start the hold of what came back, and
    close what has been back for the whole hold. Flushes only (the job's unit commits)."""
    now = now or utcnow()
    hold = timedelta(seconds=settings.watchdog_recovery_hold_s)
    silent, covered = await _silences(session, settings=settings, now=now)
    held = {o.ref: o for o in (await session.execute(select(WatchOutage))).scalars()}
    raised = flapped = back = recovered = 0
    for ref, s in silent.items():
        o = held.get(ref)
        if o is not None and o.back_at is None:
            continue  # the same outage, already alerted
        if o is not None:  # silent again within the hold: a flap, counted on the live alert
            assert o.back_at is not None
            moved = await session.execute(
                update(WatchOutage).where(WatchOutage.id == o.id, WatchOutage.back_at == o.back_at)
                .values(back_at=None, silent_since=s.last_seen_at, outages=WatchOutage.outages + 1)
                .execution_options(synchronize_session=False))
            if moved.rowcount != 1:  # type: ignore[attr-defined]
                continue  # another worker's sweep took it
            alert_id = await _raise(session, s, now=now)
            if alert_id != o.alert_id:  # the old one was quiet beyond the kind's window: it ends here
                await _close(session, o, now=now)
                await session.execute(update(WatchOutage).where(WatchOutage.id == o.id).values(alert_id=alert_id))
            flapped += 1
            continue
        try:
            async with savepoint(session):  # the alert and its outage row, or neither
                alert_id = await _raise(session, s, now=now)
                session.add(WatchOutage(ref=ref, subject=s.subject.value, subject_id=s.subject_id, alert_id=alert_id,
                                        silent_since=s.last_seen_at))
                await session.flush()
        except IntegrityError:
            continue  # another worker started this outage in the meantime
        raised += 1
    quiet = [o for ref, o in held.items() if ref not in silent and ref not in covered]
    seen = await _last_seen(session, quiet)
    for o in quiet:
        if o.back_at is None:
            # Back (or no longer expected: a truck's load closed, a device retired): its first report
            # after the outage, or now when there is none.
            last = seen.get(o.ref)
            back_at = last if last is not None and last > o.silent_since else now
            outage_s = int((back_at - o.silent_since).total_seconds())
            moved = await session.execute(
                update(WatchOutage).where(WatchOutage.id == o.id, WatchOutage.back_at.is_(None))
                .values(back_at=back_at, outage_total_s=WatchOutage.outage_total_s + outage_s)
                .execution_options(synchronize_session=False))
            if moved.rowcount != 1:  # type: ignore[attr-defined]
                continue
            await session.refresh(o)
            back += 1
        assert o.back_at is not None
        if now - o.back_at < hold:
            continue
        gone = await session.execute(delete(WatchOutage).where(WatchOutage.id == o.id, WatchOutage.back_at == o.back_at)
                                     .execution_options(synchronize_session=False))
        if gone.rowcount == 1:  # type: ignore[attr-defined]
            await _close(session, o, now=now)
            recovered += 1
    return SweepCounts(silent=len(silent), raised=raised, flapped=flapped, back=back, recovered=recovered)


async def outages(session: AsyncSession) -> list[tuple[str, uuid.UUID, int]]:
    """(ref, alert id, outages) of every outage being tracked (for tools and the demo)."""
    rows = await session.execute(select(WatchOutage.ref, WatchOutage.alert_id, WatchOutage.outages)
                                 .order_by(WatchOutage.ref))
    return [(r, a, n) for r, a, n in rows.all()]
