"""What the weighbridge holds that proves an alert (its evidence pack, backend/domain/alerts/packs.py).

Alerts raised by a refused weighing carry "weighing:<id>" as their ref. From that record: the weighing
itself and the order's other weighings, the lane's trace (its readings while the truck stood on the
scale, the stable statistics, the gratings), the camera's plate reading and pictures, the order's
tickets with their photos, their entries in the evidence chain (存证) and the truck's earlier tares.
Read only; an alert that is not a weighing's gets nothing from here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertOut, PackFile
from backend.domain.evidence import service as evidence
from backend.domain.sites import service as sites
from backend.domain.weighing import sales, tickets
from backend.domain.weighing.models import Weighing, WeighTicket
from backend.domain.weighing.service import ticket_out

# The truck's earlier accepted tares shown beside a tare refused as out of range.
TARE_HISTORY_ROWS = 20


async def _weighing(session: AsyncSession, alert: AlertOut) -> Weighing | None:
    weighing_id = alerts.ref_id(alert, "weighing")
    return None if weighing_id is None else await session.get(Weighing, weighing_id)


def _record(w: Weighing) -> dict[str, Any]:
    return {"id": str(w.id), "orderId": str(w.order_id) if w.order_id else None, "siteId": str(w.site_id),
            "lane": w.lane_name, "deviceCode": w.device_code, "keyId": w.key_id, "kind": w.kind, "plate": w.plate,
            "plateRead": w.plate_read, "weightKg": w.weight_kg, "status": w.status, "code": w.code,
            "messageZh": w.message_zh, "messageEn": w.message_en, "onScaleAt": w.on_scale_at.isoformat(),
            "weighedAt": w.weighed_at.isoformat(), "receivedAt": w.received_at.isoformat(), "offline": w.offline,
            "signature": w.signature, "answer": w.answer}


async def _order_tickets(session: AsyncSession, w: Weighing) -> list[WeighTicket]:
    if w.order_id is None:
        return []
    return list((await session.execute(select(WeighTicket).where(WeighTicket.order_id == w.order_id)
                                       .order_by(WeighTicket.issued_at, WeighTicket.id))).scalars())


async def _alert_tickets(session: AsyncSession, alert: AlertOut) -> list[WeighTicket] | None:
    """The tickets of the order the alert is about: its weighing's (a refusal at the scale), else its
    order number's (a receipt or an overload found downstream); None when it names neither."""
    w = await _weighing(session, alert)
    if w is not None:
        return await _order_tickets(session, w)
    if not alert.order_no:
        return None
    return list((await session.execute(select(WeighTicket).where(WeighTicket.order_no == alert.order_no)
                                       .order_by(WeighTicket.issued_at, WeighTicket.id))).scalars())


@alerts.evidence_collector("weighing")
async def weighing_record(session: AsyncSession, ctx: Context, alert: AlertOut) -> list[PackFile]:
    w = await _weighing(session, alert)
    if w is None:
        return []
    others: list[Weighing] = []
    if w.order_id is not None:
        others = list((await session.execute(select(Weighing).where(Weighing.order_id == w.order_id, Weighing.id != w.id)
                                             .order_by(Weighing.weighed_at, Weighing.id))).scalars())
    return [alerts.json_file("weighing/weighing.json", {"weighing": _record(w), "orderWeighings": [_record(o) for o in others]})]


@alerts.evidence_collector("lane_trace")
async def lane_trace(session: AsyncSession, ctx: Context, alert: AlertOut) -> list[PackFile]:
    w = await _weighing(session, alert)
    if w is None:
        return []
    # [ms since on-scale, kg] or [ms, kg, clear]: as the lane sent it (docs/lane-protocol.md).
    csv = "ms_since_on_scale,weight_kg,gratings_clear\n" + "".join(
        f"{p[0]},{p[1]},{p[2] if len(p) > 2 else ''}\n" for p in w.trace)
    return [alerts.json_file("weighing/lane-trace.json", {"weighingId": str(w.id), "onScaleAt": w.on_scale_at.isoformat(),
                                                         "stable": w.stable, "gratings": w.gratings, "trace": w.trace}),
            PackFile(name="weighing/lane-trace.csv", data=csv.encode(), media_type="text/csv")]


@alerts.evidence_collector("camera_plates")
async def camera_plates(session: AsyncSession, ctx: Context, alert: AlertOut) -> list[PackFile]:
    w = await _weighing(session, alert)
    if w is None:
        return []
    out = [alerts.json_file("camera/plates.json", {"plate": w.plate, "plateRead": w.plate_read, "pictures": w.pictures})]
    return out + await _jpegs(ctx, "camera/", w.pictures, "picture")


async def _jpegs(ctx: Context, prefix: str, items: list[dict[str, Any]], default_name: str) -> list[PackFile]:
    """The stored JPEGs a weighing or ticket names ({"sha256", "name"}), numbered; a missing one is left out."""
    out: list[PackFile] = []
    for i, item in enumerate(items, start=1):
        stored = await alerts.stored_file(ctx, f"{prefix}{i:02d}-{item.get('name', default_name)}", str(item.get("sha256")),
                                          "image/jpeg")
        if stored is not None:
            out.append(stored)
    return out


@alerts.evidence_collector("ticket")
async def ticket(session: AsyncSession, ctx: Context, alert: AlertOut) -> list[PackFile]:
    rows = await _alert_tickets(session, alert)
    if rows is None:
        return []
    out: list[PackFile] = []
    for t in rows:
        out.append(alerts.json_file(f"ticket/{t.ticket_no}.json", {"ticket": ticket_out(t), "payload": tickets.payload(t)}))
        out += await _jpegs(ctx, f"ticket/{t.ticket_no}-", t.photos, "photo")
    return out


@alerts.evidence_collector("evidence_chain")
async def evidence_chain(session: AsyncSession, ctx: Context, alert: AlertOut) -> list[PackFile]:
    rows = await _alert_tickets(session, alert)
    if rows is None:
        return []
    refs = [str(t.id) for t in rows]
    entries = [*await evidence.entries_for(session, kind=tickets.KIND, refs=refs),
               *await evidence.entries_for(session, kind=tickets.VOID_KIND, refs=refs)]
    if not entries:
        return []
    kid, pem = evidence.public_key(ctx.settings)
    files = [alerts.json_file(f"evidence-chain/{e.seq:08d}-{e.kind}.json", e) for e in sorted(entries, key=lambda e: e.seq)]
    return [*files, PackFile(name=f"evidence-chain/public-key-{kid}.pem", data=pem.encode(),
                             media_type="application/x-pem-file")]


@alerts.evidence_collector("tare_history")
async def tare_history(session: AsyncSession, ctx: Context, alert: AlertOut) -> list[PackFile]:
    w = await _weighing(session, alert)
    if w is None or not w.plate:
        return []
    rows = (await session.execute(select(Weighing).where(
        Weighing.plate == w.plate, Weighing.kind == "tare", Weighing.status == "accepted",
        Weighing.weighed_at < w.weighed_at).order_by(Weighing.weighed_at.desc()).limit(TARE_HISTORY_ROWS))).scalars()
    return [alerts.json_file("weighing/tare-history.json", {"plate": w.plate, "tares": [
        {"weighingId": str(r.id), "weightKg": r.weight_kg, "weighedAt": r.weighed_at.isoformat(), "lane": r.lane_name}
        for r in rows]})]


def _sales_day(alert: AlertOut) -> date | None:
    raw = alert.details.get("day")
    try:
        return date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


@alerts.evidence_collector("daily_sales")
async def daily_sales(session: AsyncSession, ctx: Context, alert: AlertOut) -> list[PackFile]:
    """The day's valid tickets at the site: each one that made the day's figure."""
    day = _sales_day(alert)
    if alert.site_id is None or day is None:
        return []
    rows = await sales.site_day_tickets(session, site_id=alert.site_id, day=day)
    return [alerts.json_file("sales/day-tickets.json", {
        "siteId": str(alert.site_id), "day": day.isoformat(), "soldKg": sum(t.net_kg for t in rows),
        "tickets": [{"ticketNo": t.ticket_no, "plate": t.plate, "netKg": t.net_kg, "grossAt": t.gross_at.isoformat()}
                    for t in rows]})]


@alerts.evidence_collector("baseline")
async def baseline(session: AsyncSession, ctx: Context, alert: AlertOut) -> list[PackFile]:
    """The site's sales of the day and of the days its baseline was taken from (the median of the selling ones)."""
    day = _sales_day(alert)
    if alert.site_id is None or day is None:
        return []
    history = await sales.site_history(session, site_id=alert.site_id, day=day, days=ctx.settings.sales_baseline_days)
    return [alerts.json_file("sales/history.json", {
        "siteId": str(alert.site_id), "day": day.isoformat(), "factor": ctx.settings.sales_baseline_factor,
        "minSellingDays": ctx.settings.sales_baseline_min_days,
        "days": [{"day": d.isoformat(), "soldKg": kg} for d, kg in history]})]


@alerts.evidence_collector("approved_capacity")
async def approved_capacity(session: AsyncSession, ctx: Context, alert: AlertOut) -> list[PackFile]:
    if alert.site_id is None:
        return []
    capacity_t = (await sites.site_capacities(session)).get(alert.site_id)
    return [alerts.json_file("sales/approved-capacity.json", {"siteId": str(alert.site_id),
                                                                "approvedCapacityTPerDay": capacity_t})]
