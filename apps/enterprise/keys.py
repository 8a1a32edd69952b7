"""Machine keys of an organisation (for /open/v1). A secret is shown once: on issue and on rotate.
Issuing and rotating hand out a secret that acts for the organisation: both ask for the TOTP code again
(step-up); revoking only takes power away and does not."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Router, get, post
from litestar.params import FromPath, JSONBody, Parameter

from backend.domain.machines import service as machines
from backend.domain.machines.schemas import KeyCreate, KeyIssued, KeyOut
from backend.http.auth import recent_step_up, signed_in
from backend.http.deps import Ctx, Db, Me

KeyId = Annotated[str, Parameter(min_length=4, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]


@get("/orgs/{org_id:uuid}/keys")
async def list_keys(org_id: FromPath[uuid.UUID], me: Me, db: Db) -> list[KeyOut]:
    return await machines.list_keys(db, actor=me, org_id=org_id)


@post("/orgs/{org_id:uuid}/keys", status_code=201, summary="Issue a key; the secret is shown once",
      guards=[recent_step_up])
async def issue_key(org_id: FromPath[uuid.UUID], data: JSONBody[KeyCreate], me: Me, db: Db, ctx: Ctx) -> KeyIssued:
    return await machines.issue_key(db, ctx=ctx, actor=me, org_id=org_id, data=data)


@post("/keys/{key_id:str}/rotate", status_code=200, summary="New secret (shown once); the old one works 24 h more",
      guards=[recent_step_up])
async def rotate_key(key_id: KeyId, me: Me, db: Db, ctx: Ctx) -> KeyIssued:
    return await machines.rotate_key(db, ctx=ctx, actor=me, key_id=key_id)


@post("/keys/{key_id:str}/revoke", status_code=200)
async def revoke_key(key_id: KeyId, me: Me, db: Db) -> KeyOut:
    return await machines.revoke_key(db, actor=me, key_id=key_id)


router = Router(
    path="/api/enterprise", route_handlers=[list_keys, issue_key, rotate_key, revoke_key],
    guards=[signed_in], tags=["enterprise", "keys"],
)
