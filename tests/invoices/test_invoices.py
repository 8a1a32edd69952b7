"""Transport invoices: a clean invoice matched to its waybill, each suspicion raised once, the
number's structure, refusals that store nothing, idempotent uploads, strangers and drivers."""

from __future__ import annotations

import io
import zipfile

import httpx
import pytest
from litestar import Litestar

from backend import clock
from backend.context import Context
from backend.domain.invoices import service as invoices
from backend.errors import Invalid
from tests.invoices import helpers as h
from tests.sites import helpers as sh

INVOICES = "/api/enterprise/transport-invoices"


async def test_a_clean_invoice_matches_its_waybill_and_a_repeat_stores_nothing(
    ctx: Context, client: httpx.AsyncClient, app: Litestar
) -> None:
    c = await h.delivered(ctx, client, app)
    doc = h.body(c)
    r = await client.post(INVOICES, json=doc, headers=c.seller)
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["status"] == "checked" and out["findings"] == [] and out["payerSide"] == "buyer", out
    assert (
        out["lines"][0]["status"] == "matched" and out["lines"][0]["waybills"][0]["waybillNo"] == c.waybill_no
    )
    assert out["lines"][0]["deliveredKg"] == h.RECEIVED_KG
    again = await client.post(INVOICES, json=doc, headers=c.seller)
    assert again.status_code == 200 and again.json()["id"] == out["id"], again.text
    # The seller's own system sends the same invoice: the same answer, no new row.
    path_doc = {k: v for k, v in doc.items() if k != "invoiceNo"}
    r = await c.erp.put(f"/open/v1/transport-invoices/{doc['invoiceNo']}", json=path_doc)
    assert r.status_code == 200 and r.json()["id"] == out["id"], r.text
    assert await h.count(ctx, "SELECT COUNT(*) FROM transport_invoices") == 1
    r = await client.get(f"{INVOICES}/{out['id']}", headers=c.buyer)
    assert r.status_code == 200 and r.json()["lines"][0]["waybills"][0]["orderNo"] == c.lw.gw.order["orderNo"]
    # The driver sees the freight of his load; another driver sees none.
    r = await client.get("/api/driver/freight", headers=c.lw.gw.trucker.headers)
    assert r.status_code == 200 and [x["waybillNo"] for x in r.json()] == [c.waybill_no], r.text
    assert r.json()[0]["amountFen"] == 300_000 and r.json()[0]["invoiceNo"] == doc["invoiceNo"]
    other = await h.delivered(ctx, client, app)
    r = await client.get("/api/driver/freight", headers=other.lw.gw.trucker.headers)
    assert r.status_code == 200 and r.json() == [], r.text


async def test_each_suspicion_raises_its_alert_once(
    ctx: Context, client: httpx.AsyncClient, app: Litestar
) -> None:
    c = await h.delivered(ctx, client, app)
    doc = h.body(
        c,
        [
            h.line(c, line_no=1, plate="蒙A00000", amount_fen=100_000),
            h.line(c, line_no=2, quantity_kg=h.RECEIVED_KG + 5_000, amount_fen=200_000),
        ],
    )
    for _ in range(2):
        r = await client.post(INVOICES, json=doc, headers=c.seller)
        assert r.status_code in (200, 201), r.text
    out = r.json()
    assert out["status"] == "suspect" and [x["status"] for x in out["lines"]] == [
        "no_waybill",
        "above_delivered",
    ], out
    no = doc["invoiceNo"]
    assert await h.alerts_of(ctx, "invoice_without_waybill", f"invoice:{no}:line:1") == 1
    assert await h.alerts_of(ctx, "invoiced_above_delivered", f"invoice:{no}:line:2") == 1
    assert await h.count(ctx, "SELECT COUNT(*) FROM alerts WHERE ref LIKE :r", r=f"invoice:{no}%") == 2
    assert out["lines"][0]["findings"][0]["messageEn"].startswith("Line 1: no closed waybill")

    # A second invoice billing the same waybill: 重复开票, raised once however often it is sent.
    second = h.body(c)
    for _ in range(2):
        r = await client.post(INVOICES, json=second, headers=c.seller)
        assert r.status_code in (200, 201), r.text
    assert r.json()["lines"][0]["status"] == "waybill_invoiced_twice", r.text
    assert await h.alerts_of(ctx, "waybill_invoiced_twice", f"invoice:{second['invoiceNo']}:line:1") == 1


async def test_freight_off_the_regions_band_is_raised_once(
    ctx: Context, client: httpx.AsyncClient, app: Litestar
) -> None:
    c = await h.delivered(ctx, client, app)
    await h.set_distance(ctx, c.waybill_no, 100_000.0)  # 100 km: 28.95 t × 100 km = 2,895 t·km
    fair = h.body(c, [h.line(c, amount_fen=150_000)])  # 1,500 yuan: 0.518 yuan/t·km
    r = await client.post(INVOICES, json=fair, headers=c.seller)
    assert r.status_code == 201 and r.json()["status"] == "checked", r.text
    assert r.json()["lines"][0]["rateMilliYuanPerTkm"] == 518
    c2 = await h.delivered(ctx, client, app)
    await h.set_distance(ctx, c2.waybill_no, 100_000.0)
    dear = h.body(c2, [h.line(c2, amount_fen=900_000)])  # 3.109 yuan/t·km
    for _ in range(2):
        r = await client.post(INVOICES, json=dear, headers=c2.seller)
    assert r.json()["lines"][0]["status"] == "rate_off_band", r.text
    assert await h.alerts_of(ctx, "freight_rate_off_band", f"invoice:{dear['invoiceNo']}:line:1") == 1


async def test_the_same_number_from_another_party_or_with_other_content_is_409_and_one_alert(
    ctx: Context, client: httpx.AsyncClient, app: Litestar
) -> None:
    c = await h.delivered(ctx, client, app)
    doc = h.body(c)
    assert (await client.post(INVOICES, json=doc, headers=c.seller)).status_code == 201
    r = await client.post(INVOICES, json=doc, headers=c.buyer)  # the payer uploads the same number
    assert r.status_code == 409 and r.json()["code"] == "invoice_number_duplicate", r.text
    changed = {**doc, "sellerName": "另一家承运公司"}
    r = await client.post(INVOICES, json=changed, headers=c.seller)
    assert r.status_code == 409 and r.json()["field"] == "invoiceNo", r.text
    assert await h.alerts_of(ctx, "invoice_number_duplicate", f"invoice:{doc['invoiceNo']}") == 1
    assert await h.count(ctx, "SELECT COUNT(*) FROM transport_invoices") == 1


async def test_an_invoice_to_a_third_party_differs_in_its_parties(
    ctx: Context, client: httpx.AsyncClient, app: Litestar
) -> None:
    c = await h.delivered(ctx, client, app)
    _, third, _ = await sh.member(ctx, client, role="enterprise_admin", kind="trader")
    doc = h.body(c, buyer_cc=await h.credit_code(ctx, third))
    for _ in range(2):
        r = await client.post(INVOICES, json=doc, headers=c.seller)
    assert r.json()["status"] == "suspect" and r.json()["findings"][0]["code"] == "parties_differ", r.text
    assert await h.alerts_of(ctx, "parties_differ", f"invoice:{doc['invoiceNo']}") == 1


def _yy(delta: int) -> str:
    return f"{(clock.today_china().year + delta) % 100:02d}"


@pytest.mark.parametrize(
    ("number", "why"),
    [
        ("1234567890123456789", "19 digits"),
        ("123456789012345678901", "21 digits"),
        ("2615A000000000000001", "a letter"),
        ("FUTURE", "next year"),
        ("18152000000000000001", "before 2019"),
        ("PROV99", "province 99"),
        ("PROV71", "Taiwan is not issued here"),
        ("PROV10", "no province 10"),
        ("ZEROS", "sequence of zeros"),
    ],
)
def test_the_number_structure_is_checked(number: str, why: str) -> None:
    number = {
        "FUTURE": f"{_yy(1)}152000000000000001",
        "PROV99": f"{_yy(0)}992000000000000001",
        "PROV71": f"{_yy(0)}712000000000000001",
        "PROV10": f"{_yy(0)}102000000000000001",
        "ZEROS": f"{_yy(0)}152000000000000000",
    }.get(number, number)
    with pytest.raises(Invalid) as refused:
        invoices.check_number(number, today=clock.today_china())
    assert refused.value.field == "invoiceNo" and refused.value.message_zh and refused.value.message_en, why


@pytest.mark.parametrize("number", ["19110000000000000001", "ZZ650900000000000123"])
def test_well_formed_numbers_pass(number: str) -> None:
    number = number.replace("ZZ", _yy(0))
    assert invoices.check_number(number, today=clock.today_china()) == number


async def test_bad_content_is_refused_on_its_field_and_stores_nothing(
    ctx: Context, client: httpx.AsyncClient, app: Litestar
) -> None:
    c = await h.delivered(ctx, client, app)
    base = h.body(c)
    cases = [
        ({"invoiceNo": f"{_yy(0)}992000000000000001"}, "invoiceNo"),
        ({"invoiceNo": "123"}, "invoiceNo"),
        ({"kind": "83"}, "kind"),
        ({"taxFen": base["taxFen"] + 2}, "taxFen"),
        ({"totalFen": base["totalFen"] + 1}, "totalFen"),
        (
            {"sellerCreditCode": c.seller_cc[:-1] + ("0" if c.seller_cc[-1] != "0" else "1")},
            "sellerCreditCode",
        ),
        ({"taxRateBp": 800}, "taxRateBp"),
        ({"issueDate": "2018-12-31"}, "issueDate"),
        ({"lines": [h.line(c, mode=6)]}, "lines[0].mode"),
        ({"lines": [h.line(c, plate="蒙K1234567890")]}, "lines[0].plate"),
        ({"lines": [h.line(c, quantity_kg=0)]}, "lines[0].quantityKg"),
        (
            {
                "amountFen": base["amountFen"] + 1,
                "taxFen": invoices.tax_of(base["amountFen"] + 1, 900),
                "totalFen": base["amountFen"] + 1 + invoices.tax_of(base["amountFen"] + 1, 900),
            },
            "amountFen",
        ),
    ]
    for change, field in cases:
        r = await client.post(INVOICES, json={**base, **change}, headers=c.seller)
        assert r.status_code == 422 and r.json()["field"] == field, (change, r.text)
        assert r.json()["message_zh"] and r.json()["message_en"]
    assert await h.count(ctx, "SELECT COUNT(*) FROM transport_invoices") == 0
    assert await h.count(ctx, "SELECT COUNT(*) FROM alerts WHERE ref LIKE 'invoice:%'") == 0


async def test_strangers_get_404_and_cannot_upload(
    ctx: Context, client: httpx.AsyncClient, app: Litestar
) -> None:
    c = await h.delivered(ctx, client, app)
    r = await client.post(INVOICES, json=h.body(c), headers=c.seller)
    assert r.status_code == 201, r.text
    _, _, stranger = await sh.member(ctx, client, role="enterprise_admin", kind="trader")
    assert (await client.get(f"{INVOICES}/{r.json()['id']}", headers=stranger)).status_code == 404
    assert (await client.get(INVOICES, headers=stranger)).json()["total"] == 0
    assert (await client.get(INVOICES, headers=c.buyer)).json()["total"] == 1
    r = await client.post(INVOICES, json=h.body(c), headers=stranger)
    assert r.status_code == 403 and r.json()["code"] == "invoice_not_party", r.text
    assert await h.count(ctx, "SELECT COUNT(*) FROM transport_invoices") == 1


async def test_the_alerts_evidence_pack_holds_the_invoice_and_the_waybill(
    ctx: Context, client: httpx.AsyncClient, app: Litestar
) -> None:
    c = await h.delivered(ctx, client, app)
    doc = h.body(c, [h.line(c, quantity_kg=h.RECEIVED_KG + 9_000)])
    assert (await client.post(INVOICES, json=doc, headers=c.seller)).status_code == 201
    alerts = (await c.erp.get("/open/v1/alerts?state=all&limit=200")).json()
    found = [a for a in alerts["items"] if a["kind"] == "invoiced_above_delivered"]
    assert len(found) == 1, alerts
    r = await c.erp.get(f"/open/v1/alerts/{found[0]['id']}/evidence.zip")
    assert r.status_code == 200, r.text
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert f"invoice/{doc['invoiceNo']}.json" in names and f"waybill/{c.waybill_no}.json" in names, names
    assert f"receipt/{c.waybill_no}.json" in names, names
