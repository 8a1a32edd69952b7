"""Dependencies every router shares: the request's database session and the context."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated, Any

from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.db.unit import finish_on_error
from backend.domain.identity.schemas import Principal
from backend.http.auth import provide_principal


async def provide_db(request: Request[Any, Any, Any]) -> AsyncGenerator[AsyncSession, None]:
    """The request's unit of work (backend/db/unit.py): the handler's services flush; this commits
    once the handler has returned and its response is built, before it is sent, so a COMMIT that
    fails is the request's error. A handler that raises rolls back (unless `keep_on_error`)."""
    ctx: Context = request.app.state.ctx
    async with ctx.sessions() as session:
        try:
            yield session
        except BaseException as exc:
            await finish_on_error(session, exc)
            raise
        await session.commit()


def provide_ctx(request: Request[Any, Any, Any]) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


DEPENDENCIES = {
    "db": Provide(provide_db),
    "ctx": Provide(provide_ctx, sync_to_thread=False),
    "me": Provide(provide_principal),
}

# Handler parameter types: `db: Db, ctx: Ctx, me: Me` name the dependencies above explicitly.
Db = NamedDependency[AsyncSession]
Ctx = NamedDependency[Context]
Me = NamedDependency[Principal]

# Paging bounds for every list: an absurd offset is a 400, not a database overflow.
Offset = Annotated[int, QueryParameter(ge=0, le=1_000_000)]
Limit = Annotated[int, QueryParameter(ge=1, le=200)]
# A free-text search box: short, printable.
Search = Annotated[str | None, QueryParameter(max_length=64, pattern=r"^[^\x00-\x1f\x7f]*$")]
