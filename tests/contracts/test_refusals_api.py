"""Every refusal of a draft names its field, in Chinese and English."""

from __future__ import annotations

from typing import Any

import pytest

from backend.db.unit import unit_of_work
from backend.domain.contracts.scans import MAX_PDF_BYTES
from tests.contracts import helpers as c
from tests.sites import helpers as h

URL = "/api/enterprise/contracts"


@pytest.fixture
async def p(ctx, client) -> c.Parties:
    return await c.parties(ctx, client)


@pytest.mark.parametrize(
    ("overrides", "status", "code", "field"),
    [
        ({"priceFenPerT": 0}, 422, "contract_price_invalid", "priceFenPerT"),
        ({"priceFenPerT": -100}, 422, "contract_price_invalid", "priceFenPerT"),
        ({"quantityKg": -1000}, 422, "contract_quantity_invalid", "quantityKg"),
        ({"quantityKg": 0}, 422, "contract_quantity_invalid", "quantityKg"),
        ({"sulphurPct": 101}, 422, "contract_percent_range", "sulphurPct"),
        ({"ashPct": -0.5}, 422, "contract_percent_range", "ashPct"),
        ({"moisturePct": 8.125}, 422, "contract_percent_decimals", "moisturePct"),
        ({"calorificKcalPerKg": 1999}, 422, "contract_calorific_range", "calorificKcalPerKg"),
        ({"calorificKcalPerKg": 7501}, 422, "contract_calorific_range", "calorificKcalPerKg"),
        ({"toleranceBp": 1001}, 422, "contract_tolerance_range", "toleranceBp"),
        ({"toleranceBp": -1}, 422, "contract_tolerance_range", "toleranceBp"),
        ({"destinationLon": 139.69, "destinationLat": 35.69}, 422, "destination_outside_china", "destinationLon"),
        ({"destinationLat": 55.2}, 422, "destination_outside_china", "destinationLat"),
        ({"destinationLon": 40.4, "destinationLat": 110.04}, 400, "invalid_input", "destinationLat"),  # swapped
        ({"destinationName": "   "}, 422, "contract_destination_name", "destinationName"),
        ({"validFrom": "2026-06-01", "validUntil": "2026-05-31"}, 422, "contract_validity_order", "validUntil"),
        ({"validUntil": "2026-02-30"}, 400, "invalid_input", "validUntil"),
        ({"kind": "spot"}, 400, "invalid_input", "kind"),
        ({"product": "anthracite"}, 400, "invalid_input", "product"),
        ({"quantityKg": 10**18}, 400, "invalid_input", "quantityKg"),
        ({"priceFenPerT": 680.5}, 400, "invalid_input", "priceFenPerT"),
        ({"buyerOrgId": "5f0c6a43-2d71-4b8e-9a37-1c0d2e3f4a51"}, 422, "contract_party_unknown", "buyerOrgId"),
        ({"sellerOrgId": "8e2b7d19-6c4a-4f03-b5e8-7a9d0c1b2e64"}, 422, "contract_party_unknown", "sellerOrgId"),
        ({"pricePerTonne": 680}, 400, "invalid_input", "pricePerTonne"),
    ],
    ids=lambda v: str(v) if not isinstance(v, dict) else ",".join(f"{k}={v[k]}" for k in v),
)
async def test_bad_terms_are_refused_on_their_field(client, p, overrides, status, code, field):
    response = await client.post(URL, json=c.body(p, **overrides), headers=p.sales)
    c.refusal(response, status, code, field)


async def test_seller_must_differ_from_buyer(client, p):
    c.refusal(await client.post(URL, json=c.body(p, buyerOrgId=str(p.seller_id)), headers=p.seller),
              422, "contract_same_party", "buyerOrgId")


async def test_a_carrier_cannot_sell(ctx, client, p):
    _, carrier_id, headers = await h.member(ctx, client, role="enterprise_admin", kind="carrier")
    response = await client.post(URL, json=c.body(p, sellerOrgId=str(carrier_id)), headers=headers)
    refused = c.refusal(response, 422, "contract_seller_kind", "sellerOrgId")
    assert "承运企业" in refused["message_zh"] and "carrier" in refused["message_en"]


async def test_a_regulator_cannot_buy_and_a_suspended_buyer_cannot_contract(ctx, client, p):
    regulator_id = await h.new_org(ctx, kind="regulator", region_code="150600")
    c.refusal(await client.post(URL, json=c.body(p, buyerOrgId=str(regulator_id)), headers=p.seller),
              422, "contract_buyer_kind", "buyerOrgId")
    suspended = await h.new_org(ctx, kind="consumer_coke", region_code="150602")
    from backend.domain.organisations import service as organisations
    from backend.domain.organisations.schemas import OrgStatusChange

    async with unit_of_work(ctx) as session:
        await organisations.change_status(session, actor=h.PLATFORM, org_id=suspended,
                                          data=OrgStatusChange(status="suspended", reason="超载运输"))
    c.refusal(await client.post(URL, json=c.body(p, buyerOrgId=str(suspended)), headers=p.seller),
              422, "contract_party_inactive", "buyerOrgId")


async def test_only_the_sellers_admin_or_sales_may_draft(ctx, client, p):
    # The buyer's admin and the seller's dispatcher see the seller (or not) but may not sell for it.
    c.refusal(await client.post(URL, json=c.body(p), headers=p.buyer), 422, "contract_party_unknown", "sellerOrgId")
    _, _, dispatcher = await h.member(ctx, client, role="dispatcher", org_id=p.seller_id)
    c.refusal(await client.post(URL, json=c.body(p), headers=dispatcher), 403, "forbidden", None)
    c.refusal(await client.post(URL, json=c.body(p)), 401, "unauthorized", None)


async def test_contract_numbers_are_unique_per_seller(ctx, client, p):
    await c.draft(client, p, contractNo="HT-2026-A1")
    c.refusal(await client.post(URL, json=c.body(p, contractNo="HT-2026-A1"), headers=p.sales),
              409, "contract_no_taken", "contractNo")
    other = await c.draft(client, p, contractNo="HT-2026-A2")
    c.refusal(await client.patch(c.url(other["id"]), json={"contractNo": "HT-2026-A1"}, headers=p.sales),
              409, "contract_no_taken", "contractNo")
    # Another seller may use the same number.
    q = await c.parties(ctx, client)
    assert (await c.draft(client, q, contractNo="HT-2026-A1"))["contractNo"] == "HT-2026-A1"


async def test_edits_are_checked_like_drafts(client, p):
    draft = await c.draft(client, p)
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"sulphurPct": 101}, "contract_percent_range", "sulphurPct"),
        ({"validUntil": "2000-01-01"}, "contract_validity_order", "validUntil"),
        ({"buyerOrgId": str(p.seller_id)}, "contract_same_party", "buyerOrgId"),
        ({"destinationLon": 10.0}, "destination_outside_china", "destinationLon"),
    ]
    for patch, code, field in cases:
        c.refusal(await client.patch(c.url(draft["id"]), json=patch, headers=p.sales), 422, code, field)
    c.refusal(await client.patch(c.url(draft["id"]), json={"sellerOrgId": str(p.buyer_id)}, headers=p.sales),
              400, "invalid_input", "sellerOrgId")
    unchanged = await c.ok(await client.get(c.url(draft["id"]), headers=p.sales))
    assert unchanged["updatedAt"] == draft["updatedAt"] and unchanged["sulphurPct"] == 0.85


async def test_the_scan_must_be_a_pdf_of_at_most_20_mb(client, p):
    draft = await c.draft(client, p)
    for not_pdf in (b"", b"PK\x03\x04 a zip, not a pdf", b"<html>%PDF-</html>", b"%PDF"):
        c.refusal(await c.upload(client, p.sales, draft["id"], not_pdf), 422, "contract_pdf_invalid", "file")
    too_big = b"%PDF-" + bytes(MAX_PDF_BYTES - 4)
    refused = c.refusal(await c.upload(client, p.sales, draft["id"], too_big), 413, "contract_pdf_too_large", "file")
    assert "20 MB" in refused["message_en"]
    at_limit = b"%PDF-" + bytes(MAX_PDF_BYTES - 5)
    assert (await c.ok(await c.upload(client, p.sales, draft["id"], at_limit)))["pdf"]["sizeBytes"] == MAX_PDF_BYTES
    c.refusal(await c.upload(client, p.buyer, draft["id"]), 403, "forbidden", None)


async def test_filing_needs_the_scan(client, p):
    draft = await c.draft(client, p)
    c.refusal(await client.post(c.url(draft["id"], "file"), headers=p.sales), 409, "contract_pdf_required", "file")
    c.refusal(await client.post(c.url(draft["id"], "file"), headers=p.buyer), 403, "forbidden", None)
