"""What services need beyond a session: built once in create_app and handed down explicitly."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backend.db.session import create_engine, create_sessionmaker
from backend.redis import create_redis
from backend.settings import Settings
from backend.sms import SmsSender, create_sms_sender
from backend.vault import Vault


@dataclass(frozen=True, kw_only=True)
class Context:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    redis: Redis
    vault: Vault
    sms: SmsSender


def build_context(settings: Settings, *, sms: SmsSender | None = None, isolated_redis: bool = False) -> Context:
    # Every owner of a context (app, worker, gateway, tests) gets the features' subscribers and jobs
    # wired; imported here, not at the top, because the features themselves import this module.
    from backend import features
    from backend.domain.identity import service as identity

    features.load()
    identity.configure(time_cost=settings.password_hash_time_cost, memory_kib=settings.password_hash_memory_kib)
    engine = create_engine(settings.database_url)
    sessions = create_sessionmaker(engine)
    context = Context(
        settings=settings, engine=engine, sessions=sessions,
        redis=create_redis(settings.redis_url, isolated=isolated_redis), vault=Vault(settings.data_key),
        sms=sms or create_sms_sender(settings.sms_sender),
    )
    # Each session knows its context: follow-ups registered deep in a service (backend/db/unit.py
    # context_of) reach the context's Redis and sessions without threading it through every call.
    sessions.configure(info={"ctx": context})
    return context
