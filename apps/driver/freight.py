"""The freight billed for my loads (运费发票).

GET /api/driver/freight   the invoice lines that bill waybills I drove: invoice no, date, waybill, quantity, amount
"""

from __future__ import annotations

from litestar import Router, get
from litestar.params import FromQuery

from backend.domain.invoices import service as invoices
from backend.domain.invoices.schemas import FreightOut
from backend.http.auth import signed_in
from backend.http.deps import Db, Limit, Me, Offset


@get("/freight", summary="Freight invoiced for my loads")
async def freight(
    me: Me, db: Db, offset: FromQuery[Offset] = 0, limit: FromQuery[Limit] = 50
) -> list[FreightOut]:
    return await invoices.driver_freight(db, actor=me, offset=offset, limit=limit)


router = Router(path="/api/driver", route_handlers=[freight], guards=[signed_in], tags=["driver", "invoices"])
