from __future__ import annotations

import dataclasses
import uuid

from backend.context import Context
from backend.domain.notices import service as notices
from backend.domain.notices.schemas import DeviceRegister


def with_fcm(ctx: Context, *, credentials_file: str, endpoint: str) -> Context:
    settings = dataclasses.replace(ctx.settings, fcm_credentials_file=credentials_file, fcm_endpoint=endpoint)
    return dataclasses.replace(ctx, settings=settings)


async def notify(ctx: Context, user_id: uuid.UUID, *, sms: bool = False, kind: str = "test") -> uuid.UUID:
    async with ctx.sessions() as session:
        notice_id = await notices.enqueue(
            session, user_id=user_id, kind=kind, title_zh="排队叫号", title_en="Your turn",
            body_zh="请到 3 号磅", body_en="Go to weighbridge 3", data={"orderNo": "T1"}, sms=sms,
        )
        await session.commit()
    return notice_id


async def add_device(ctx: Context, user_id: uuid.UUID, token: str = "fcm-token-abcdefgh") -> None:
    async with ctx.sessions() as session:
        await notices.register_device(session, user_id=user_id, data=DeviceRegister(token=token, platform="android"))
