"""The auditors' view of reads of personal information (issue 12 §8): platform admins see every
recorded read, a regulator those of people registered in his region. Filters: whose data (subject),
who read (actor), from/until; paginated.

    GET /api/regulator/personal-reads?subject_user_id=&actor_user_id=&since=&until=&offset=&limit=
    GET /regulator/personal-reads       the same as a page
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from litestar import Request, Router, get
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from apps.regulator.pages import signed_in_regulator
from backend.domain.audit.schemas import PERSONAL_FIELDS, READ_CHANNELS
from backend.domain.drivers import service as drivers
from backend.domain.drivers.schemas import PersonalReadViews
from backend.domain.identity.schemas import ROLE_LABELS, Role
from backend.http.auth import any_role
from backend.http.deps import Db, Limit, Me, Offset
from backend.http.pages import PAGE_ERRORS, render
from backend.http.stored import pager

PAGE_SIZE = 50


@get("/personal-reads", summary="Audited reads of personal information (auditors)")
async def personal_reads(
    me: Me, db: Db, subject_user_id: FromQuery[uuid.UUID | None] = None, actor_user_id: FromQuery[uuid.UUID | None] = None,
    since: FromQuery[datetime | None] = None, until: FromQuery[datetime | None] = None,
    offset: FromQuery[Offset] = 0, limit: FromQuery[Limit] = 50,
) -> PersonalReadViews:
    return await drivers.personal_reads(db, actor=me, subject_user_id=subject_user_id, actor_user_id=actor_user_id,
                                        since=since, until=until, offset=offset, limit=limit)


@get("/personal-reads")
async def personal_reads_page(
    request: Request[Any, Any, Any], db: Db, subject_user_id: FromQuery[uuid.UUID | None] = None,
    actor_user_id: FromQuery[uuid.UUID | None] = None, offset: FromQuery[Offset] = 0,
) -> Template | Redirect:
    me = signed_in_regulator(request)
    page = await drivers.personal_reads(db, actor=me, subject_user_id=subject_user_id, actor_user_id=actor_user_id,
                                        offset=offset, limit=PAGE_SIZE)
    return render(request, "regulator/reads.html", app="regulator", page=page, fields=PERSONAL_FIELDS,
                  channels=READ_CHANNELS, roles=ROLE_LABELS, subject_user_id=subject_user_id or "",
                  actor_user_id=actor_user_id or "",
                  **pager(offset=offset, total=page.total, size=PAGE_SIZE))


router = Router(path="/api/regulator", route_handlers=[personal_reads], guards=[any_role(Role.REGULATOR)],
                tags=["regulator", "privacy"])
page_router = Router(path="/regulator", include_in_schema=False, exception_handlers=PAGE_ERRORS,
                     route_handlers=[personal_reads_page])
