"""Pages of pickup orders (提煤单) in the enterprise app: the orders of my organisations grouped by
status — 待派车 with an inline dispatch form for the named carrier's admin and dispatchers, 已派车 (改派
until the truck enters), 已入场, closed — and one order with its history.

Buyers (and sellers, who dispatch on the mine's board) read the same pages. Pages only read; dispatch
goes from the browser to the JSON API (apps/enterprise/orders.py), whose refusals {code, message_zh,
message_en, field} the form shows at the field.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from litestar import Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from backend.db.base import utcnow
from backend.domain.identity.schemas import CARRIER_DISPATCHERS, SITE_STAFF, Principal
from backend.domain.orders import service as orders
from backend.domain.orders.schemas import OPEN_STATUSES, STATUS_LABELS, DispatchChoices, OrderOut, OrderStatus
from backend.http.deps import Ctx, Db, Search
from backend.http.pages import page_user, render

OPEN_SHOWN = 200
CLOSED_SHOWN = 20

def _staff(request: Request[Any, Any, Any]) -> Principal:
    """The signed-in staff member; anyone else gets the login or no-access page (page_user)."""
    return page_user(request, "enterprise", lambda me: me.is_staff)


def _dispatchable(me: Principal, o: OrderOut, now: datetime) -> bool:
    """The viewer dispatches this order here: its named carrier's admin or dispatcher, while it may move
    (the API decides again on every request)."""
    return (o.carrier_org_id is not None and me.is_member(o.carrier_org_id, CARRIER_DISPATCHERS)
            and o.can_dispatch and o.valid_until > now)


async def _choices(db: Db, ctx: Ctx, me: Principal, items: list[OrderOut]) -> dict[str, DispatchChoices]:
    """The fleets behind the forms on the page (one per carrier, usually the viewer's only one)."""
    carriers = {o.carrier_org_id for o in items if o.carrier_org_id}
    return {str(c): await orders.dispatch_choices(db, ctx=ctx, actor=me, carrier_org_id=c)
            for c in sorted(carriers, key=str)}


def _context(me: Principal, items: list[OrderOut]) -> dict[str, Any]:
    """What the order cards need besides the orders: who may do what, and the labels."""
    now = utcnow()
    return {
        "dispatch_ids": {o.id for o in items if _dispatchable(me, o, now)},
        "seller_ids": me.org_ids(SITE_STAFF), "my_orgs": me.org_ids(), "now": now,
        "status_labels": STATUS_LABELS,
    }


@get("/orders")
async def order_list(
    request: Request[Any, Any, Any], db: Db, ctx: Ctx, status: FromQuery[str | None] = None, q: Search = None,
    dispatched: FromQuery[str | None] = None,
) -> Template | Redirect:
    me = _staff(request)
    status = status if status in STATUS_LABELS else None
    term = " ".join((q or "").split()) or None
    if status:
        page = await orders.list_orders(db, actor=me, status=status, q=term, limit=OPEN_SHOWN)
        groups = [(status if status in OPEN_STATUSES else "closed", page.items)]
        total, shown, found = page.total, len(page.items), page.total
    else:
        current = await orders.list_orders(db, actor=me, open_only=True, q=term, limit=OPEN_SHOWN)
        closed = await orders.list_orders(db, actor=me, closed_only=True, q=term, limit=CLOSED_SHOWN)
        groups = [(s, [o for o in current.items if o.status == s]) for s in OPEN_STATUSES]
        groups.append(("closed", closed.items))
        total, shown, found = current.total, len(current.items), current.total + closed.total
    items = [o for _, group in groups for o in group]
    context = _context(me, items)
    # The flash after a dispatch names an order on this page only (never text from the address bar).
    done = next((o for o in items if dispatched and o.order_no == dispatched and o.status == OrderStatus.DISPATCHED), None)
    return render(
        request, "enterprise/orders.html", app="enterprise", groups=groups, total=total, shown=shown, found=found,
        status=status or "", q=term or "", done=done, filtered=bool(status or term), closed_shown=CLOSED_SHOWN,
        carrier_view=any(m.org_kind == "carrier" and m.role in CARRIER_DISPATCHERS for m in me.memberships),
        choices=await _choices(db, ctx, me, [o for o in items if o.id in context["dispatch_ids"]]),
        carrier_names={str(o.carrier_org_id): o.carrier_name for o in items if o.carrier_org_id},
        status_options=list(STATUS_LABELS.items()), **context,
    )


@get("/orders/{order_id:uuid}")
async def order_page(request: Request[Any, Any, Any], db: Db, ctx: Ctx,
                     order_id: FromPath[uuid.UUID]) -> Template | Redirect:
    me = _staff(request)
    detail = await orders.get_order(db, actor=me, order_id=order_id)
    o = detail.order
    context = _context(me, [o])
    return render(
        request, "enterprise/order.html", app="enterprise", o=o, transitions=detail.transitions,
        choices=await _choices(db, ctx, me, [o] if o.id in context["dispatch_ids"] else []),
        # The contract page opens for its parties only (a carrier is none).
        contract_link=me.is_platform_admin or me.is_member(o.seller_org_id) or me.is_member(o.buyer_org_id),
        current="/enterprise/orders",  # the 提煤单 tab stays lit on an order's page
        **context,
    )


ROUTES = [order_list, order_page]
