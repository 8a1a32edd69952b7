"""The invited person's side of invitations (any signed-in person: a driver, or staff to be), and
sign-up for a person an invitation waits for.

    GET  /api/invitations                        invitations to my phone (pending; ?all=true for every one)
    POST /api/invitations/{id}/accept            accept {leaveCurrentCarrier?}: the binding happens now
    POST /api/invitations/{id}/decline           decline
    POST /api/auth/register                      sign up with phone + SMS code (purpose register), name, password
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from backend.domain.identity import service as identity
from backend.domain.identity.schemas import PersonRegister, Tokens
from backend.domain.invitations import service as invitations
from backend.domain.invitations.schemas import InvitationAnswer, InvitationOut, MyInvitationOut
from backend.http.auth import client_label, signed_in, with_session_cookies
from backend.http.deps import Ctx, Db, Me


@get("/invitations", guards=[signed_in])
async def my_invitations(me: Me, db: Db, all: FromQuery[bool] = False) -> list[MyInvitationOut]:
    return await invitations.mine(db, actor=me, pending_only=not all)


@post("/invitations/{invitation_id:uuid}/accept", status_code=200, guards=[signed_in])
async def accept(me: Me, db: Db, invitation_id: FromPath[uuid.UUID],
                 data: JSONBody[InvitationAnswer | None] = None) -> InvitationOut:
    return await invitations.accept(db, actor=me, invitation_id=invitation_id, data=data)


@post("/invitations/{invitation_id:uuid}/decline", status_code=200, guards=[signed_in])
async def decline(me: Me, db: Db, invitation_id: FromPath[uuid.UUID]) -> InvitationOut:
    return await invitations.decline(db, actor=me, invitation_id=invitation_id)


@post("/auth/register", status_code=201, summary="Sign up with a phone (SMS code, purpose register); grants no role")
async def register(request: Request[Any, Any, Any], data: JSONBody[PersonRegister], db: Db, ctx: Ctx) -> Response[Tokens]:
    tokens = await identity.register_person(db, ctx=ctx, phone=data.phone, sms_code=data.sms_code, name=data.name,
                                            password=data.password, client=client_label(request.scope))
    return with_session_cookies(ctx, tokens, tokens, status_code=201)


router = Router(path="/api", route_handlers=[my_invitations, accept, decline, register], tags=["invitations"])
