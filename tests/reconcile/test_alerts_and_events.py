"""Findings raise their alert exactly once, for the party that handles them; the chain follows the
documents as their events arrive; the sweep catches what only time changes."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, select

from backend.db.unit import unit_of_work
from backend.domain.alerts import service as alerts
from backend.domain.reconcile import service as reconcile
from backend.domain.reconcile.models import ChainFinding, ChainStatus
from tests.reconcile import chain as ch
from tests.reconcile.helpers import alerts_for, recompute, row, states
from tests.waybills import helpers as wbh


async def test_short_weight_alerts_the_buyer_once_for_three_recomputations(ctx, client) -> None:
    c = await ch.world(ctx, client, count=1)
    o = c.orders[0]
    t = await ch.ticket(ctx, c, o, net_kg=30_000)
    await ch.waybill(ctx, c, o, t, received_kg=29_000)
    # Without price terms the chain marks it (default loss) but the receipt's own alert has spoken.
    await recompute(ctx, o)
    assert (await row(ctx, o)).reasons == ["short_weight"]
    assert await alerts_for(ctx, "short_weight", o["orderNo"]) == []
    await ch.terms(ctx, c, allowed_loss_bp=50)  # the contract's own allowance: 0.5 %, 3.3 % lost
    for _ in range(3):
        await recompute(ctx, o)
    raised = await alerts_for(ctx, "short_weight", o["orderNo"])
    assert len(raised) == 1
    assert raised[0].org_id == c.w.parties.buyer_id and raised[0].ref == f"order:{o['orderNo']}"
    assert raised[0].details["orderNo"] == o["orderNo"]
    async with unit_of_work(ctx) as session:
        keys = (await session.execute(select(ChainFinding))).scalars().all()
        assert [(k.order_id, k.reason, k.alert_id) for k in keys] == [
            (ch.uid(o["id"]), "short_weight", raised[0].id)
        ]


async def test_parties_differ_alerts_the_seller_and_overdue_the_buyer(ctx, client, clock) -> None:
    c = await ch.world(ctx, client, count=2)
    now = clock.freeze()
    t = await ch.ticket(ctx, c, c.orders[0])
    await ch.waybill(ctx, c, c.orders[0], t)
    s = await ch.settlement(ctx, c, [(t, 30_000, 30_000, 30_000)])
    await ch.payment(ctx, c, amount_fen=s.total_fen, settlement=s, payer_org_id=c.carrier_id)
    old = await ch.ticket(ctx, c, c.orders[1], gross_at=now - timedelta(days=80))
    await ch.waybill(ctx, c, c.orders[1], old)
    await recompute(ctx, *c.orders)
    await recompute(ctx, *c.orders)
    differ = await alerts_for(ctx, "parties_differ", c.orders[0]["orderNo"])
    overdue = await alerts_for(ctx, "settlement_overdue", c.orders[1]["orderNo"])
    assert [a.org_id for a in differ] == [c.w.parties.seller_id]
    assert [a.org_id for a in overdue] == [c.w.parties.buyer_id]


async def test_a_reason_not_alerted_here_raises_nothing(ctx, client) -> None:
    c = await ch.world(ctx, client, count=1)
    o = c.orders[0]
    t = await ch.ticket(ctx, c, o)
    await ch.waybill(ctx, c, o, t)
    await ch.settlement(
        ctx, c, [(t, 30_000, 31_000, 30_000)]
    )  # price_above_contract: the settlement's own alert
    await recompute(ctx, o)
    assert (await row(ctx, o)).reasons == ["price_above_contract"]
    async with unit_of_work(ctx) as session:
        page = await alerts.list_alerts(session)
        assert all(a.kind != "price_above_contract" for a in page.items)
        assert (await session.execute(select(func.count()).select_from(ChainFinding))).scalar_one() == 0


async def test_the_chain_follows_the_ticket_and_the_gate_out(ctx, client, app) -> None:
    lw = await wbh.ticketed(ctx, client, app)
    order_id = uuid.UUID(lw.order_id)
    async with unit_of_work(ctx) as session:
        r = await session.get(ChainStatus, order_id)
        assert r is not None and r.ticket_state == "present" and r.loaded_kg == 29_000
        assert r.waybill_state == "pending"
    await wbh.gate_out(client, app, lw)
    async with unit_of_work(ctx) as session:
        r = await session.get(ChainStatus, order_id)
        assert r is not None and r.waybill_state == "present" and r.invoice_state == "pending"


async def test_the_sweep_reaches_orders_no_event_announced(ctx, client, clock) -> None:
    c = await ch.world(ctx, client, count=2)
    async with unit_of_work(ctx) as session:
        assert await reconcile.sweep(session) == 2
        await session.commit()
    assert states(await row(ctx, c.orders[0]))["ticket"] == "pending"
    t = await ch.ticket(ctx, c, c.orders[1])  # written behind the events' back
    clock.advance(3600)
    async with unit_of_work(ctx) as session:
        await reconcile.sweep(session)
        await session.commit()
    assert (await row(ctx, c.orders[1])).loaded_kg == t.net_kg
