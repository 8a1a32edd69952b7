"""What the GPS pages of the mine, regulator and driver apps share: a waybill's detail as the JSON the
page embeds (the same body as GET /api/{app}/waybills/{no}, so js/waybill.js draws at once and then
refreshes from the API), and the waybill statuses the lists filter by."""

from __future__ import annotations

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.identity.schemas import Principal
from backend.domain.parties.schemas import Standing
from backend.domain.waybills import service as waybills
from backend.domain.waybills.schemas import STATUS_LABELS, WaybillDetail
from backend.errors import NotFound

STATUSES = tuple(STATUS_LABELS)


def embed(detail: WaybillDetail) -> str:
    """JSON safe inside <script type="application/json"> (no "</" can close the element early)."""
    return msgspec.json.encode(detail).decode().replace("</", "<\\/")


async def waybill_json(session: AsyncSession, *, actor: Principal, reading_as: frozenset[Standing],
                       waybill_no: str) -> str:
    """The waybill if the reader may see it; NotFound (a 404 page) for missing and forbidden alike."""
    return embed(await waybills.get_waybill(session, actor=actor, reading_as=reading_as, waybill_no=waybill_no))


async def current_json(session: AsyncSession, *, actor: Principal) -> tuple[str, str] | None:
    """The driver's open waybill as (number, JSON), or None when there is none."""
    try:
        detail = await waybills.current_for_driver(session, actor=actor)
    except NotFound:
        return None
    return detail.waybill_no, embed(detail)
