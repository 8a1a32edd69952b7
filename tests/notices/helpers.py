from __future__ import annotations

import dataclasses
import json
import os
import uuid
from typing import Any

import http_ece
import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import delete, select

from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.notices import rules
from backend.domain.notices import service as notices
from backend.domain.notices.models import Notice, NoticeDelivery
from backend.domain.notices.schemas import DeviceRegister
from tests import factories as f


def with_fcm(ctx: Context, *, credentials_file: str, endpoint: str) -> Context:
    settings = dataclasses.replace(ctx.settings, fcm_credentials_file=credentials_file, fcm_endpoint=endpoint)
    return dataclasses.replace(ctx, settings=settings)


async def notify(ctx: Context, user_id: uuid.UUID, *, sms: bool = False, kind: str = "test") -> uuid.UUID:
    async with unit_of_work(ctx) as session:
        notice_id = await notices.enqueue(
            session, user_id=user_id, kind=kind, title_zh="排队叫号", title_en="Your turn",
            body_zh="请到 3 号磅", body_en="Go to weighbridge 3", data={"orderNo": "T1"}, sms=sms,
        )
        await session.commit()
    return notice_id


async def add_device(ctx: Context, user_id: uuid.UUID, token: str = "fcm-token-abcdefgh") -> None:
    async with unit_of_work(ctx) as session:
        await notices.register_device(session, user_id=user_id, data=DeviceRegister(token=token, platform="android"))


class Browser:
    """What a browser holds for one subscription: its ECDH key and auth secret (RFC 8291 §3)."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)

    def subscription(self, endpoint: str) -> dict[str, Any]:
        point = self.key.public_key().public_bytes(serialization.Encoding.X962,
                                                   serialization.PublicFormat.UncompressedPoint)
        # PushSubscription.toJSON(): unpadded base64url keys, and expirationTime (usually null).
        return {"endpoint": endpoint, "expirationTime": None,
                "keys": {"p256dh": rules.b64url(point), "auth": rules.b64url(self.auth)}}

    def decrypt(self, body: bytes) -> dict[str, Any]:
        plain = http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm")
        result: dict[str, Any] = json.loads(plain)
        return result


async def login(client: httpx.AsyncClient, number: str, ctx: Context | None = None) -> dict[str, str]:
    """Bearer headers, without the sign-in notice the login raises (tests/identity/test_sessions.py
    covers that one): these tests count the notices and deliveries they make themselves."""
    headers = await f.login(client, number)
    ctx = ctx or f._ctx_of(client)
    async with unit_of_work(ctx) as session:
        ids = select(Notice.id).where(Notice.kind == "session_started").scalar_subquery()
        await session.execute(delete(NoticeDelivery).where(NoticeDelivery.notice_id.in_(ids)))
        await session.execute(delete(Notice).where(Notice.kind == "session_started"))
        await session.commit()
    return headers
