"""HTML pages of the driver app: login, real-name registration, my profile and vehicles, my pickup
orders (check-in, live queue card) and the one-code pass (works offline once opened)."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from litestar import Request, Router, get
from litestar.params import FromPath
from litestar.response import Redirect, Template

from backend.checks.errors import CheckFailed
from backend.checks.plate import PLATE_COLOURS
from backend.checks.vehicle import ENERGY_TYPES, VEHICLE_BODIES, legal_gross_kg
from backend.domain.drivers import service as drivers
from backend.domain.identity.schemas import ROLE_LABELS, Principal
from backend.domain.invitations import service as invitations
from backend.domain.orders import service as orders
from backend.domain.orders.schemas import OPEN_STATUSES, STATUS_LABELS, OrderDetail, OrderStatus
from backend.domain.organisations.schemas import ORG_KIND_LABELS
from backend.domain.regions import service as regions
from backend.domain.weighing import service as weighing
from backend.http.deps import Ctx, Db
from backend.http.pages import (
    PAGE_ERRORS,
    login_page,
    page_user,
    principal,
    render,
)

# Heavy goods vehicles carry yellow plates, or yellow-green when new-energy; blue and green are the
# small-vehicle colours a driver may still own.
DRIVER_PLATE_COLOURS = ("yellow", "yellow_green", "blue", "green")
# Ordos and Wuhai: the regions the platform serves first.
SERVED_CITIES = ("150600", "150300")


def gross_table() -> dict[str, dict[int, int]]:
    """GB 1589 legal gross mass by body and axle count, for the live figure in the vehicle form."""
    table: dict[str, dict[int, int]] = {}
    for body in VEHICLE_BODIES:
        for axles in range(2, 7):
            try:
                table.setdefault(body, {})[axles] = legal_gross_kg(axle_count=axles, body=body)
            except CheckFailed:
                continue
    return table


def vehicle_choices() -> dict[str, Any]:
    return {
        "colours": [(c, PLATE_COLOURS[c]) for c in DRIVER_PLATE_COLOURS],
        "bodies": list(VEHICLE_BODIES.items()),
        "energies": list(ENERGY_TYPES.items()),
        "gross": gross_table(),
    }


@get("/")
async def home() -> Redirect:
    return Redirect("/driver/profile", status_code=302)


@get("/login")
async def login(request: Request[Any, Any, Any]) -> Template | Redirect:
    me = principal(request)
    return login_page(request, "driver", allowed=me is not None and me.driver_id is not None, sms=True)


@get("/register")
async def register(request: Request[Any, Any, Any], db: Db) -> Template | Redirect:
    me = principal(request)
    if me is not None and me.driver_id is not None:
        return Redirect("/driver/profile", status_code=302)
    cities = []
    for code in SERVED_CITIES:
        name = regions.region_name(code)
        cities.append((name, await regions.list_regions(db, parent_code=code)))
    return render(request, "driver/register.html", app="driver", cities=cities, **vehicle_choices())


@get("/profile")
async def profile(request: Request[Any, Any, Any], db: Db, ctx: Ctx) -> Template | Redirect:
    me = signed_in_driver(request)
    driver = await drivers.get_me(db, ctx=ctx, actor=me)
    cars = await drivers.own_vehicles(db, actor=me)
    return render(request, "driver/profile.html", app="driver", driver=driver, vehicles=cars,
                  invitations=await invitations.mine(db, actor=me), role_labels=ROLE_LABELS, org_kinds=ORG_KIND_LABELS,
                  region_label=regions.region_name(driver.region_code), **vehicle_choices())


def signed_in_driver(request: Request[Any, Any, Any]) -> Principal:
    """The signed-in driver; anyone else gets the login or no-access page (page_user)."""
    return page_user(request, "driver", lambda me: me.driver_id is not None)


async def _my_order(db: Db, me: Principal, order_id: uuid.UUID) -> OrderDetail:
    """The order if the caller drives it; anyone else's (even one his company may read) is not found."""
    detail = await orders.get_order(db, actor=me, order_id=order_id)
    if detail.order.driver_id is None or detail.order.driver_id != me.driver_id:
        raise orders.order_not_found()
    return detail


@get("/orders")
async def my_orders(request: Request[Any, Any, Any], db: Db) -> Template | Redirect:
    me = signed_in_driver(request)
    current = await orders.list_orders(db, actor=me, mine_only=True, open_only=True, limit=50)
    recent = await orders.list_orders(db, actor=me, mine_only=True, limit=20)
    closed = [o for o in recent.items if o.status not in OPEN_STATUSES][:5]
    return render(request, "driver/orders.html", app="driver", orders=current.items, closed=closed)


@get("/orders/{order_id:uuid}")
async def order_page(request: Request[Any, Any, Any], db: Db, ctx: Ctx,
                     order_id: FromPath[uuid.UUID]) -> Template | Redirect:
    me = signed_in_driver(request)
    detail = await _my_order(db, me, order_id)
    card = await orders.queue_card(db, ctx=ctx, actor=me, order_id=order_id)
    # The card as the API gives it, for order.js to start from without a second request.
    card_json = msgspec.json.encode(card).decode().replace("</", "<\\/") if card else None
    tickets = await weighing.order_tickets(db, actor=me, order_id=order_id) if detail.order.status == OrderStatus.COMPLETED else []
    return render(request, "driver/order.html", app="driver", order=detail.order, transitions=detail.transitions,
                  status_labels=STATUS_LABELS, card=card, card_json=card_json, tickets=tickets)


@get("/queue/{order_id:uuid}")
async def queue_link(order_id: FromPath[uuid.UUID]) -> Redirect:
    """The address queue notices carry (a call, a skip): the order's page holds the live card."""
    return Redirect(f"/driver/orders/{order_id}", status_code=302)


@get("/orders/{order_id:uuid}/pass")
async def pass_page(request: Request[Any, Any, Any], db: Db, order_id: FromPath[uuid.UUID]) -> Template | Redirect:
    """The page only: pass.js fetches the token and secret (and keeps them on the phone for offline use)."""
    me = signed_in_driver(request)
    detail = await _my_order(db, me, order_id)
    return render(request, "driver/pass.html", app="driver", order=detail.order, nav=[])


router = Router(path="/driver", include_in_schema=False, exception_handlers=PAGE_ERRORS,
                route_handlers=[home, login, register, profile, my_orders, order_page, queue_link, pass_page])
