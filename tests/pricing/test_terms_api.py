"""Price terms over HTTP: versions (never overwritten), who may write and read, validation naming the
field, and the issue's worked example priced to the fen through the quote route."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from backend.db.unit import unit_of_work
from backend.domain.audit.models import AuditEntry
from backend.domain.pricing.models import PriceTerms
from tests.contracts import helpers as c
from tests.pricing.worked import WORKED_BODY
from tests.sites import helpers as h


@pytest.fixture
async def p(ctx, client) -> c.Parties:
    return await c.parties(ctx, client)


def terms_url(contract_id: Any, tail: str = "") -> str:
    return c.url(contract_id, "price-terms") + tail


def worked(**overrides: Any) -> dict[str, Any]:
    body = copy.deepcopy(WORKED_BODY)
    body.update(overrides)
    return body


async def test_worked_example_settles_to_the_fen_over_http(ctx, client, p):
    contract = await c.active(client, p)
    saved = await c.ok(await client.post(terms_url(contract["id"]), json=worked(), headers=p.sales), 201)
    assert saved["version"] == 1 and len(saved["rules"]) == 4 and saved["rules"][1]["lower"] == "3800"
    good = await c.ok(
        await client.post(
            terms_url(contract["id"], "/quote"),
            json={"qnetArKcalPerKg": 4260, "mtPct": 14},
            headers=p.buyer_staff,
        )
    )
    assert good["unitPriceFenPerT"] == 30400 and good["rejected"] is None
    poor = await c.ok(
        await client.post(
            terms_url(contract["id"], "/quote"),
            json={"qnetArKcalPerKg": "3720", "mtPct": "16.5"},
            headers=p.seller,
        )
    )
    assert poor["unitPriceFenPerT"] == 28300
    assert [a["fenPerT"] for a in poor["adjustments"]] == [-600, -900, -200]


async def test_a_new_version_never_overwrites_and_each_is_audited(ctx, client, p):
    contract = await c.active(client, p)
    await c.ok(await client.post(terms_url(contract["id"]), json=worked(), headers=p.sales), 201)
    second = await c.ok(
        await client.post(
            terms_url(contract["id"]),
            json=worked(basePriceFenPerT=31000, effectiveFrom="2026-02-01"),
            headers=p.buyer,
        ),
        201,
    )
    assert second["version"] == 2
    response = await client.get(terms_url(contract["id"]), headers=p.buyer_staff)
    assert response.status_code == 200, response.text
    listed: list[dict[str, Any]] = response.json()
    assert [t["version"] for t in listed] == [2, 1]
    assert [t["basePriceFenPerT"] for t in listed] == [31000, 30000]
    async with unit_of_work(ctx) as session:
        audits = (
            await session.execute(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "price_terms.create", AuditEntry.entity_id == contract["id"])
            )
        ).scalar_one()
        assert audits == 2


async def test_only_a_partys_admin_or_sales_writes_and_strangers_get_404(ctx, client, p):
    contract = await c.active(client, p)
    c.refusal(
        await client.post(terms_url(contract["id"]), json=worked(), headers=p.buyer_staff),
        403,
        "forbidden",
        None,
    )
    _, _, stranger = await h.member(ctx, client, role="enterprise_admin", kind="trader")
    _, wuhai = await h.regulator(ctx, client, "150300")
    for headers in (stranger, wuhai):
        c.refusal(await client.get(terms_url(contract["id"]), headers=headers), 404, "not_found", None)
        c.refusal(
            await client.post(terms_url(contract["id"]), json=worked(), headers=headers),
            404,
            "not_found",
            None,
        )
        c.refusal(
            await client.post(terms_url(contract["id"], "/quote"), json={"mtPct": 14}, headers=headers),
            404,
            "not_found",
            None,
        )
    c.refusal(await client.get(terms_url(uuid.uuid4()), headers=p.seller), 404, "not_found", None)
    _, district = await h.regulator(ctx, client, "150623")
    assert await c.ok(await client.get(terms_url(contract["id"]), headers=district)) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rules": [{**WORKED_BODY["rules"][0], "step": "0"}]}, "rules[0].step"),
        (
            {"rules": [WORKED_BODY["rules"][0], {**WORKED_BODY["rules"][1], "lower": "4100"}]},
            "rules[1].lower",
        ),
        ({"rules": [{**WORKED_BODY["rules"][0], "index": "qgr_d"}]}, "rules[0].index"),
        ({"rules": [{**WORKED_BODY["rules"][0], "partial": "ceil"}]}, "rules[0].partial"),
        ({"rules": [{**WORKED_BODY["rules"][0], "condition": "gt"}]}, "rules[0].condition"),
        ({"rules": [{**WORKED_BODY["rules"][0], "partial": "decimals"}]}, "rules[0].decimals"),
        ({"vatRateBp": 2001}, "vatRateBp"),
        ({"vatRateBp": -1}, "vatRateBp"),
        ({"allowedLossBp": 1001}, "allowedLossBp"),
        ({"baseQnetKcalPerKg": 900}, "baseQnetKcalPerKg"),
        ({"basis": "per_kcal"}, "basePriceMilliFenPerKcal"),
        ({"effectiveFrom": "1999-12-31"}, "effectiveFrom"),
    ],
)
async def test_bad_terms_are_refused_naming_the_field_and_nothing_is_stored(ctx, client, p, change, field):
    contract = await c.active(client, p)
    refused = c.refusal(
        await client.post(terms_url(contract["id"]), json=worked(**change), headers=p.sales),
        422,
        "price_terms_invalid",
        field,
    )
    assert refused["message_zh"] != refused["message_en"]
    async with unit_of_work(ctx) as session:
        assert (await session.execute(select(func.count()).select_from(PriceTerms))).scalar_one() == 0


async def test_quote_without_terms_or_with_bad_quality(ctx, client, p):
    contract = await c.active(client, p)
    c.refusal(
        await client.post(terms_url(contract["id"], "/quote"), json={"mtPct": 14}, headers=p.seller),
        404,
        "not_found",
        None,
    )
    await c.ok(await client.post(terms_url(contract["id"]), json=worked(), headers=p.sales), 201)
    c.refusal(
        await client.post(
            terms_url(contract["id"], "/quote"), json={"qnetArKcalPerKg": 9000}, headers=p.seller
        ),
        422,
        "quality_out_of_range",
        "qnetArKcalPerKg",
    )
    c.refusal(
        await client.post(terms_url(contract["id"], "/quote"), json={"mtPct": "14.555"}, headers=p.seller),
        422,
        "quality_out_of_range",
        "mtPct",
    )
    bad = await client.post(terms_url(contract["id"], "/quote"), json={"mtPct": "NaN"}, headers=p.seller)
    assert bad.status_code == 400
    mj = await c.ok(
        await client.post(
            terms_url(contract["id"], "/quote"),
            json={"qnetArKcalPerKg": 17.83, "mtPct": 14},
            headers=p.seller,
        )
    )
    assert mj["quality"]["qnetArKcalPerKg"] == "4264" and mj["unitPriceFenPerT"] == 30400
