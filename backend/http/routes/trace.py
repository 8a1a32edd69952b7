"""The trace (溯源) for every signed-in user: any document's number opens its chain.

    GET /api/trace?no=<contract, order, ticket, waybill, settlement, invoice or payment flow number>

Parties see their chains, regulators their region's; anything else is 404, like an unknown number.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Router, get
from litestar.params import QueryParameter

from backend.domain.reconcile import service as reconcile
from backend.domain.reconcile.schemas import TraceOut
from backend.http.auth import signed_in
from backend.http.deps import Db, Me

Number = Annotated[
    str, QueryParameter(name="no", min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$")
]


@get("/trace", summary="The whole chain of any document's number (溯源)")
async def trace(me: Me, db: Db, number: Number) -> TraceOut:
    return await reconcile.trace(db, actor=me, number=number)


router = Router(path="/api", route_handlers=[trace], guards=[signed_in], tags=["trace"])
