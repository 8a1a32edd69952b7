"""Consent: binding a driver to a carrier's fleet, or a person to a role in an organisation, is an
invitation the person accepts or declines in his app; nothing binds before that.

Why a feature of its own, above drivers and organisations (import-linter contract 6, on the orders
line): accepting must bind atomically in the same transaction as the invitation's answer (a driver's
fleet, a membership), which domain events could give only through a subscriber that the invitation
could not hear refuse. Called directly, the binding's refusal (a driver bound elsewhere who did not
confirm the move, a blacklisted driver) rolls the answer back with it, and the caller hears why.

What the inviter sees is the phone it typed and the invitation's state: the invitation holds no user
id until the answer, so no response can tell a registered phone from an unregistered one, or name
anyone. An SMS tells the phone's holder; its link carries no secret (he signs in, or registers, with
that phone and finds the invitation there). An invitation waits for its phone to register, expires
after `invitation_ttl_days`, and may be cancelled by the inviter while pending. Every change is audited.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend import ratelimit
from backend.context import Context
from backend.db.base import utcnow
from backend.db.unit import after_commit, savepoint
from backend.domain.audit import service as audit
from backend.domain.drivers import service as drivers
from backend.domain.identity import service as identity
from backend.domain.identity.schemas import ROLE_LABELS, Principal
from backend.domain.invitations import errors
from backend.domain.invitations.models import Invitation
from backend.domain.invitations.schemas import (
    FleetInvite,
    InvitationAnswer,
    InvitationOut,
    MemberInvite,
    MyInvitationOut,
)
from backend.domain.organisations import service as organisations
from backend.errors import DomainError, TooManyRequests

__all__ = ["accept", "cancel", "decline", "invite_driver", "invite_member", "list_sent", "mine", "shown_status"]

FLEET, MEMBER = "fleet", "member"
# Anyone may register an organisation (pending) and invite from it, and each invitation texts a phone:
# a day's invitations per organisation, and invitation texts per phone, are bounded against SMS spam.
INVITES_PER_ORG_DAY = 100
TEXTS_PER_PHONE_DAY = 5
_DAY_S = 24 * 3600


def shown_status(inv: Invitation, now: datetime) -> str:
    """A pending invitation past its time reads as expired, whether or not a sweep marked it yet."""
    return "expired" if inv.status == "pending" and inv.expires_at <= now else inv.status


def _out(inv: Invitation, now: datetime) -> InvitationOut:
    return InvitationOut(id=inv.id, kind=inv.kind, org_id=inv.org_id, role=inv.role, phone=inv.phone,
                         status=shown_status(inv, now), created_at=inv.created_at, expires_at=inv.expires_at,
                         responded_at=inv.responded_at)


def _snapshot(inv: Invitation) -> dict[str, object]:
    return {"kind": inv.kind, "org_id": str(inv.org_id), "role": inv.role, "phone": inv.phone[:3] + "****" + inv.phone[-4:],
            "status": inv.status}


async def _invite(session: AsyncSession, *, ctx: Context, actor: Principal, org_id: uuid.UUID, kind: str,
                  role: str, phone: str) -> InvitationOut:
    await ratelimit.hit(ctx.redis, f"rl:invite:org:{org_id}", limit=INVITES_PER_ORG_DAY, window_s=_DAY_S)
    now = utcnow()
    # A lapsed invitation for the same thing makes room for the new one (the partial unique index).
    await session.execute(update(Invitation).where(
        Invitation.org_id == org_id, Invitation.kind == kind, Invitation.role == role, Invitation.phone == phone,
        Invitation.status == "pending", Invitation.expires_at <= now).values(status="expired"))
    inv = Invitation(kind=kind, org_id=org_id, role=role, phone=phone, status="pending",
                     invited_by_user_id=actor.user_id if actor.machine_key is None else None,
                     expires_at=now + timedelta(days=ctx.settings.invitation_ttl_days))
    session.add(inv)
    try:
        async with savepoint(session):
            await session.flush()
    except IntegrityError:
        raise errors.already_pending() from None
    await audit.record(session, actor=actor.actor, action=f"invitation.{kind}", entity="invitation",
                       entity_id=inv.id, after=_snapshot(inv))
    org_name = (await organisations.org_names(session, org_ids={org_id})).get(org_id, "")
    what = "加入其车队" if kind == FLEET else f"担任「{ROLE_LABELS.get(role, (role, role))[0]}」"
    text = (f"【煤通】{org_name}邀请您{what}。请用本手机号登录或注册煤通，在「我的邀请」中接受或拒绝："
            f"{ctx.settings.public_url}/invitations")

    async def tell() -> None:  # only once the invitation is durable
        try:
            await ratelimit.hit(ctx.redis, f"rl:invite:sms:{phone}", limit=TEXTS_PER_PHONE_DAY, window_s=_DAY_S)
        except TooManyRequests:  # the invitation stands and shows in the app; the phone is texted no more today
            return
        await ctx.sms.send(phone=phone, text=text)

    after_commit(session, tell)
    return _out(inv, now)


async def invite_driver(session: AsyncSession, *, ctx: Context, actor: Principal, org_id: uuid.UUID,
                        data: FleetInvite) -> InvitationOut:
    """A carrier's admin invites the driver with this phone into its fleet."""
    await organisations.require_fleet(session, actor=actor, org_id=org_id, admin=True)
    return await _invite(session, ctx=ctx, actor=actor, org_id=org_id, kind=FLEET, role="",
                         phone=identity.normalise_phone(data.phone))


async def invite_member(session: AsyncSession, *, ctx: Context, actor: Principal, org_id: uuid.UUID,
                        data: MemberInvite) -> InvitationOut:
    """An organisation's admin invites the person with this phone to a staff role."""
    await organisations.grantable(session, actor=actor, org_id=org_id, role=data.role)
    return await _invite(session, ctx=ctx, actor=actor, org_id=org_id, kind=MEMBER, role=str(data.role),
                         phone=identity.normalise_phone(data.phone))


async def _sent_access(session: AsyncSession, actor: Principal, org_id: uuid.UUID, kind: str | None) -> None:
    if kind == FLEET:
        await organisations.require_fleet(session, actor=actor, org_id=org_id, admin=True)
    else:
        await organisations.require_org(session, actor=actor, org_id=org_id, admin=True)


async def list_sent(session: AsyncSession, *, actor: Principal, org_id: uuid.UUID,
                    kind: str | None = None) -> list[InvitationOut]:
    await _sent_access(session, actor, org_id, kind)
    query = select(Invitation).where(Invitation.org_id == org_id)
    if kind in (FLEET, MEMBER):
        query = query.where(Invitation.kind == kind)
    rows = (await session.execute(query.order_by(Invitation.created_at.desc()).limit(200))).scalars()
    now = utcnow()
    return [_out(inv, now) for inv in rows]


async def cancel(session: AsyncSession, *, actor: Principal, invitation_id: uuid.UUID) -> InvitationOut:
    inv = await session.get(Invitation, invitation_id)
    if inv is None:
        raise errors.invitation_not_found()
    try:
        await _sent_access(session, actor, inv.org_id, inv.kind)
    except DomainError:  # not the inviter's: the same answer as for no invitation at all
        raise errors.invitation_not_found() from None
    return await _answer(session, actor=actor, inv=inv, to="cancelled")


async def _answer(session: AsyncSession, *, actor: Principal, inv: Invitation, to: str) -> InvitationOut:
    """Move a pending invitation to `to` if it is still pending (a conditional UPDATE: one answer wins)."""
    now = utcnow()
    if shown_status(inv, now) != "pending":
        raise errors.not_pending(shown_status(inv, now))
    before = _snapshot(inv)
    moved = await session.execute(
        update(Invitation).where(Invitation.id == inv.id, Invitation.status == "pending", Invitation.expires_at > now)
        .values(status=to, responded_at=now, responded_by_user_id=actor.user_id)
        .execution_options(synchronize_session=False))
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        await session.refresh(inv)
        raise errors.not_pending(shown_status(inv, now))
    await session.refresh(inv)
    await audit.record(session, actor=actor.actor, action=f"invitation.{to}", entity="invitation", entity_id=inv.id,
                       before=before, after=_snapshot(inv))
    return _out(inv, now)


async def _own(session: AsyncSession, actor: Principal, invitation_id: uuid.UUID) -> Invitation:
    inv = await session.get(Invitation, invitation_id, populate_existing=True)
    if inv is None or inv.phone != actor.phone or actor.machine_key is not None:
        raise errors.invitation_not_found()
    return inv


async def mine(session: AsyncSession, *, actor: Principal, pending_only: bool = True) -> list[MyInvitationOut]:
    """The invitations to the caller's phone (pending ones by default), newest first."""
    now = utcnow()
    query = select(Invitation).where(Invitation.phone == actor.phone)
    if pending_only:
        query = query.where(Invitation.status == "pending", Invitation.expires_at > now)
    rows = list((await session.execute(query.order_by(Invitation.created_at.desc()).limit(50))).scalars())
    briefs = await organisations.briefs(session, org_ids={inv.org_id for inv in rows})
    names = await organisations.org_names(session, org_ids={inv.org_id for inv in rows})
    carrier = None
    if actor.driver_id is not None and any(inv.kind == FLEET for inv in rows):
        carrier = (await drivers.own_brief(session, actor=actor)).carrier_org_id
    return [
        MyInvitationOut(
            id=inv.id, kind=inv.kind, org_id=inv.org_id, org_name=names.get(inv.org_id, ""),
            org_kind=briefs[inv.org_id].kind if inv.org_id in briefs else "", role=inv.role,
            status=shown_status(inv, now), created_at=inv.created_at, expires_at=inv.expires_at,
            moves_from_carrier=inv.kind == FLEET and carrier is not None and carrier != inv.org_id,
        )
        for inv in rows
    ]


async def accept(session: AsyncSession, *, actor: Principal, invitation_id: uuid.UUID,
                 data: InvitationAnswer | None = None) -> InvitationOut:
    """Accept: the answer and the binding in one savepoint, so a refused binding leaves it pending."""
    inv = await _own(session, actor, invitation_id)
    if inv.kind == FLEET and actor.driver_id is None:
        raise errors.driver_record_required()
    async with savepoint(session):
        out = await _answer(session, actor=actor, inv=inv, to="accepted")
        if inv.kind == FLEET:
            await drivers.join_fleet(session, actor=actor, org_id=inv.org_id,
                                     leave_current_carrier=bool(data and data.leave_current_carrier))
        else:
            await organisations.join(session, actor=actor, org_id=inv.org_id, role=inv.role)
    return out


async def decline(session: AsyncSession, *, actor: Principal, invitation_id: uuid.UUID) -> InvitationOut:
    return await _answer(session, actor=actor, inv=await _own(session, actor, invitation_id), to="declined")

