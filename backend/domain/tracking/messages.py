"""What each GPS event says, in Chinese and English (stored events, alerts, the waybill page)."""

from __future__ import annotations

from typing import Any

from geo.pipeline import model as m

# kind -> (zh, en) templates; {plate} {site} {zone} and the details' keys fill them.
_TEXT: dict[str, tuple[str, str]] = {
    m.SITE_ENTER: ("{plate} 进入场地 {site}", "{plate} entered site {site}"),
    m.SITE_EXIT: ("{plate} 驶离场地 {site}", "{plate} left site {site}"),
    m.EXIT_NOT_DESIGNATED: ("{plate} 未经指定出口驶离 {site}（电子围栏违规）",
                            "{plate} left {site} away from every designated exit (e-fence violation)"),
    m.CORRIDOR_LEAVE: ("{plate} 偏离运输路线走廊", "{plate} left its route corridor"),
    m.CORRIDOR_RETURN: ("{plate} 回到运输路线走廊", "{plate} returned to its route corridor"),
    m.LONG_STOP: ("{plate} 在非指定地点长时间停车", "{plate} stopped too long outside every known place"),
    m.SIGNAL_GAP: ("{plate} 定位信号中断（不在已知盲区内）", "{plate} went silent outside every known coverage hole"),
    m.SIGNAL_GAP_WITHDRAWN: ("{plate} 的信号中断已由补传数据填补，撤销", "{plate}'s signal gap was filled by a re-upload: withdrawn"),
    m.OVERSPEED: ("{plate} 超速行驶", "{plate} exceeded the speed limit"),
}


def text(kind: str, *, plate: str | None, site: str | None = None, details: dict[str, Any] | None = None) -> tuple[str, str]:
    zh, en = _TEXT.get(kind, (kind, kind))
    values = {"plate": plate or "车辆", "site": site or "", "zone": ""}
    zh, en = zh.format(**values), en.format(**{**values, "plate": plate or "vehicle"})
    details = details or {}
    if kind == m.OVERSPEED and "speed_kmh" in details:
        zh += f"，{float(details['speed_kmh']):.0f} km/h"
        en += f", {float(details['speed_kmh']):.0f} km/h"
    if kind in (m.SIGNAL_GAP, m.LONG_STOP):
        seconds = details.get("gap_s") or details.get("duration_s") or details.get("stopped_s")
        if isinstance(seconds, int | float):
            zh += f"，约 {seconds / 60:.0f} 分钟"
            en += f", about {seconds / 60:.0f} min"
    return zh, en
