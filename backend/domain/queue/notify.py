"""What the driver is told when his entry moves: through the notices outbox, in the same
transaction as the move. A call and a drop also go by SMS: a missed call costs him the load."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.contracts.schemas import PRODUCT_LABELS
from backend.domain.notices import service as notices
from backend.domain.queue import rules
from backend.domain.queue.models import QueueEntry


def _data(entry: QueueEntry) -> dict[str, str]:
    return {"orderId": str(entry.order_id), "orderNo": entry.order_no, "siteId": str(entry.site_id),
            "line": entry.line, "url": f"/driver/orders/{entry.order_id}"}


def _line(entry: QueueEntry) -> tuple[str, str]:
    return PRODUCT_LABELS.get(entry.line, (entry.line, entry.line))


async def called(session: AsyncSession, entry: QueueEntry, *, site_name: str) -> None:
    assert entry.call_deadline_at is not None
    by = rules.clock_text(entry.call_deadline_at)
    zh_line, en_line = _line(entry)
    await notices.enqueue(
        session, user_id=entry.driver_user_id, kind="queue_called", title_zh="叫号：请立即进场",
        title_en="Your turn: drive in now",
        body_zh=f"{site_name}叫号：{entry.plate}（{zh_line}，提煤单 {entry.order_no}）请于 {by} 前到达闸口，"
                "逾时将排到队尾。",
        body_en=f"{site_name} is calling {entry.plate} ({en_line}, order {entry.order_no}): reach the gate by "
                f"{by} Beijing time, or the truck goes to the end of the queue.",
        data={**_data(entry), "callDeadlineAt": entry.call_deadline_at.isoformat()}, sms=True,
    )


async def requeued(session: AsyncSession, entry: QueueEntry, *, site_name: str, skipped: bool) -> None:
    why_zh, why_en = ("调度已将您移到队尾", "The dispatcher moved you to the end of the queue") if skipped else (
        "您未在规定时间内到达闸口，已排到队尾", "You did not reach the gate in time and are now at the end of the queue")
    await notices.enqueue(
        session, user_id=entry.driver_user_id, kind="queue_requeued", title_zh="已排到队尾",
        title_en="Moved to the end of the queue",
        body_zh=f"{site_name}：{entry.plate}（提煤单 {entry.order_no}）{why_zh}。再次误叫将被移出队列。",
        body_en=f"{site_name}: {entry.plate} (order {entry.order_no}). {why_en}. "
                "Missing another call drops the truck from the queue.",
        data=_data(entry),
    )


async def dropped(session: AsyncSession, entry: QueueEntry, *, site_name: str) -> None:
    await notices.enqueue(
        session, user_id=entry.driver_user_id, kind="queue_dropped", title_zh="已移出排队",
        title_en="Dropped from the queue",
        body_zh=f"{site_name}：{entry.plate}（提煤单 {entry.order_no}）两次叫号未到，已移出排队。"
                "如仍要装车，请回到签到区重新签到。",
        body_en=f"{site_name}: {entry.plate} (order {entry.order_no}) missed two calls and was dropped from "
                "the queue. To load, return to the check-in zone and check in again.",
        data=_data(entry), sms=True,
    )
