"""Issue, rotate and revoke machine keys; look them up for the signature verifier.

The HMAC needs the secret itself on the server, so it is stored encrypted (never hashed) and
decrypted only to verify a signature. Every change is audited without the secret.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.db.base import utcnow
from backend.domain.audit import service as audit
from backend.domain.identity.schemas import Principal
from backend.domain.machines import errors
from backend.domain.machines.access import access_key, access_key_org
from backend.domain.machines.acting import as_principal
from backend.domain.machines.devices import heartbeat, ping
from backend.domain.machines.models import MachineKey
from backend.domain.machines.schemas import KeyCreate, KeyIssued, KeyOut, SigningKey
from backend.domain.organisations import service as organisations
from backend.domain.sites import service as sites
from backend.errors import Invalid

__all__ = ["LAST_USED_PRECISION", "SECRET_CONTEXT", "as_principal", "heartbeat", "issue_key", "list_keys",
    "mark_used", "needs_touch", "new_key_id", "new_secret", "ping", "revoke_key", "rotate_key", "signing_key"]


SECRET_CONTEXT = "machine.secret"
# last_used_at is for people ("is this key still in use?"): minute precision spares a write per call.
LAST_USED_PRECISION = timedelta(seconds=60)


def _out(key: MachineKey) -> KeyOut:
    return KeyOut(
        key_id=key.key_id, org_id=key.org_id, device_id=key.device_id, name=key.name, status=key.status,
        created_at=key.created_at, last_used_at=key.last_used_at, previous_valid_until=key.previous_valid_until,
    )


def new_key_id() -> str:
    return "mk_" + secrets.token_urlsafe(15)  # 15 bytes -> exactly 20 URL-safe characters


def new_secret() -> str:
    return secrets.token_urlsafe(32)  # 32 random bytes, URL-safe base64 (43 characters)


async def issue_key(session: AsyncSession, *, ctx: Context, actor: Principal, org_id: uuid.UUID, data: KeyCreate) -> KeyIssued:
    organisations.check_transacting(await access_key_org(session, actor, org_id))
    name = " ".join(data.name.split())
    if not name:
        raise Invalid("blank", "名称不能为空", "The name must not be blank", field="name")
    if data.device_id is not None and await sites.device_org(session, device_id=data.device_id) != org_id:
        raise errors.device_not_found()
    secret = new_secret()
    key = MachineKey(
        key_id=new_key_id(), org_id=org_id, device_id=data.device_id, name=name,
        secret_enc=ctx.vault.encrypt(secret, context=SECRET_CONTEXT), status="active",
    )
    session.add(key)
    await session.flush()
    await audit.record(session, actor=actor.actor, action="machine_key.issue", entity="machine_key",
                       entity_id=key.key_id, after=audit.snapshot(key))
    return KeyIssued(key=_out(key), secret=secret)


async def list_keys(session: AsyncSession, *, actor: Principal, org_id: uuid.UUID) -> list[KeyOut]:
    await access_key_org(session, actor, org_id)
    rows = await session.execute(
        select(MachineKey).where(MachineKey.org_id == org_id).order_by(MachineKey.status, MachineKey.created_at)
    )
    return [_out(k) for k in rows.scalars()]


async def rotate_key(
    session: AsyncSession, *, ctx: Context, actor: Principal, key_id: str, now: datetime | None = None,
) -> KeyIssued:
    """A new secret, shown once; the current one keeps working for settings.key_rotation_grace_s.

    Rotating twice within the grace drops the oldest secret at once: only two may be live.
    """
    key = await access_key(session, actor, key_id)
    if key.status != "active":
        raise errors.key_revoked()
    now = now or utcnow()
    before = audit.snapshot(key)
    secret = new_secret()
    key.previous_secret_enc = key.secret_enc
    key.previous_valid_until = now + timedelta(seconds=ctx.settings.key_rotation_grace_s)
    key.secret_enc = ctx.vault.encrypt(secret, context=SECRET_CONTEXT)
    await session.flush()
    await audit.record(session, actor=actor.actor, action="machine_key.rotate", entity="machine_key",
                       entity_id=key.key_id, before=before, after=audit.snapshot(key))
    return KeyIssued(key=_out(key), secret=secret)


async def revoke_key(session: AsyncSession, *, actor: Principal, key_id: str) -> KeyOut:
    key = await access_key(session, actor, key_id)
    if key.status != "revoked":
        before = audit.snapshot(key)
        key.status = "revoked"
        key.previous_secret_enc, key.previous_valid_until = None, None
        await session.flush()
        await audit.record(session, actor=actor.actor, action="machine_key.revoke", entity="machine_key",
                           entity_id=key.key_id, before=before, after=audit.snapshot(key))
    return _out(key)


async def signing_key(session: AsyncSession, *, ctx: Context, key_id: str, now: datetime | None = None) -> SigningKey | None:
    """An active key's live secrets (the current one, and the previous one within its grace)."""
    key = (
        await session.execute(select(MachineKey).where(MachineKey.key_id == key_id, MachineKey.status == "active"))
    ).scalar_one_or_none()
    if key is None:
        return None
    if key.device_id is not None and await sites.device_org(session, device_id=key.device_id) is None:
        # The device was retired: its keys die with it, whatever their own status says.
        return None
    now = now or utcnow()
    live = [ctx.vault.decrypt(key.secret_enc, context=SECRET_CONTEXT)]
    if key.previous_secret_enc and key.previous_valid_until and now < key.previous_valid_until:
        live.append(ctx.vault.decrypt(key.previous_secret_enc, context=SECRET_CONTEXT))
    return SigningKey(key_id=key.key_id, org_id=key.org_id, device_id=key.device_id, secrets=tuple(live),
                      last_used_at=key.last_used_at)


def needs_touch(last_used_at: datetime | None, now: datetime) -> bool:
    return last_used_at is None or now - last_used_at >= LAST_USED_PRECISION


async def mark_used(session: AsyncSession, *, key_id: str, now: datetime | None = None) -> None:
    """Record use at minute precision; the WHERE clause keeps concurrent callers to one write."""
    now = now or utcnow()
    await session.execute(
        update(MachineKey)
        .where(MachineKey.key_id == key_id,
               or_(MachineKey.last_used_at.is_(None), MachineKey.last_used_at < now - LAST_USED_PRECISION))
        .values(last_used_at=now)
    )
