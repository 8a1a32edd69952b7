"""The price terms and the assays in a chain alert's evidence pack: the version in force and the loads'
assays (with the report's scan); nothing for an alert that names no contract."""

from __future__ import annotations

import json
import uuid

from backend.db.unit import unit_of_work
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertRaise
from backend.domain.assays.alert_evidence import assays as assays_evidence
from backend.domain.pricing.alert_evidence import price_terms as terms_evidence
from tests.assays import helpers as a
from tests.contracts import helpers as c
from tests.pricing.worked import WORKED_BODY


async def test_chain_alert_carries_terms_and_assays(ctx, client, app):
    lab = await a.lab_world(ctx, client, app)
    p = lab.p
    url = f"/api/enterprise/contracts/{lab.contract_id}/price-terms"
    await c.ok(await client.post(url, json=WORKED_BODY, headers=p.sales), 201)
    await c.ok(await client.post(url, json={**WORKED_BODY, "basePriceFenPerT": 31000}, headers=p.sales), 201)
    made = await c.ok(
        await client.post(a.assays_url(lab.contract_id), json=a.load_body(lab.ticket_no), headers=p.buyer),
        201,
    )
    await c.ok(
        await client.put(
            f"/api/enterprise/assays/{made['id']}/scan",
            content=a.PNG,
            headers={**p.buyer, "Content-Type": "image/png"},
        )
    )
    async with unit_of_work(ctx) as session:
        alert = await alerts.raise_alert(
            session,
            data=AlertRaise(
                kind="settlement_mismatch",
                org_id=uuid.UUID(str(p.buyer_id)),
                site_id=None,
                region_code="150623",
                ref=f"settlement:JS-TEST-{lab.ticket_no}",
                message_zh="结算单不符",
                message_en="settlement differs",
                details={"contractId": lab.contract_id, "ticketNos": [lab.ticket_no]},
            ),
        )
        terms_files = await terms_evidence(session, ctx, alert)
        assay_files = await assays_evidence(session, ctx, alert)
        nothing = await alerts.raise_alert(
            session,
            data=AlertRaise(
                kind="settlement_mismatch",
                org_id=uuid.UUID(str(p.buyer_id)),
                site_id=None,
                region_code="150623",
                ref="settlement:JS-OTHER",
                message_zh="无合同",
                message_en="no contract",
                details={},
            ),
        )
        assert (
            await terms_evidence(session, ctx, nothing) == []
            and await assays_evidence(session, ctx, nothing) == []
        )
        await session.commit()
    names = [f.name for f in terms_files]
    assert names == ["pricing/price-terms-versions.json", "pricing/price-terms-v2.json"]
    v2 = json.loads(terms_files[1].data)
    assert v2["basePriceFenPerT"] == 31000 and len(v2["rules"]) == 4
    assert [f.name for f in assay_files] == ["assays/assays.json", "assays/HY20261207-001.png"]
    listed = json.loads(assay_files[0].data)
    assert listed["assays"][0]["ticketNo"] == lab.ticket_no and assay_files[1].data == a.PNG
