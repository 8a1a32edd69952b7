"""Every link state and every reason of the chain status, recomputed set-based."""

from __future__ import annotations

from datetime import timedelta

from backend import clock as backend_clock
from tests.reconcile import chain as ch
from tests.reconcile.helpers import recompute, row, states


async def test_an_issued_order_waits_for_its_ticket_and_a_completed_one_misses_it(ctx, client) -> None:
    c = await ch.world(ctx, client, count=2)
    await ch.set_status(ctx, c.orders[1], "completed")
    await recompute(ctx, *c.orders)
    waiting, done = await row(ctx, c.orders[0]), await row(ctx, c.orders[1])
    assert states(waiting) == {
        "contract": "present",
        "order": "present",
        "ticket": "pending",
        "waybill": "pending",
        "settlement": "pending",
        "invoice": "pending",
        "payment": "pending",
    }
    assert (
        waiting.reasons == []
        and not waiting.mismatch
        and waiting.ordered_kg == 30_000
        and waiting.loaded_kg == 0
    )
    assert states(done)["ticket"] == "missing" and done.reasons == ["ticket_missing"] and done.mismatch


async def test_a_whole_chain_matches_on_every_link(ctx, client) -> None:
    c = await ch.world(ctx, client, count=1)
    o = c.orders[0]
    await ch.terms(ctx, c, allowed_loss_bp=50)
    t = await ch.ticket(ctx, c, o, net_kg=30_000)
    wb = await ch.waybill(ctx, c, o, t, received_kg=29_900)  # 0.33 % short, within 0.5 %
    s = await ch.settlement(ctx, c, [(t, 29_900, 30_400, 30_400)])
    inv = await ch.invoice(ctx, c, [(wb, 29_900, 150_000, "matched")])
    await ch.payment(ctx, c, amount_fen=s.total_fen, settlement=s)
    await ch.payment(ctx, c, amount_fen=150_000, invoice=inv)
    await recompute(ctx, o)
    r = await row(ctx, o)
    assert set(states(r).values()) == {"present"}, states(r)
    assert r.reasons == [] and not r.mismatch
    assert (r.loaded_kg, r.delivered_kg, r.settled_kg, r.invoiced_kg) == (30_000, 29_900, 29_900, 29_900)
    assert r.settled_fen == 29_900 * 30_400 // 1000 and r.invoiced_fen == 150_000
    assert r.paid_fen == s.total_fen + 150_000


async def test_short_weight_beyond_the_terms_allowed_loss(ctx, client) -> None:
    c = await ch.world(ctx, client, count=2)
    await ch.terms(ctx, c, allowed_loss_bp=50)
    for o, received in (
        (c.orders[0], 29_850),
        (c.orders[1], 29_849),
    ):  # 0.5 % exactly is allowed; 1 kg more is not
        t = await ch.ticket(ctx, c, o, net_kg=30_000)
        await ch.waybill(ctx, c, o, t, received_kg=received)
    await recompute(ctx, *c.orders)
    ok, short = await row(ctx, c.orders[0]), await row(ctx, c.orders[1])
    assert ok.reasons == [] and states(ok)["waybill"] == "present"
    assert short.reasons == ["short_weight"] and states(short)["waybill"] == "mismatch"


async def test_without_terms_the_default_loss_is_two_per_mille(ctx, client) -> None:
    c = await ch.world(ctx, client, count=2)
    for o, received in ((c.orders[0], 29_940), (c.orders[1], 29_939)):
        t = await ch.ticket(ctx, c, o, net_kg=30_000)
        await ch.waybill(ctx, c, o, t, received_kg=received)
    await recompute(ctx, *c.orders)
    assert (await row(ctx, c.orders[0])).reasons == []
    assert (await row(ctx, c.orders[1])).reasons == ["short_weight"]


async def test_waybill_missing_pending_and_without_arrival(ctx, client) -> None:
    c = await ch.world(ctx, client, count=3)
    now = backend_clock.now()
    fresh = await ch.ticket(ctx, c, c.orders[0], gross_at=now - timedelta(hours=1))
    await ch.ticket(ctx, c, c.orders[1], gross_at=now - timedelta(hours=60))
    t = await ch.ticket(ctx, c, c.orders[2], gross_at=now - timedelta(hours=60))
    await ch.waybill(ctx, c, c.orders[2], t, status="open", departed_at=now - timedelta(hours=59))
    await recompute(ctx, *c.orders)
    assert fresh is not None and states(await row(ctx, c.orders[0]))["waybill"] == "pending"
    missing = await row(ctx, c.orders[1])
    assert states(missing)["waybill"] == "missing" and missing.reasons == ["waybill_missing"]
    lost = await row(ctx, c.orders[2])
    assert states(lost)["waybill"] == "mismatch" and lost.reasons == ["waybill_without_arrival"]
    assert states(lost)["invoice"] == "pending"  # not arrived: nobody should have invoiced it yet


async def test_settled_quantity_and_price_above_contract(ctx, client) -> None:
    c = await ch.world(ctx, client, count=3)
    ts = [await ch.ticket(ctx, c, o, net_kg=30_000) for o in c.orders]
    for o, t in zip(c.orders, ts, strict=True):
        await ch.waybill(ctx, c, o, t)
    await ch.settlement(
        ctx,
        c,
        [(ts[0], 30_000, 30_000, 30_000), (ts[1], 30_500, 30_000, 30_000), (ts[2], 30_000, 30_100, 30_000)],
    )
    await recompute(ctx, *c.orders)
    good, more, dear = [await row(ctx, o) for o in c.orders]
    assert states(good)["settlement"] == "present" and good.reasons == []
    assert states(more)["settlement"] == "mismatch" and more.reasons == ["settled_qty_differs"]
    assert states(dear)["settlement"] == "mismatch" and dear.reasons == ["price_above_contract"]
    assert states(good)["payment"] == "missing"  # settled, not paid


async def test_settlement_overdue_after_the_month_and_the_terms_days(ctx, client, clock) -> None:
    c = await ch.world(ctx, client, count=2)
    await ch.terms(ctx, c, payment_due_days=10)
    now = clock.freeze()
    # Weighed 45 days ago: its month ended at least 14 days ago and at most 45 → overdue with 10 days.
    t = await ch.ticket(ctx, c, c.orders[0], gross_at=now - timedelta(days=45))
    await ch.waybill(ctx, c, c.orders[0], t)
    t2 = await ch.ticket(ctx, c, c.orders[1], gross_at=now - timedelta(hours=2))
    await ch.waybill(ctx, c, c.orders[1], t2)
    await recompute(ctx, *c.orders)
    late, recent = await row(ctx, c.orders[0]), await row(ctx, c.orders[1])
    assert states(late)["settlement"] == "missing" and late.reasons == ["settlement_overdue"]
    assert states(recent)["settlement"] == "pending" and recent.reasons == []


async def test_invoice_suspect_and_parties_differ(ctx, client) -> None:
    c = await ch.world(ctx, client, count=3)
    ts = [await ch.ticket(ctx, c, o) for o in c.orders]
    wbs = [await ch.waybill(ctx, c, o, t) for o, t in zip(c.orders, ts, strict=True)]
    await ch.invoice(ctx, c, [(wbs[0], 30_000, 100_000, "matched")])
    await ch.invoice(ctx, c, [(wbs[1], 40_000, 100_000, "above_delivered")])
    stranger = c.w.parties.seller_id  # the mine is no carrier: an invoice in its name is not the load's
    await ch.invoice(ctx, c, [(wbs[2], 30_000, 100_000, "matched")], seller_org_id=stranger)
    await recompute(ctx, *c.orders)
    ok, suspect, other = [await row(ctx, o) for o in c.orders]
    assert states(ok)["invoice"] == "present" and ok.invoiced_kg == 30_000 and ok.invoiced_fen == 100_000
    assert states(suspect)["invoice"] == "mismatch" and suspect.reasons == ["invoice_suspect"]
    assert states(other)["invoice"] == "mismatch" and other.reasons == ["parties_differ"]


async def test_a_payer_other_than_the_buyer_differs(ctx, client) -> None:
    c = await ch.world(ctx, client, count=1)
    o = c.orders[0]
    t = await ch.ticket(ctx, c, o)
    await ch.waybill(ctx, c, o, t)
    s = await ch.settlement(ctx, c, [(t, 30_000, 30_000, 30_000)])
    await ch.payment(ctx, c, amount_fen=s.total_fen, settlement=s, payer_org_id=c.carrier_id)
    await recompute(ctx, o)
    r = await row(ctx, o)
    assert (
        states(r)["payment"] == "mismatch" and r.reasons == ["parties_differ"] and r.paid_fen == s.total_fen
    )


async def test_a_settlement_of_two_loads_shares_its_payment(ctx, client) -> None:
    c = await ch.world(ctx, client, count=2)
    ts = [await ch.ticket(ctx, c, o, net_kg=kg) for o, kg in zip(c.orders, (30_000, 10_000), strict=True)]
    for o, t in zip(c.orders, ts, strict=True):
        await ch.waybill(ctx, c, o, t)
    s = await ch.settlement(ctx, c, [(ts[0], 30_000, 30_000, 30_000), (ts[1], 10_000, 30_000, 30_000)])
    await ch.payment(ctx, c, amount_fen=s.amount_fen // 2, settlement=s)  # half paid
    await recompute(ctx, *c.orders)
    a, b = await row(ctx, c.orders[0]), await row(ctx, c.orders[1])
    # 900,000 + 300,000 fen settled, 600,000 paid: shared 3 : 1.
    assert (a.paid_fen, b.paid_fen) == (450_000, 150_000)
    assert states(a)["payment"] == "present" and states(b)["payment"] == "present"
