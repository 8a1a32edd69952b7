"""Handling an alert, for everyone who may (issue 13, point 3): the handler's dispatchers and admins,
the regulators who review, the driver who appeals. Who may do what is the service's (alerts/access.py);
an alert the caller may not read is 404 here as in every list.

    GET  /api/alerts/{id}                                the alert, its timeline, files, appeals, what I may do
    POST /api/alerts/{id}/acknowledge                    a named person takes it
    PUT  /api/alerts/{id}/files?purpose=&name=           a photo or PDF (raw bytes, ≤ 10 MB) for a disposal or appeal
    GET  /api/alerts/{id}/files/{file_id}                a file's bytes
    POST /api/alerts/{id}/dispose                        {cause, measures, fileIds}: to the level above for review
    POST /api/alerts/{id}/review                         {accept, reason}: closed, or back to the handler
    POST /api/alerts/{id}/appeals                        the driver's {note, track, fileIds}
    POST /api/alerts/{id}/appeals/{appeal_id}/decision   {uphold, reason}: the regulator decides
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from litestar import Request, Router, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import File

from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import (
    AlertDetail,
    AlertOut,
    AppealDecision,
    AppealIn,
    Disposal,
    FileOut,
    Review,
)
from backend.http.auth import signed_in
from backend.http.deps import Ctx, Db, Me
from backend.http.stored import stored_file

Name = Annotated[str, QueryParameter(max_length=120, pattern=r"^[^\x00-\x1f\x7f/\\]*$")]


@get("/alerts/{alert_id:uuid}", summary="One alert with its timeline, files and appeals")
async def alert_detail(me: Me, db: Db, alert_id: FromPath[uuid.UUID]) -> AlertDetail:
    return await alerts.detail(db, actor=me, alert_id=alert_id)


@post("/alerts/{alert_id:uuid}/acknowledge", status_code=200, summary="Acknowledge: I take this alert")
async def acknowledge(me: Me, db: Db, alert_id: FromPath[uuid.UUID]) -> AlertOut:
    return await alerts.acknowledge(db, actor=me, alert_id=alert_id)


@put("/alerts/{alert_id:uuid}/files", status_code=201,
     summary="A photo (JPEG/PNG) or PDF for a disposal or an appeal: the raw bytes as the body, at most 10 MB")
async def upload_file(me: Me, db: Db, ctx: Ctx, alert_id: FromPath[uuid.UUID], request: Request[Any, Any, Any],
                      purpose: FromQuery[Literal["disposal", "appeal"]] = "disposal", name: Name = "") -> FileOut:
    return await alerts.upload_file(db, ctx=ctx, actor=me, alert_id=alert_id, purpose=purpose,
                                    data=await request.body(), name=name)


@get("/alerts/{alert_id:uuid}/files/{file_id:uuid}", summary="An attachment's bytes")
async def alert_file(me: Me, db: Db, ctx: Ctx, alert_id: FromPath[uuid.UUID], file_id: FromPath[uuid.UUID]) -> File:
    path, row = await alerts.file_of(db, ctx=ctx, actor=me, alert_id=alert_id, file_id=file_id)
    return stored_file(path, media_type=row.media_type, sha256=row.sha256)


@post("/alerts/{alert_id:uuid}/dispose", status_code=200, summary="Dispose: the cause, the measures, the files")
async def dispose(me: Me, db: Db, alert_id: FromPath[uuid.UUID], data: JSONBody[Disposal]) -> AlertOut:
    return await alerts.dispose(db, actor=me, alert_id=alert_id, data=data)


@post("/alerts/{alert_id:uuid}/review", status_code=200, summary="Review a disposal: accept (closed) or reject")
async def review(me: Me, db: Db, alert_id: FromPath[uuid.UUID], data: JSONBody[Review]) -> AlertOut:
    return await alerts.review(db, actor=me, alert_id=alert_id, data=data)


@post("/alerts/{alert_id:uuid}/appeals", status_code=201, summary="A driver appeals a GPS alert about his truck")
async def appeal(me: Me, db: Db, alert_id: FromPath[uuid.UUID], data: JSONBody[AppealIn]) -> AlertDetail:
    return await alerts.appeal(db, actor=me, alert_id=alert_id, data=data)


@post("/alerts/{alert_id:uuid}/appeals/{appeal_id:uuid}/decision", status_code=200,
      summary="A regulator upholds (the alert closes) or dismisses a driver's appeal")
async def decide_appeal(me: Me, db: Db, alert_id: FromPath[uuid.UUID], appeal_id: FromPath[uuid.UUID],
                        data: JSONBody[AppealDecision]) -> AlertDetail:
    return await alerts.decide_appeal(db, actor=me, alert_id=alert_id, appeal_id=appeal_id, data=data)


router = Router(path="/api", route_handlers=[alert_detail, acknowledge, upload_file, alert_file, dispose, review,
                                             appeal, decide_appeal], guards=[signed_in], tags=["alerts"])
