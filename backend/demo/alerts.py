"""The demo's alerts: the platform's routing defaults as a settings row (so a city can be shown
overriding it), a few alerts of different grades at the demo mine, and the device watchdog at work
(the exit lane's plate camera stopped reporting an hour ago, found silent by the watchdog's own
sweep), each made once."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from backend import clock
from backend.demo.marks import once
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertRaise
from backend.domain.identity.schemas import Principal
from backend.domain.sites import service as sites
from backend.domain.watchdog import service as watchdog
from backend.settings import Settings

# A demo camera that reported once, an hour ago, and never since: the watchdog finds it silent.
SILENT_CAMERA = "DEMO-ANPR-02"

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
