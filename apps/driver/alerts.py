"""The driver app's alerts: those about the trucks I drove on a waybill (I may appeal a GPS one).

    GET /api/driver/alerts?offset=&limit=   newest first (the alert itself: GET /api/alerts/{id})
"""

from __future__ import annotations

from litestar import Router, get
from litestar.params import FromQuery

from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertPage
from backend.domain.identity.schemas import Role
from backend.http.auth import any_role
from backend.http.deps import Db, Limit, Me, Offset


@get("/alerts", summary="Alerts about my trucks, newest first")
async def my_alerts(me: Me, db: Db, offset: FromQuery[Offset] = 0, limit: FromQuery[Limit] = 50) -> AlertPage:
    return await alerts.driver_alerts(db, actor=me, offset=offset, limit=limit)


router = Router(path="/api/driver", route_handlers=[my_alerts], guards=[any_role(Role.DRIVER)], tags=["alerts"])
