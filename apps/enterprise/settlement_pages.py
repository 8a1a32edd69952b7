"""Pages of e-settlements (电子结算单): mine as seller or buyer, the issue form (a contract, a period,
the unsettled loads ticked, the figures prefilled from the platform's recomputation), and one
settlement with its figures beside the platform's, line by line, and the moves the viewer may make.

Pages only read; every change goes from the browser to the JSON API (apps/enterprise/settlements.py).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from litestar import Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from backend.domain.contracts import service as contracts
from backend.domain.contracts.service import china_today
from backend.domain.identity.schemas import Principal
from backend.domain.settlements import service as settlements
from backend.domain.settlements.schemas import SOURCE_LABELS, STATUS_LABELS, SettlementOut
from backend.errors import DomainError
from backend.http.deps import Db, Offset
from backend.http.pages import page_user, render

PAGE_SIZE = 20
BADGES = {"pending": "info", "confirmed": "ok", "superseded": "muted", "withdrawn": "muted"}
_SETTLEABLE = ("active", "expired", "completed")


def tonnes3(kg: int | None) -> str:
    return "—" if kg is None else f"{kg / 1000:,.3f}"


def yuan2(fen: int | None) -> str:
    return "—" if fen is None else f"{fen / 100:,.2f}"


def plain(value: int | None, scale: int, digits: int) -> str:
    """An input's value in people's unit, without thousands separators (forms.js scales it back)."""
    return "" if value is None else f"{value / scale:.{digits}f}"


def quality_text(q: dict[str, Any]) -> str:
    names = (
        ("qnetArKcalPerKg", "Qnet,ar {} kcal/kg"),
        ("mtPct", "Mt {}%"),
        ("adPct", "Ad {}%"),
        ("stDPct", "St,d {}%"),
        ("vdafPct", "Vdaf {}%"),
        ("madPct", "Mad {}%"),
    )
    return " · ".join(pattern.format(q[key]) for key, pattern in names if q.get(key) not in (None, "")) or "—"


FORMAT: dict[str, Any] = {
    "tonnes": tonnes3,
    "yuan": yuan2,
    "plain": plain,
    "quality_text": quality_text,
    "badges": BADGES,
    "status_labels": STATUS_LABELS,
    "source_labels": SOURCE_LABELS,
    "capitals": settlements.yuan_capitals,
}


def _staff(request: Request[Any, Any, Any]) -> Principal:
    return page_user(request, "enterprise", lambda me: me.is_staff)


@get("/settlements")
async def settlement_list(
    request: Request[Any, Any, Any],
    db: Db,
    status: FromQuery[str | None] = None,
    offset: FromQuery[Offset] = 0,
) -> Template | Redirect:
    me = _staff(request)
    status = status if status in STATUS_LABELS else None
    page = await settlements.list_settlements(db, actor=me, status=status, offset=offset, limit=PAGE_SIZE)
    return render(
        request,
        "enterprise/settlements.html",
        app="enterprise",
        page=page,
        status=status or "",
        offset=offset,
        limit=PAGE_SIZE,
        **FORMAT,
    )


def _period(raw_from: str | None, raw_to: str | None) -> tuple[date, date]:
    """The period asked for, else this month so far; out-of-range or reversed input falls back."""
    today = china_today()
    default = (today.replace(day=1), today)
    try:
        start = date.fromisoformat(raw_from) if raw_from else default[0]
        end = date.fromisoformat(raw_to) if raw_to else default[1]
    except ValueError:
        return default
    if not (date(2000, 1, 1) <= start <= end <= date(2099, 12, 31)) or end - start > timedelta(days=365):
        return default
    return start, end


@get("/settlements/new")
async def settlement_new(
    request: Request[Any, Any, Any],
    db: Db,
    contract: FromQuery[uuid.UUID | None] = None,
    period_from: FromQuery[str | None] = None,
    period_to: FromQuery[str | None] = None,
    of: FromQuery[uuid.UUID | None] = None,
) -> Template | Redirect:
    me = _staff(request)
    old: SettlementOut | None = None
    if of is not None:
        old = await settlements.get_settlement(db, actor=me, settlement_id=of)
        contract = old.contract_id
        if period_from is None and period_to is None:
            period_from, period_to = old.period_from.isoformat(), old.period_to.isoformat()
    start, end = _period(period_from, period_to)
    listing = await contracts.list_contracts(db, actor=me, limit=200)
    choices = [c for c in listing.items if c.status in _SETTLEABLE]
    preview = None
    if contract is not None:
        try:
            preview = await settlements.preview(
                db,
                actor=me,
                contract_id=contract,
                period_from=start,
                period_to=end,
                include=[x.ticket_no for x in old.lines] if old else (),
            )
        except DomainError:
            preview = None
    today = china_today()
    suggested = old.settlement_no if old else f"JS{today:%Y%m%d}{uuid.uuid4().hex[:4].upper()}"
    return render(
        request,
        "enterprise/settlement_new.html",
        app="enterprise",
        choices=choices,
        contract_id=str(contract or ""),
        period_from=start.isoformat(),
        period_to=end.isoformat(),
        preview=preview,
        old=old,
        suggested_no=suggested,
        today=today.isoformat(),
        **FORMAT,
    )


def _side_by_side(s: SettlementOut) -> list[dict[str, Any]]:
    rows = [
        ("stl.item.settled", s.settled_kg, s.computed_settled_kg, tonnes3, 0),
        ("stl.item.unitPrice", s.unit_price_fen_per_t, s.computed_unit_price_fen_per_t, yuan2, 0),
        ("stl.item.amount", s.amount_fen, s.computed_amount_fen, yuan2, max(1, s.load_count)),
        ("stl.item.tax", s.tax_fen, s.computed_tax_fen, yuan2, max(1, s.load_count)),
        ("stl.item.total", s.total_fen, s.computed_total_fen, yuan2, 2 * max(1, s.load_count)),
    ]
    return [
        {"key": key, "issued": fmt(a), "platform": fmt(b), "differs": b is not None and abs(a - b) > tol}
        for key, a, b, fmt, tol in rows
    ]


@get("/settlements/{settlement_id:uuid}")
async def settlement_page(
    request: Request[Any, Any, Any], db: Db, settlement_id: FromPath[uuid.UUID]
) -> Template | Redirect:
    me = _staff(request)
    s = await settlements.get_settlement(db, actor=me, settlement_id=settlement_id)
    mine = me.is_member(s.issued_by_org_id)
    return render(
        request,
        "enterprise/settlement.html",
        app="enterprise",
        s=s,
        side=_side_by_side(s),
        mine=mine,
        **FORMAT,
    )


ROUTES = [settlement_list, settlement_new, settlement_page]
