"""The driver's freight page (运费发票, from 我的): the transport-invoice lines that bill the loads he
drove, each with its waybill, quantity and his load's share of the amount. Reads through
invoices.service, which shows a driver his own loads and nothing else."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get
from litestar.response import Redirect, Template

from apps.driver.pages import signed_in_driver
from backend.domain.invoices import service as invoices
from backend.http.deps import Db
from backend.http.pages import PAGE_ERRORS, render


@get("/freight")
async def my_freight(request: Request[Any, Any, Any], db: Db) -> Template | Redirect:
    me = signed_in_driver(request)
    rows = await invoices.driver_freight(db, actor=me, limit=100)
    return render(
        request,
        "driver/freight.html",
        app="driver",
        current="/driver/profile",
        rows=rows,
        yuan=lambda fen: f"{fen / 100:,.2f}",
        tonnes=lambda kg: f"{kg / 1000:,.3f}",
    )


router = Router(
    path="/driver", include_in_schema=False, exception_handlers=PAGE_ERRORS, route_handlers=[my_freight]
)
