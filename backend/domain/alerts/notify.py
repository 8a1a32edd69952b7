"""Who hears of an alert, and when (issue 13, points 2, 3, 4 and 7).

Every notice goes through the notices outbox in the caller's transaction (in-app, Web Push, FCM,
SMS for red where the region's red channels hold it) and links to the alert's page, so a person
lands on it from the notice. The handling organisation hears through its dispatchers and admins;
the district's and the city's regulators hear when the alert's grade is routed to their level at
once, when it is escalated to them, and when a disposal or an appeal waits for their decision.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from backend.checks.regions import parent_code, region_level
from backend.domain.alerts import catalogue
from backend.domain.alerts.models import Alert
from backend.domain.alerts.schemas import GRADE_LABELS, Grade, Level
from backend.domain.identity import service as identity
from backend.domain.identity.schemas import ALERT_AUDIENCE, TRADE_ALERT_AUDIENCE
from backend.domain.notices import service as notices
from backend.domain.organisations import service as organisations


def level_codes(region_code: str, level: Level) -> list[str]:
    """The region codes whose regulators act at `level` for an alert raised in `region_code`: the district
    itself for DISTRICT (none when the alert's region is a city), its city for CITY."""
    kind = region_level(region_code)
    if level == Level.DISTRICT:
        return [region_code] if kind == "district" else []
    if level == Level.CITY:
        if kind == "district":
            city = parent_code(region_code)
            return [city] if city else []
        return [region_code] if kind == "city" else []
    return []


def url_for(alert: Alert, level: Level) -> str:
    """The page of the reader's app: the regulator's, the carrier's (enterprise app) for the kinds a
    carrier handles, else the mine app's."""
    if level != Level.ENTERPRISE:
        return f"/regulator/alerts/{alert.id}"
    kind = catalogue.KINDS.get(alert.kind)
    if kind is not None and kind.handler in (catalogue.Handler.CARRIER, catalogue.Handler.TRADE_PARTY):
        return f"/enterprise/alerts/{alert.id}"
    return f"/mine/alerts/{alert.id}"


async def handlers(session: AsyncSession, alert: Alert) -> list[uuid.UUID]:
    kind = catalogue.KINDS.get(alert.kind)
    trade = kind is not None and kind.handler == catalogue.Handler.TRADE_PARTY
    return await identity.member_ids(session, org_id=alert.org_id, roles=TRADE_ALERT_AUDIENCE if trade else ALERT_AUDIENCE)


async def regulators(session: AsyncSession, alert: Alert, level: Level) -> list[uuid.UUID]:
    codes = level_codes(alert.region_code, level)
    return await organisations.regulator_ids(session, region_codes=codes) if codes else []


async def send(session: AsyncSession, alert: Alert, *, users: list[uuid.UUID], level: Level, kind: str,
               title_zh: str, title_en: str, body_zh: str | None = None, body_en: str | None = None,
               sms: bool = False) -> int:
    """One notice per user, linking to the alert; returns how many were queued."""
    for user_id in users:
        await notices.enqueue(session, user_id=user_id, kind=kind, title_zh=title_zh, title_en=title_en,
                              body_zh=body_zh or alert.message_zh, body_en=body_en or alert.message_en,
                              data={"alertId": str(alert.id), "kind": alert.kind, "url": url_for(alert, level)},
                              sms=sms)
    return len(users)


def grade_title(grade: Grade) -> tuple[str, str]:
    zh, en = GRADE_LABELS[grade]
    return f"告警（{zh}）", f"Alert ({en})"


async def raised(session: AsyncSession, alert: Alert, *, audience: list[str], sms: bool) -> None:
    """A new alert reaches, at once, every level its grade is routed to in its region."""
    title_zh, title_en = grade_title(Grade(alert.grade))
    kind = f"alert_{alert.kind}"
    if alert.driver_user_id is not None:  # the driver of the truck it is about: he may appeal
        await notices.enqueue(session, user_id=alert.driver_user_id, kind=kind, title_zh=title_zh, title_en=title_en,
                              body_zh=alert.message_zh, body_en=alert.message_en,
                              data={"alertId": str(alert.id), "kind": alert.kind, "url": f"/driver/alerts/{alert.id}"})
    for level in (Level.ENTERPRISE, Level.DISTRICT, Level.CITY):
        if level.value not in audience:
            continue
        users = await handlers(session, alert) if level == Level.ENTERPRISE else await regulators(session, alert, level)
        await send(session, alert, users=users, level=level, kind=kind, title_zh=title_zh, title_en=title_en, sms=sms)


async def escalated(session: AsyncSession, alert: Alert, *, level: Level, missed: str, sms: bool) -> int:
    """The level an alert was escalated to hears why (the handler hears that it went up)."""
    what_zh, what_en = ("未在时限内确认", "was not acknowledged in time") if missed == "ack" else \
        ("未在时限内处置完毕", "was not closed in time")
    level_zh = "旗区" if level == Level.DISTRICT else "市"
    body_zh = f"{alert.message_zh}（{what_zh}，已升级至{level_zh}能源局）"
    body_en = f"{alert.message_en} ({what_en}; escalated to the {level.value} energy bureau)"
    count = await send(session, alert, users=await regulators(session, alert, level), level=level,
                       kind="alert_escalated", title_zh="告警升级", title_en="Alert escalated", body_zh=body_zh,
                       body_en=body_en, sms=sms)
    await send(session, alert, users=await handlers(session, alert), level=Level.ENTERPRISE, kind="alert_escalated",
               title_zh="告警已升级", title_en="Alert escalated", body_zh=body_zh, body_en=body_en)
    return count


def reviewing_level(region_code: str) -> Level:
    """The level above the handler, which reviews its disposals and decides appeals: the district, or
    the city for a city's own sites. Not the alert's reach: a red alert the city sees at once is still
    the district's to review (the city may, and hears when it escalates)."""
    return Level.DISTRICT if level_codes(region_code, Level.DISTRICT) else Level.CITY


async def review_due(session: AsyncSession, alert: Alert, *, level: Level, appeal: bool = False) -> None:
    title_zh, title_en = ("司机申诉待裁决", "A driver's appeal awaits a decision") if appeal else \
        ("告警处置待审核", "An alert's disposal awaits review")
    await send(session, alert, users=await regulators(session, alert, level), level=level,
               kind="alert_appeal_due" if appeal else "alert_review_due", title_zh=title_zh, title_en=title_en)


async def reviewed(session: AsyncSession, alert: Alert, *, accepted: bool, reason: str | None) -> None:
    if accepted:
        zh, en = "告警处置已通过审核，告警关闭。", "The disposal was accepted; the alert is closed."
    else:
        zh, en = f"告警处置被退回：{reason}。请重新处置。", f"The disposal was sent back: {reason}. Please handle it again."
    await send(session, alert, users=await handlers(session, alert), level=Level.ENTERPRISE, kind="alert_reviewed",
               title_zh="告警审核结果", title_en="Alert review", body_zh=zh, body_en=en)


async def appeal_decided(session: AsyncSession, alert: Alert, *, driver_user_id: uuid.UUID, upheld: bool,
                         reason: str) -> None:
    zh, en = (f"您的申诉已被采纳：{reason}", f"Your appeal was upheld: {reason}") if upheld else \
        (f"您的申诉未被采纳：{reason}", f"Your appeal was dismissed: {reason}")
    await notices.enqueue(session, user_id=driver_user_id, kind="alert_appeal_decided", title_zh="申诉结果",
                          title_en="Appeal decided", body_zh=zh, body_en=en,
                          data={"alertId": str(alert.id), "url": f"/driver/alerts/{alert.id}"})
