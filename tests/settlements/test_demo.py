"""The demo's settlements: after the seed, once the demo lane has ticketed three loads, the plant has
issued one settlement the mine confirmed and one pending with a mismatch; made once."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from backend import clock as backend_clock
from backend.db import seed_marks
from backend.db.unit import unit_of_work
from backend.demo.chain import DEMO_CONTRACT_NO
from backend.demo.seed import seed_with
from backend.demo.settlements import ensure_settlements
from backend.domain.orders.models import PickupOrder
from backend.domain.settlements.models import Settlement
from backend.domain.weighing.models import Weighing, WeighTicket


async def _ticket_the_demo_orders(ctx) -> int:
    """Tickets for the demo contract's seeded orders, as the simulated lane would have issued them."""
    async with unit_of_work(ctx) as session:
        mark = await seed_marks.marked(session, key=f"contract:{DEMO_CONTRACT_NO}")
        assert mark is not None and mark.entity_id is not None
        orders = (
            (
                await session.execute(
                    select(PickupOrder)
                    .where(PickupOrder.contract_id == mark.entity_id)
                    .order_by(PickupOrder.order_no)
                )
            )
            .scalars()
            .all()
        )
        now = backend_clock.now()
        for i, o in enumerate(orders[:3]):
            at = now - timedelta(hours=3 - i)
            ids = []
            for kind, kg, when in (
                ("tare", 15_000, at - timedelta(minutes=20)),
                ("gross", 15_000 + 30_000 - 20 * i, at),
            ):
                wid = uuid.uuid4()
                session.add(
                    Weighing(
                        id=wid,
                        order_id=o.id,
                        site_id=o.site_id,
                        key_id="demo",
                        kind=kind,
                        plate="蒙K55177",
                        weight_kg=kg,
                        on_scale_at=when,
                        weighed_at=when,
                        status="accepted",
                        code="accepted",
                        signature="0" * 64,
                    )
                )
                ids.append(wid)
            await session.flush()
            session.add(
                WeighTicket(
                    ticket_no=f"BD-DEMO-{i}-{uuid.uuid4().hex[:6]}",
                    verify_code="DEMO",
                    order_id=o.id,
                    order_no=o.order_no,
                    contract_id=o.contract_id,
                    contract_no=DEMO_CONTRACT_NO,
                    seller_org_id=o.seller_org_id,
                    buyer_org_id=o.buyer_org_id,
                    seller_name="示范煤矿",
                    buyer_name="示范电厂",
                    region_code=o.region_code,
                    site_id=o.site_id,
                    site_name="示范煤矿",
                    plate="蒙K55177",
                    product=o.product,
                    tare_weighing_id=ids[0],
                    gross_weighing_id=ids[1],
                    tare_kg=15_000,
                    gross_kg=45_000 - 20 * i,
                    net_kg=30_000 - 20 * i,
                    tare_at=at - timedelta(minutes=20),
                    gross_at=at,
                )
            )
        return len(orders[:3])


async def test_the_demo_shows_a_confirmed_and_a_pending_mismatched_settlement(ctx):
    await seed_with(ctx)
    async with unit_of_work(ctx) as session:
        assert (await session.execute(select(Settlement))).first() is None  # no loads yet: nothing to settle
    assert await _ticket_the_demo_orders(ctx) == 3
    created: list[str] = []
    async with unit_of_work(ctx) as session:
        await ensure_settlements(session, ctx=ctx, created=created)
    assert created, "the settlements were made"
    async with unit_of_work(ctx) as session:
        rows = (await session.execute(select(Settlement).order_by(Settlement.settlement_no))).scalars().all()
    assert [(s.status, s.mismatch, s.load_count) for s in rows] == [
        ("confirmed", False, 2),
        ("pending", True, 1),
    ], [s.findings for s in rows]
    assert rows[0].computed_basis == "terms" and rows[0].computed_unit_price_fen_per_t == 30400
    again: list[str] = []
    async with unit_of_work(ctx) as session:
        await ensure_settlements(session, ctx=ctx, created=again)
    assert again == []
