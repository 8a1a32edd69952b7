"""Domain events: a feature announces a fact; other features subscribe to it.

A producer never imports its consumers. The out-gate does not open waybills: orders announce
`VehicleLeftSite` and waybills, which subscribe, open one. A new feature (alerts, settlements, a
side stream) subscribes in its own `subscribers.py` instead of being called from the producer.

Two kinds of subscriber:
- in the transaction (`when="in_transaction"`, the default): the rule must hold atomically with the
  fact (the waybill exists if and only if the gate-out was recorded). It runs inside `announce`, on
  the producer's session, as `handler(session, ctx, event)`; a failure rolls the whole unit back.
- after the commit (`when="after_commit"`): work that may lag (a notice, a mirror). It runs once the
  owner's COMMIT succeeded (backend/db/unit.py), as `handler(ctx, event)`, and opens its own unit
  if it needs the database. A failure is logged and repaired by that feature's own resync.

Event records are frozen msgspec Structs declared in the producer's `events.py`; their names say
what happened, in the past tense. Subscribers are wired at start-up by `backend.features.load()`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING, Literal, TypeVar

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.unit import after_commit, context_of

if TYPE_CHECKING:
    from backend.context import Context


class Event(msgspec.Struct, frozen=True, kw_only=True):
    """Base of every domain event (a fact, named in the past tense)."""


E = TypeVar("E", bound=Event)
InTransaction = Callable[[AsyncSession, "Context", E], Awaitable[None]]
AfterCommit = Callable[["Context", E], Awaitable[None]]
When = Literal["in_transaction", "after_commit"]

_IN_TRANSACTION: defaultdict[type[Event], list[InTransaction[Event]]] = defaultdict(list)
_AFTER_COMMIT: defaultdict[type[Event], list[AfterCommit[Event]]] = defaultdict(list)


def subscribe(event_type: type[E], handler: Callable[..., Awaitable[None]], *, when: When = "in_transaction") -> None:
    """Register `handler` for `event_type`; registering the same handler twice is a no-op."""
    table: defaultdict[type[Event], list[Callable[..., Awaitable[None]]]] = (
        _IN_TRANSACTION if when == "in_transaction" else _AFTER_COMMIT)
    if handler not in table[event_type]:
        table[event_type].append(handler)


def subscriber(event_type: type[E], *, when: When = "in_transaction") -> Callable[[Callable[..., Awaitable[None]]],
                                                                                Callable[..., Awaitable[None]]]:
    """Decorator form of `subscribe`, for a feature's subscribers.py."""
    def register(handler: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
        subscribe(event_type, handler, when=when)
        return handler
    return register


async def announce(session: AsyncSession, event: Event) -> None:
    """Tell the subscribers of this event: in-transaction ones now, after-commit ones after the COMMIT.
    Handlers get the context that made the session (backend/db/unit.py context_of)."""
    ctx = context_of(session)
    for handler in _IN_TRANSACTION.get(type(event), ()):
        await handler(session, ctx, event)
    for late in _AFTER_COMMIT.get(type(event), ()):
        after_commit(session, partial(late, ctx, event))

