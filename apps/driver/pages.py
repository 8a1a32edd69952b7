"""HTML pages of the driver app: login, real-name registration, my profile and vehicles."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get
from litestar.response import Redirect, Template

from backend.checks.errors import CheckFailed
from backend.checks.plate import PLATE_COLOURS
from backend.checks.vehicle import ENERGY_TYPES, VEHICLE_BODIES, legal_gross_kg
from backend.domain.drivers import service as drivers
from backend.domain.regions import service as regions
from backend.domain.vehicles import service as vehicles
from backend.http.deps import Ctx, Db
from backend.http.pages import PAGE_ERRORS, login_page, login_redirect, no_access, principal, render

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
    me = principal(request)
    if me is None:
        return login_redirect(request, "driver")
    if me.driver_id is None:
        return no_access(request, "driver")
    driver = await drivers.get_me(db, ctx=ctx, actor=me)
    cars = await vehicles.list_for_driver(db, actor=me)
    return render(request, "driver/profile.html", app="driver", driver=driver, vehicles=cars,
                  region_label=regions.region_name(driver.region_code), **vehicle_choices())


router = Router(path="/driver", route_handlers=[home, login, register, profile], include_in_schema=False,
                exception_handlers=PAGE_ERRORS)
