"""Alerts through the signed machine interface (issue 13 point 8): an enterprise's own system lists the
alerts its organisation handles and acknowledges and disposes them, with the same services, rules and
refusals as its people in the app; the timeline and the audit trail name the key ("接口 <key id>").
Organisation keys only (a device key is 403 `machine_device_key`); another organisation's alert is 404.

    GET  /open/v1/alerts?state=live|all&cursor=&limit=   the feed, oldest change first (docs/machine-interface.md)
    GET  /open/v1/alerts/{alert_id}                      one alert with its timeline, files and appeals
    POST /open/v1/alerts/{alert_id}/acknowledge          the system takes it
    PUT  /open/v1/alerts/{alert_id}/files?name=          a photo (JPEG/PNG) or PDF for the disposal: raw bytes, signed
    POST /open/v1/alerts/{alert_id}/dispose              {cause, measures, fileIds}: to the level above for review
    GET  /open/v1/alerts/{alert_id}/evidence.zip         the alert's evidence pack
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from litestar import Request, Response, Router, get, post, put
from litestar.di import Provide
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertDetail, AlertFeed, AlertOut, Disposal, FileOut
from backend.http.deps import Ctx, Db, Limit
from backend.http.signing import MachineActor, provide_machine, provide_machine_actor, signed_machine

Cursor = Annotated[str | None, QueryParameter(max_length=200, pattern=r"^[A-Za-z0-9_-]*$")]
Name = Annotated[str, QueryParameter(max_length=120, pattern=r"^[^\x00-\x1f\x7f/\\]*$")]
# "state" is a name Litestar reserves for the app state: the query key is mapped instead.
FeedState = Annotated[Literal["live", "all"], QueryParameter(query="state")]


@get("/alerts", summary="My organisation's alerts, oldest change first; pass back `cursor` for what changed since")
async def feed(caller: MachineActor, db: Db, cursor: Cursor = None, feed_state: FeedState = "live",
               limit: FromQuery[Limit] = 50) -> AlertFeed:
    return await alerts.org_feed(db, actor=caller, cursor=cursor, state=feed_state, limit=limit)


@get("/alerts/{alert_id:uuid}", summary="One alert with its timeline, files and appeals")
async def detail(caller: MachineActor, db: Db, alert_id: FromPath[uuid.UUID]) -> AlertDetail:
    return await alerts.detail(db, actor=caller, alert_id=alert_id)


@post("/alerts/{alert_id:uuid}/acknowledge", status_code=200, summary="Acknowledge: the system takes this alert")
async def acknowledge(caller: MachineActor, db: Db, alert_id: FromPath[uuid.UUID]) -> AlertOut:
    return await alerts.acknowledge(db, actor=caller, alert_id=alert_id)


@put("/alerts/{alert_id:uuid}/files", status_code=201,
     summary="A photo (JPEG/PNG) or PDF for the disposal: the raw bytes as the (signed) body, at most 10 MB")
async def upload_file(caller: MachineActor, db: Db, ctx: Ctx, alert_id: FromPath[uuid.UUID],
                      request: Request[Any, Any, Any], name: Name = "") -> FileOut:
    return await alerts.upload_file(db, ctx=ctx, actor=caller, alert_id=alert_id, purpose="disposal",
                                    data=await request.body(), name=name)


@post("/alerts/{alert_id:uuid}/dispose", status_code=200, summary="Dispose: the cause, the measures, the files")
async def dispose(caller: MachineActor, db: Db, alert_id: FromPath[uuid.UUID], data: JSONBody[Disposal]) -> AlertOut:
    return await alerts.dispose(db, actor=caller, alert_id=alert_id, data=data)


@get("/alerts/{alert_id:uuid}/evidence.zip", summary="The alert's evidence pack (zip with a SHA-256 manifest)",
     media_type="application/zip")
async def evidence_pack(caller: MachineActor, db: Db, ctx: Ctx, alert_id: FromPath[uuid.UUID]) -> Response[bytes]:
    pack = await alerts.build_pack(db, ctx=ctx, actor=caller, alert_id=alert_id)
    return Response(content=pack.data, media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{pack.filename}"', "X-Manifest-SHA256": pack.manifest_sha256})


router = Router(
    path="/open/v1", route_handlers=[feed, detail, acknowledge, upload_file, dispose, evidence_pack],
    tags=["open", "alerts"], guards=[signed_machine],
    dependencies={"machine": Provide(provide_machine), "caller": Provide(provide_machine_actor)},
)
