"""Reading the chain rows and the alerts in tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.alerts.models import Alert
from backend.domain.reconcile import service as reconcile
from backend.domain.reconcile.models import ChainStatus
from tests.reconcile.chain import uid


async def recompute(ctx: Context, *orders: dict[str, Any]) -> None:
    async with unit_of_work(ctx) as session:
        await reconcile.recompute_orders(session, order_ids=[uid(o["id"]) for o in orders])
        await session.commit()


async def row(ctx: Context, order: dict[str, Any]) -> ChainStatus:
    async with unit_of_work(ctx) as session:
        r = (
            await session.execute(select(ChainStatus).where(ChainStatus.order_id == uid(order["id"])))
        ).scalar_one()
        session.expunge(r)
        return r


def states(r: ChainStatus) -> dict[str, str]:
    return {
        k: getattr(r, f"{k}_state")
        for k in ("contract", "order", "ticket", "waybill", "settlement", "invoice", "payment")
    }


async def alerts_for(ctx: Context, kind: str, order_no: str) -> list[Alert]:
    async with unit_of_work(ctx) as session:
        return list(
            (
                await session.execute(select(Alert).where(Alert.kind == kind, Alert.order_no == order_no))
            ).scalars()
        )
