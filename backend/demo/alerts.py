"""The demo's alerts: the platform's routing defaults as a settings row (so a city can be shown
overriding it), a few alerts of different grades at the demo mine, one alert in every handling
state (ensure_alert_states), and the device watchdog at work (the exit lane's plate camera stopped
reporting an hour ago, found silent by the watchdog's own sweep), each made once (seed marks)."""

from __future__ import annotations

import struct
import uuid
import zlib
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from backend import clock
from backend.context import Context
from backend.db.base import utcnow
from backend.demo.chain import principal
from backend.demo.marks import once
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertRaise, AlertStatus, AppealIn, Disposal, Review, TrackPoint
from backend.domain.identity.schemas import Principal
from backend.domain.sites import service as sites
from backend.domain.watchdog import service as watchdog
from backend.settings import Settings

# A demo camera that reported once, an hour ago, and never since: the watchdog finds it silent.
SILENT_CAMERA = "DEMO-ANPR-02"

DEMO_GPS_PLATE = "蒙K66888"  # the demo driver's truck (seed.DEMO_DRIVER)

_ALERTS = (
    ("weight_jump", "蒙K7D001", "1号磅 蒙K7D001：称重数据跳变（疑似遥控作弊）", "Lane 1 蒙K7D001: weight jump (remote control?)"),
    ("plate_mismatch", "蒙K7D002", "1号磅 蒙K7D002：摄像机识别车牌与提煤单不符", "Lane 1 蒙K7D002: camera plate differs"),
    ("loading_too_short", "蒙K7D003", "1号磅 蒙K7D003：装车时间过短", "Lane 1 蒙K7D003: loading too short"),
)


async def ensure_alerts(session: AsyncSession, *, actor: Principal, org_id: uuid.UUID, site_id: uuid.UUID,
                        created: list[str], settings: Settings) -> None:
    if await once(session, "alert_routes:default"):
        await alerts.set_routing(session, actor=actor, region_code=alerts.ROUTING_DEFAULT_REGION,
                                 routing=alerts.ROUTING_DEFAULTS)
        created.append("alert routing defaults")
    if await once(session, "alerts:demo"):
        for kind, plate, zh, en in _ALERTS:
            await alerts.raise_alert(session, data=AlertRaise(
                kind=kind, org_id=org_id, site_id=site_id, region_code="150623", ref=f"demo:{kind}", plate=plate,
                message_zh=zh, message_en=en))
        created.append(f"{len(_ALERTS)} alerts")
    if await once(session, "watchdog:demo"):
        an_hour_ago = clock.now() - timedelta(hours=1)
        with clock.use(lambda: an_hour_ago):  # its last heartbeat, as the device sent it then
            touched = await sites.touch_device(session, device_code=SILENT_CAMERA, org_id=org_id,
                                               status={"online": True, "note": "demo"})
        if touched:
            counts = await watchdog.sweep(session, settings=settings)
            created.append(f"watchdog: {counts.raised} device(s) silent")
    await session.commit()


def _png(width: int = 48, height: int = 32) -> bytes:
    """A small real PNG (an orange bar on grey) for the demo's disposal photo."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + b"".join(b"\xea\x58\x0c" if height // 3 <= y < 2 * height // 3 else b"\xd1\xd5\xdb"
                                       for _ in range(width)) for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


async def _raise(session: AsyncSession, *, kind: str, org_id: uuid.UUID, site_id: uuid.UUID | None, plate: str,
                 zh: str, en: str, at: datetime, driver_user_id: uuid.UUID | None = None) -> uuid.UUID:
    out = await alerts.raise_alert(session, at=at, data=AlertRaise(
        kind=kind, org_id=org_id, site_id=site_id, region_code="150623", ref=f"demo:{kind}:{plate}", plate=plate,
        message_zh=zh, message_en=en, driver_user_id=driver_user_id))
    return out.id


async def ensure_alert_states(session: AsyncSession, *, ctx: Context, org_ids: dict[str, uuid.UUID],
                              site_id: uuid.UUID, driver_phone: str, created: list[str]) -> None:
    """One alert in every state of the workflow, handled by the demo's people through the services:
    open and overdue, acknowledged, disposed awaiting the district's review, closed, and a GPS alert
    on the demo driver's truck with his appeal pending (the pages of issue 13, point 7, all show)."""
    if not await once(session, "alerts:demo-states"):
        return
    dispatcher = await principal(session, ctx, "13800000003")  # 赵调度, the mine's dispatcher
    district = await principal(session, ctx, "13800000007")  # 周监管(旗), the district's regulator
    driver = await principal(session, ctx, driver_phone)
    now = utcnow()
    mine = org_ids["mine"]
    late = await _raise(session, kind="weight_jump", org_id=mine, site_id=site_id, plate="蒙K7D011",
                        at=now - timedelta(hours=2), zh="2号磅 蒙K7D011：称重数据跳变，超过确认时限未确认",
                        en="Lane 2 蒙K7D011: weight jump, not acknowledged in time")
    # Escalated to the district and then the city when it was missed (each escalation moves its deadline on,
    # the city's is the last one), so it stays overdue now instead of the sweep pushing it on at start-up.
    for escalated, minutes_ago in ((0, 105), (1, 90)):
        await alerts.escalate_one(session, alert_id=late, escalation=escalated, status=AlertStatus.OPEN.value,
                                      now=now - timedelta(minutes=minutes_ago))
    taken = await _raise(session, kind="plate_mismatch", org_id=mine, site_id=site_id, plate="蒙K7D012",
                         at=now - timedelta(minutes=40), zh="1号磅 蒙K7D012：摄像机识别车牌与提煤单不符",
                         en="Lane 1 蒙K7D012: camera plate differs from the order")
    await alerts.acknowledge(session, actor=dispatcher, alert_id=taken)
    for plate, hours, closed in (("蒙K7D013", 3, False), ("蒙K7D014", 26, True)):
        alert_id = await _raise(session, kind="tare_out_of_range", org_id=mine, site_id=site_id, plate=plate,
                                at=now - timedelta(hours=hours), zh=f"1号磅 {plate}：皮重超出该车备案范围",
                                en=f"Lane 1 {plate}: tare outside the vehicle's recorded range")
        await alerts.acknowledge(session, actor=dispatcher, alert_id=alert_id)
        photo = await alerts.upload_file(session, ctx=ctx, actor=dispatcher, alert_id=alert_id, purpose="disposal",
                                         data=_png(), name="现场照片.png")
        await alerts.dispose(session, actor=dispatcher, alert_id=alert_id, data=Disposal(
            cause="车辆加装了挡板，皮重未重新备案", measures="已要求承运商重新备案皮重，本车次按复磅数据结算",
            file_ids=[photo.id]))
        if closed:
            await alerts.review(session, actor=district, alert_id=alert_id, data=Review(accept=True, reason="处置得当"))
    gps = await _raise(session, kind="gps_corridor_leave", org_id=org_ids["carrier"], site_id=None, plate=DEMO_GPS_PLATE,
                       at=now - timedelta(hours=1), driver_user_id=driver.user_id,
                       zh=f"{DEMO_GPS_PLATE} 偏离运输路线 2.4 公里", en=f"{DEMO_GPS_PLATE} left the route corridor by 2.4 km")
    start_s = int((now - timedelta(hours=1, minutes=10)).timestamp())
    track = [TrackPoint(at_s=start_s + i * 60, lon=107.48 + i * 0.004, lat=38.18 + i * 0.002) for i in range(20)]
    await alerts.appeal(session, actor=driver, alert_id=gps, data=AppealIn(
        note="前方道路施工封闭，按交警指挥绕行，手机轨迹可证明", track=track))
    created.append("5 alerts in every handling state (one with a driver's appeal)")
    await session.commit()
