"""AssayRecorded is announced for a new assay and a corrected one (a load's ticket, or a batch's day), never
for the same report sent again unchanged."""

from __future__ import annotations

from backend import events
from backend.domain.assays.events import AssayRecorded
from tests.assays import helpers as a
from tests.contracts import helpers as c
from tests.orders import pass_helpers as ph


async def test_assay_recorded_is_announced_once_per_change(ctx, client, app, monkeypatch):
    heard: list[AssayRecorded] = []

    async def recorder(session, ctx, event) -> None:
        heard.append(event)

    monkeypatch.setitem(events._IN_TRANSACTION, AssayRecorded, [recorder])
    lab = await a.lab_world(ctx, client, app)
    p = lab.p
    made = await c.ok(
        await client.post(a.assays_url(lab.contract_id), json=a.load_body(lab.ticket_no), headers=p.buyer),
        201,
    )
    batch = {**a.load_body(None, reportNo="B-EV"), "scope": "batch", "batchDate": lab.ticket_day}
    await c.ok(await client.post(a.assays_url(lab.contract_id), json=batch, headers=p.buyer), 201)
    key = await ph.key(client, p.seller_id, p.seller)
    body = {**a.load_body(lab.ticket_no, lab="mine"), "contractNo": lab.lw.gw.w.contract["contractNo"]}
    del body["reportNo"]
    async with a.erp(app, key) as lims:
        assert (await lims.put("/open/v1/assays/KF-EV", json=body)).status_code == 201
        assert (await lims.put("/open/v1/assays/KF-EV", json=body)).status_code == 200  # unchanged: no event
        assert (await lims.put("/open/v1/assays/KF-EV", json={**body, "mtPct": "15"})).status_code == 200
    assert [(str(e.assay_id) == made["id"], e.ticket_nos, e.batch_date is not None) for e in heard[:2]] == [
        (True, (lab.ticket_no,), False),
        (False, (), True),
    ]
    assert len(heard) == 4 and heard[2].assay_id == heard[3].assay_id
    assert all(str(e.contract_id) == lab.contract_id for e in heard)
