"""The regulator's alert board: the alerts of my regions from the grade my level sees (by routing).

    GET /api/regulator/alerts?district=&grade=&state=&kind=&offset=&limit=   newest first
    GET /api/regulator/alerts/{alert_id}                                      one (404 when not visible)
    GET /api/regulator/alert-figures?from=&to=                               handling figures per enterprise
    GET /api/regulator/alert-routing/{region_code}                            the settings that apply there
    PUT /api/regulator/alert-routing/{region_code}                            set them (city regulators, platform)
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from litestar import Router, get, put
from litestar.params import FromQuery, JSONBody, PathParameter, QueryParameter

from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import (
    AlertFigures,
    AlertOut,
    AlertPage,
    AlertState,
    Grade,
    Routing,
    RoutingOut,
)
from backend.domain.identity.schemas import Role
from backend.http.auth import any_role
from backend.http.deps import Db, Limit, Me, Offset

# "state" is a name Litestar reserves for the app state: the query key is mapped instead.
StateQuery = Annotated[AlertState | None, QueryParameter(query="state")]
Kind = Annotated[str | None, QueryParameter(max_length=32, pattern=r"^[a-z0-9_]+$")]
District = Annotated[str | None, QueryParameter(pattern=r"^\d{6}$")]


@get("/alerts", summary="My regions' alerts, newest first")
async def list_alerts(me: Me, db: Db, district: District = None, grade: FromQuery[Grade | None] = None,
                      alert_state: StateQuery = None, kind: Kind = None, offset: FromQuery[Offset] = 0,
                      limit: FromQuery[Limit] = 50) -> AlertPage:
    return await alerts.region_alerts(db, actor=me, district=district, grade=grade, state=alert_state, kind=kind,
                                      offset=offset, limit=limit)


@get("/alerts/{alert_id:uuid}", summary="One alert of my regions")
async def get_alert(me: Me, db: Db, alert_id: uuid.UUID) -> AlertOut:
    return await alerts.read_alert(db, actor=me, alert_id=alert_id)


# "from" is a Python keyword: the query keys are mapped.
FromDate = Annotated[date | None, QueryParameter(query="from")]
ToDate = Annotated[date | None, QueryParameter(query="to")]


@get("/alert-figures", summary="Handling figures per enterprise: times to acknowledge and close, shares in time")
async def figures(me: Me, db: Db, from_date: FromDate = None, to_date: ToDate = None) -> AlertFigures:
    return await alerts.handling_figures(db, actor=me, from_date=from_date, to_date=to_date)


RegionCode = Annotated[str, PathParameter(pattern=r"^\d{6}$")]


@get("/alert-routing/{region_code:str}", summary="The alert routing that applies in a region (own, its city's or the default)")
async def get_routing(me: Me, db: Db, region_code: RegionCode) -> RoutingOut:
    return await alerts.routing_of(db, actor=me, region_code=region_code)


@put("/alert-routing/{region_code:str}", summary="Set a region's alert routing (\"000000\": the platform default)")
async def set_routing(me: Me, db: Db, region_code: RegionCode, data: JSONBody[Routing]) -> RoutingOut:
    return await alerts.set_routing(db, actor=me, region_code=region_code, routing=data)


router = Router(path="/api/regulator", route_handlers=[list_alerts, get_alert, figures, get_routing, set_routing],
                guards=[any_role(Role.REGULATOR)],
                tags=["alerts"])
