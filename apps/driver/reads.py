"""谁查看了我的信息: who looked at the driver's personal information (issue 12 §8).

    GET /api/driver/me/reads?offset=&limit=    the looks, newest first: organisation, role, when, what
    GET /driver/me/reads                        the same as a page

The viewer's personal name shows only for officials (drivers.reads.NAMED_ROLES says why).
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from apps.driver.pages import signed_in_driver
from backend.domain.drivers import service as drivers
from backend.domain.drivers.schemas import DriverReadPage
from backend.domain.identity.schemas import Role
from backend.http.auth import any_role
from backend.http.deps import Db, Limit, Me, Offset
from backend.http.pages import PAGE_ERRORS, render
from backend.http.stored import pager

PAGE_SIZE = 30


@get("/me/reads", summary="谁查看了我的信息: who looked at my personal information")
async def my_reads(me: Me, db: Db, offset: FromQuery[Offset] = 0, limit: FromQuery[Limit] = 50) -> DriverReadPage:
    return await drivers.reads_of_me(db, actor=me, offset=offset, limit=limit)


@get("/me/reads")
async def my_reads_page(request: Request[Any, Any, Any], db: Db, offset: FromQuery[Offset] = 0) -> Template | Redirect:
    me = signed_in_driver(request)
    page = await drivers.reads_of_me(db, actor=me, offset=offset, limit=PAGE_SIZE)
    return render(request, "driver/reads.html", app="driver", current="/driver/profile", page=page,
                  **pager(offset=offset, total=page.total, size=PAGE_SIZE))


router = Router(path="/api/driver", route_handlers=[my_reads], guards=[any_role(Role.DRIVER)],
                tags=["driver", "privacy"])
page_router = Router(path="/driver", include_in_schema=False, exception_handlers=PAGE_ERRORS,
                     route_handlers=[my_reads_page])
