"""The demo's invoices: a suspect one (a truck with no waybill, its alert raised) and the plant's
payment of it, made once however often the demo is seeded."""

from __future__ import annotations

from backend.context import Context
from backend.demo.seed import seed_with
from tests.invoices import helpers as h


async def test_the_demo_has_a_suspect_invoice_and_the_buyers_payment(ctx: Context) -> None:
    first = await seed_with(ctx)
    assert any(item.startswith("transport invoice ") and "suspect" in item for item in first.created), (
        first.created
    )
    assert any(item.startswith("payment ") and "matched" in item for item in first.created), first.created
    await seed_with(ctx)
    assert await h.count(ctx, "SELECT COUNT(*) FROM transport_invoices WHERE status = 'suspect'") == 1
    assert await h.count(ctx, "SELECT COUNT(*) FROM payments WHERE status = 'matched'") == 1
    assert await h.count(ctx, "SELECT COUNT(*) FROM alerts WHERE kind = 'invoice_without_waybill'") == 1


async def test_a_closed_waybill_outside_the_demo_makes_no_clean_invoice(ctx: Context) -> None:
    import uuid

    from backend import clock
    from backend.demo.invoices import on_waybill_closed
    from backend.domain.waybills.events import WaybillClosed

    await seed_with(ctx)
    await on_waybill_closed(
        ctx,
        WaybillClosed(
            waybill_id=uuid.uuid4(),
            order_id=uuid.uuid4(),
            status="arrived",
            at=clock.now(),
            received_net_kg=None,
        ),
    )
    # No demo truck has finished a trip: nothing to bill yet, and nothing broke.
    assert await h.count(ctx, "SELECT COUNT(*) FROM transport_invoices") == 1
