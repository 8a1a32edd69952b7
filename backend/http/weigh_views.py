"""What every page showing an e-weigh ticket needs: its QR and verify address, the product labels,
and local times for the ISO strings a ticket's anomalies carry; "today" as the coal regions count it."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from markupsafe import Markup

from backend import clock
from backend.context import Context
from backend.domain.contracts.schemas import PRODUCT_LABELS
from backend.domain.weighing import service as weighing
from backend.domain.weighing.schemas import TicketOut
from backend.http.pages import LOCAL_TZ, local_time


def iso_time(value: str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if not value:
        return ""
    try:
        return local_time(datetime.fromisoformat(value), fmt)
    except ValueError:
        return value


def today_start() -> datetime:
    """Local midnight (Asia/Shanghai) in UTC: where "today's" tickets and refusals begin."""
    midnight = datetime.combine(clock.today_china(), time(), tzinfo=LOCAL_TZ)
    return midnight.astimezone(UTC)


def ticket_context(ctx: Context, ticket: TicketOut) -> dict[str, Any]:
    """The ticket, its QR (the SVG is ours, drawn from our own URL: safe to inline) and the address
    it encodes, for the ticket templates."""
    svg = weighing.ticket_qr_svg(ctx, ticket)
    svg = svg[svg.index("<svg"):].replace("<svg ", '<svg role="img" shape-rendering="crispEdges" ', 1)
    return {
        "ticket": ticket, "products": PRODUCT_LABELS, "iso_time": iso_time,
        "qr_svg": Markup(svg),
        "verify_link": ctx.settings.public_url.rstrip("/") + ticket.verify_url,
    }
