"""The mine app's 告警: the alerts my organisations handle (a carrier's admin and dispatchers read the
GPS kinds about their trucks here too).

    GET /api/mine/alerts?grade=&state=&kind=&offset=&limit=   newest first
    GET /api/mine/alerts/{alert_id}                           one (404 when not mine)
"""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Router, get
from litestar.params import FromQuery, QueryParameter

from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertOut, AlertPage, AlertState, Grade
from backend.domain.identity.schemas import ALERT_AUDIENCE, SITE_STAFF
from backend.http.auth import any_role
from backend.http.deps import Db, Limit, Me, Offset

# "state" is a name Litestar reserves for the app state: the query key is mapped instead.
StateQuery = Annotated[AlertState | None, QueryParameter(query="state")]
Kind = Annotated[str | None, QueryParameter(max_length=32, pattern=r"^[a-z0-9_]+$")]


@get("/alerts", summary="My sites' alerts, newest first")
async def list_alerts(me: Me, db: Db, grade: FromQuery[Grade | None] = None, alert_state: StateQuery = None,
                      kind: Kind = None, offset: FromQuery[Offset] = 0, limit: FromQuery[Limit] = 50) -> AlertPage:
    return await alerts.my_alerts(db, actor=me, grade=grade, state=alert_state, kind=kind, offset=offset, limit=limit)


@get("/alerts/{alert_id:uuid}", summary="One of my alerts")
async def get_alert(me: Me, db: Db, alert_id: uuid.UUID) -> AlertOut:
    return await alerts.read_alert(db, actor=me, alert_id=alert_id)


router = Router(path="/api/mine", route_handlers=[list_alerts, get_alert], guards=[any_role(*(SITE_STAFF | ALERT_AUDIENCE))],
                tags=["alerts"])
