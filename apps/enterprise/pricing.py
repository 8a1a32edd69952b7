"""JSON API of a contract's quality-price terms (质价条款).

GET  /api/enterprise/contracts/{contract_id}/price-terms        every version, newest first
POST /api/enterprise/contracts/{contract_id}/price-terms        a new version (a party's enterprise_admin or sales)
POST /api/enterprise/contracts/{contract_id}/price-terms/quote  {Quality}: the price under today's terms
"""

from __future__ import annotations

import uuid

from litestar import Router, get, post
from litestar.params import FromPath, JSONBody

from backend.domain.pricing import service as pricing
from backend.domain.pricing.schemas import PricedLoad, Quality, TermsIn, TermsOut
from backend.http.auth import signed_in
from backend.http.deps import Db, Me


@get(
    "/contracts/{contract_id:uuid}/price-terms",
    summary="The contract's price terms, every version, newest first",
)
async def list_terms(contract_id: FromPath[uuid.UUID], me: Me, db: Db) -> list[TermsOut]:
    return await pricing.list_terms(db, actor=me, contract_id=contract_id)


@post(
    "/contracts/{contract_id:uuid}/price-terms",
    status_code=201,
    summary="A new version of the contract's price terms (never an overwrite)",
)
async def add_terms(contract_id: FromPath[uuid.UUID], data: JSONBody[TermsIn], me: Me, db: Db) -> TermsOut:
    return await pricing.add_terms(db, actor=me, contract_id=contract_id, data=data)


@post(
    "/contracts/{contract_id:uuid}/price-terms/quote",
    status_code=200,
    summary="The price of a quality under the terms in force today",
)
async def quote(contract_id: FromPath[uuid.UUID], data: JSONBody[Quality], me: Me, db: Db) -> PricedLoad:
    return await pricing.quote(db, actor=me, contract_id=contract_id, quality=data)


router = Router(
    path="/api/enterprise",
    route_handlers=[list_terms, add_terms, quote],
    guards=[signed_in],
    tags=["enterprise", "pricing"],
)
