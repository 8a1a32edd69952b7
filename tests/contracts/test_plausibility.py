"""Plausibility bounds on quantities from the settings: a contract of 10^15 kg, a price of 10^9 fen per
tonne used to be accepted; each is now a 422 on its field. Orders keep their planned load within
the configured bounds and never above what a truck may legally carry."""

from __future__ import annotations

import dataclasses

import pytest

from backend.settings import Settings, load_settings
from tests.contracts import helpers as c
from tests.orders import helpers as oh

URL = "/api/enterprise/contracts"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, contract_max_quantity_kg=2_000_000_000, price_min_fen_per_t=5_000,
                               price_max_fen_per_t=500_000, order_min_planned_kg=5_000, order_max_planned_kg=40_000)


def test_the_bounds_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = load_settings()
    assert defaults.contract_max_quantity_kg == 50_000_000_000
    assert (defaults.price_min_fen_per_t, defaults.price_max_fen_per_t) == (100, 1_000_000)
    assert (defaults.order_min_planned_kg, defaults.order_max_planned_kg) == (100, 49_000)
    for name, value in (("MEITONG_CONTRACT_MAX_QUANTITY_KG", "7"), ("MEITONG_PRICE_MIN_FEN_PER_T", "8"),
                        ("MEITONG_PRICE_MAX_FEN_PER_T", "9"), ("MEITONG_ORDER_MIN_PLANNED_KG", "10"),
                        ("MEITONG_ORDER_MAX_PLANNED_KG", "11"), ("MEITONG_BODY_MAX_DEPTH", "12")):
        monkeypatch.setenv(name, value)
    loaded = load_settings()
    assert (loaded.contract_max_quantity_kg, loaded.price_min_fen_per_t, loaded.price_max_fen_per_t,
            loaded.order_min_planned_kg, loaded.order_max_planned_kg, loaded.body_max_depth) == (7, 8, 9, 10, 11, 12)


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"quantityKg": 10**15}, "contract_quantity_implausible", "quantityKg"),
        ({"quantityKg": 2_000_000_001}, "contract_quantity_implausible", "quantityKg"),
        ({"priceFenPerT": 10**9}, "contract_price_implausible", "priceFenPerT"),
        ({"priceFenPerT": 500_001}, "contract_price_implausible", "priceFenPerT"),
        ({"priceFenPerT": 4_999}, "contract_price_implausible", "priceFenPerT"),
        ({"priceFenPerT": 0}, "contract_price_invalid", "priceFenPerT"),
    ],
    ids=lambda v: str(v) if not isinstance(v, dict) else ",".join(f"{k}={v[k]}" for k in v),
)
async def test_implausible_terms_are_a_422_on_their_field(ctx, client, overrides, code, field):
    p = await c.parties(ctx, client)
    response = await client.post(URL, json=c.body(p, **overrides), headers=p.sales)
    refused = c.refusal(response, 422, code, field)
    assert refused["message_zh"] and refused["message_en"]
    listed = await c.ok(await client.get(URL, headers=p.sales))
    assert listed["total"] == 0


async def test_the_bounds_hold_on_an_edit_and_the_edges_pass(ctx, client):
    p = await c.parties(ctx, client)
    created = await c.ok(await client.post(URL, json=c.body(p, quantityKg=2_000_000_000, priceFenPerT=500_000),
                                           headers=p.sales), 201)
    r = await client.patch(c.url(created["id"]), json={"quantityKg": 10**15}, headers=p.sales)
    c.refusal(r, 422, "contract_quantity_implausible", "quantityKg")
    r = await client.patch(c.url(created["id"]), json={"priceFenPerT": 5_000}, headers=p.sales)
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(("planned", "ok"), [(4_999, False), (5_000, True), (40_000, True), (40_001, False)])
async def test_an_orders_planned_load_keeps_to_the_configured_bounds(ctx, client, planned, ok):
    w = await oh.world(ctx, client)
    r = await client.post("/api/mine/orders", json=oh.issue_body(w, plannedKg=planned), headers=w.parties.sales)
    if ok:
        assert r.status_code == 201, r.text
    else:
        refused = c.refusal(r, 422, "order_planned_kg", "plannedKg")
        assert "5" in refused["message_en"] and "40" in refused["message_en"], refused
