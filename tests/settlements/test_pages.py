"""The settlement pages render for the parties (Chinese first) and are not found for a stranger."""

from __future__ import annotations

from tests.settlements import helpers as h
from tests.sites import helpers as sh


async def test_list_issue_and_detail_pages(ctx, client):
    w = await h.world(ctx, client)
    nets = [30_000, 28_000]
    tickets = await h.loads(ctx, client, w, nets)
    r = await client.get(f"/enterprise/settlements/new?contract={w.contract['id']}", headers=w.buyer_finance)
    assert r.status_code == 200, r.text
    assert all(no in r.text for no in tickets) and "开具结算单" in r.text and "data-settlement-form" in r.text
    s = await h.issue(
        client,
        w.buyer_finance,
        h.body(w, tickets, nets=nets, price=w.contract["priceFenPerT"] + 500, amountFen=None)
        | _figures(nets, w.contract["priceFenPerT"] + 500),
    )
    listing = await client.get("/enterprise/settlements", headers=w.p.seller)
    assert (
        listing.status_code == 200 and s["settlementNo"] in listing.text and "与平台复核不符" in listing.text
    )
    page = await client.get(f"/enterprise/settlements/{s['id']}", headers=w.seller_finance)
    assert page.status_code == 200, page.text
    assert "data-differs" in page.text and "data-confirm-button" in page.text and "人民币" in page.text
    buyer_page = await client.get(f"/enterprise/settlements/{s['id']}", headers=w.buyer_finance)
    assert "data-confirm-button" not in buyer_page.text and "data-version-link" in buyer_page.text
    _, _, stranger = await sh.member(
        ctx, client, role="enterprise_admin", kind="consumer_power", region_code="150621"
    )
    assert (await client.get(f"/enterprise/settlements/{s['id']}", headers=stranger)).status_code == 404
    assert s["settlementNo"] not in (await client.get("/enterprise/settlements", headers=stranger)).text


def _figures(nets: list[int], price: int) -> dict:
    amount = sum(h.amount(n, price) for n in nets)
    return {
        "amountFen": amount,
        "taxFen": h.tax(amount),
        "totalFen": amount + h.tax(amount),
        "unitPriceFenPerT": price,
    }


async def test_the_seller_uploads_with_a_scan_and_the_issuer_corrects_from_the_page(ctx, client):
    w = await h.world(ctx, client)
    nets = [30_000]
    tickets = await h.loads(ctx, client, w, nets)
    seller_form = await client.get(f"/enterprise/settlements/new?contract={w.contract['id']}", headers=w.seller_finance)
    assert seller_form.status_code == 200 and "data-as-seller" in seller_form.text and "data-scan-file" in seller_form.text
    s = await h.issue(client, w.buyer_finance, h.body(w, tickets, nets=nets))
    page = await client.get(f"/enterprise/settlements/new?of={s['id']}", headers=w.buyer_finance)
    assert page.status_code == 200, page.text
    assert f"/api/enterprise/settlements/{s['id']}/versions" in page.text and tickets[0] in page.text
    assert f'value="{s["settlementNo"]}"' in page.text and "提交新版本" in page.text
    odd = await client.get(
        f"/enterprise/settlements/new?contract={w.contract['id']}&period_from=1900-01-01&period_to=x",
        headers=w.buyer_finance,
    )
    assert odd.status_code == 200  # an impossible period falls back to this month
    english = await client.get(f"/enterprise/settlements/{s['id']}?lang=en", headers=w.p.sales)
    assert english.status_code == 200 and "Settlement beside the platform" in english.text
