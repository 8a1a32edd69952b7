"""Two tenants of the chain, each complete: a mine with its site, lane, device and keys, a buyer, a
contract, a ticketed pickup order with its waybill and its settlement, a carrier with its admin, dispatcher, bound driver,
truck and key, a carrier order, a self-employed driver with his own truck, a regulator's zone, a
notice, a red alert at the mine with a disposal photo, and a GPS alert about the driver's truck with
his appeal. Built through the API and services like real data; drivers are bound to fleets by the
factory (how a binding is consented to is not what the matrix probes)."""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import httpx
from litestar import Litestar
from sqlalchemy import select

from backend import clock as backend_clock
from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertRaise
from backend.domain.notices.models import Notice
from backend.domain.organisations import service as organisations
from backend.domain.tracking import service as tracking
from backend.domain.tracking.schemas import ZoneCreate
from devices.sim.camera import tiny_jpeg
from tests import factories as f
from tests.assays import helpers as ah
from tests.contracts import helpers as ch
from tests.drivers import helpers as dh
from tests.invoices import helpers as invh
from tests.orders import helpers as oh
from tests.orders import pass_helpers as ph
from tests.pricing.worked import WORKED_BODY
from tests.sites import helpers as sh
from tests.waybills import helpers as wayh
from tests.weighing import helpers as wh


@dataclass
class Tenant:
    """One tenant: the headers of its people (callers) and the ids of its objects (targets)."""

    people: dict[str, dict[str, str]] = field(default_factory=dict)
    ids: dict[str, list[str]] = field(default_factory=dict)
    erp: ph.Key | None = None

    def add(self, kind: str, value: object) -> None:
        self.ids.setdefault(kind, []).append(str(value))


async def _user_id(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    r = await client.get("/api/auth/me", headers=headers)
    assert r.status_code == 200, r.text
    return str(r.json()["userId"])


def settlement_body(contract: dict[str, Any], ticket_no: str | None, net_kg: int, number: str) -> dict[str, Any]:
    """A consistent settlement of one load at the contract's flat price, with a scan (a seller's upload)."""
    price = contract["priceFenPerT"]
    amount = int((Decimal(net_kg) * price / 1000).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
    tax = int((Decimal(amount) * 1300 / 10000).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
    today = backend_clock.now().date()
    body: dict[str, Any] = {
        "settlementNo": number, "contractId": contract["id"], "contractNo": contract["contractNo"],
        "periodFrom": (today - timedelta(days=2)).isoformat(), "periodTo": (today + timedelta(days=1)).isoformat(),
        "supplierKg": net_kg, "settledKg": net_kg, "unitPriceFenPerT": price, "amountFen": amount, "taxRateBp": 1300,
        "taxFen": tax, "totalFen": amount + tax, "scan": base64.b64encode(ch.PDF).decode(),
        "bank": {"accountName": "矩阵煤矿", "bank": "矩阵银行", "accountNo": "6222 0000 1111"},
    }
    if ticket_no is not None:
        body["ticketNos"] = [ticket_no]
    return body


async def _invoice_and_payment(ctx: Context, client: httpx.AsyncClient, t: Tenant, lw: wh.LaneWorld) -> None:
    """A freight invoice the mine issued to its buyer for the load, and the buyer's payment of it."""
    p = lw.gw.w.parties
    seller_cc, buyer_cc = await invh.credit_code(ctx, p.seller_id), await invh.credit_code(ctx, p.buyer_id)
    today = backend_clock.today_china()
    line = {"lineNo": 1, "origin": "鄂托克前旗", "destination": "电厂", "mode": 2, "plate": lw.plate, "goods": "煤炭运输",
            "quantityKg": 29_000, "amountFen": 100_000, "serviceDate": today.isoformat()}
    doc = {"invoiceNo": invh.number(), "issueDate": today.isoformat(), "kind": "82", "sellerName": "矿",
           "sellerCreditCode": seller_cc, "buyerName": "电厂", "buyerCreditCode": buyer_cc, "amountFen": 100_000,
           "taxRateBp": 900, "taxFen": 9_000, "totalFen": 109_000, "lines": [line]}
    r = await client.post("/api/enterprise/transport-invoices", json=doc, headers=p.seller)
    assert r.status_code == 201, r.text
    t.add("invoice", r.json()["id"])
    t.add("invoice_no", doc["invoiceNo"])
    pay = {"flowNo": f"M{doc['invoiceNo']}", "payerName": "电厂", "payerCreditCode": buyer_cc, "payeeName": "矿",
           "payeeCreditCode": seller_cc, "payeeAccount": "6222020200112233445", "bankCode": "102100099996",
           "amountFen": 109_000, "paidAt": backend_clock.now().isoformat(), "means": "32", "invoiceNo": doc["invoiceNo"]}
    r = await client.post("/api/enterprise/payments", json=pay, headers=p.buyer)
    assert r.status_code == 201, r.text
    t.add("payment", r.json()["id"])
    t.add("flow_no", pay["flowNo"])


async def tenant(ctx: Context, client: httpx.AsyncClient, app: Litestar) -> Tenant:
    t = Tenant()
    lw = await wayh.ticketed(ctx, client, app)
    gw, w = lw.gw, lw.gw.w
    p = w.parties
    t.people.update(mine_admin=p.seller, mine_sales=p.sales, mine_dispatcher=w.dispatcher, buyer_admin=p.buyer,
                    buyer_dispatcher=p.buyer_staff, driver=gw.trucker.headers)
    t.erp = gw.erp
    t.add("mine_org", p.seller_id)
    t.add("buyer_org", p.buyer_id)
    t.add("site", gw.site_id)
    t.add("order", gw.order_id)
    t.add("contract", w.contract["id"])
    t.add("device", gw.device_id)
    t.add("key", gw.erp.key_id)
    t.add("key", gw.device.key_id)
    t.add("driver", gw.trucker.driver_id)
    t.add("vehicle", await wayh.vehicle_id(ctx, lw))
    t.add("mine_user", await _user_id(client, w.dispatcher))
    tickets = (await client.get(f"/api/mine/sites/{gw.site_id}/tickets", headers=p.sales)).json()["items"]
    t.add("ticket", tickets[0]["ticketNo"])
    r = await ph.machine(app, gw.erp).post("/open/v1/waybills", json={"orderNo": gw.order["orderNo"]})
    assert r.status_code == 201, r.text
    t.add("waybill", r.json()["waybillNo"])
    # The contract's price terms and the buyer's assay of the load, with its report's scan.
    r = await client.post(f"/api/enterprise/contracts/{w.contract['id']}/price-terms", json=WORKED_BODY, headers=p.sales)
    assert r.status_code == 201, r.text
    report_no = f"HY-{uuid.uuid4().hex[:10]}"
    r = await client.post(f"/api/enterprise/contracts/{w.contract['id']}/assays", headers=p.buyer,
                          json=ah.load_body(tickets[0]["ticketNo"], reportNo=report_no))
    assert r.status_code == 201, r.text
    t.add("assay", r.json()["id"])
    t.add("report", report_no)
    r = await client.put(f"/api/enterprise/assays/{r.json()['id']}/scan", content=ah.PNG,
                         headers={**p.buyer, "Content-Type": "image/png"})
    assert r.status_code == 200, r.text
    # A settlement of the ticket, uploaded by the seller with the buyer's signed scan.
    settled = await client.post("/api/enterprise/settlements", headers=p.seller, json=settlement_body(
        w.contract, tickets[0]["ticketNo"], tickets[0]["netKg"], f"JS-M{uuid.uuid4().hex[:10].upper()}"))
    assert settled.status_code == 201, settled.text
    t.add("settlement", settled.json()["id"])
    t.add("settlement_no", settled.json()["settlementNo"])

    # The carrier: admin, dispatcher, a bound driver, a truck, a key, an order carried by it.
    _, carrier_id, carrier_admin = await sh.member(ctx, client, role="carrier_admin", kind="carrier")
    _, _, carrier_dispatcher = await sh.member(ctx, client, role="dispatcher", org_id=carrier_id)
    t.people.update(carrier_admin=carrier_admin, carrier_dispatcher=carrier_dispatcher)
    t.add("carrier_org", carrier_id)
    r = await client.post(f"/api/enterprise/orgs/{carrier_id}/fleet/vehicles", json=dh.vehicle_body(),
                          headers=carrier_admin)
    assert r.status_code == 201, r.text
    t.add("vehicle", r.json()["id"])
    bound, _ = await dh.driver(client, ctx)
    await f.bind_driver(ctx, driver_id=bound["driver"]["id"], org_id=carrier_id)
    t.add("driver", bound["driver"]["id"])
    t.add("key", (await dh.issue_key(client, carrier_id, carrier_admin))["key"]["keyId"])
    carried = await oh.issue(client, w, carrierOrgId=str(carrier_id))
    t.add("order", carried["id"])
    # A pending invitation, a login session and a licence scan: ids only their own people may use.
    invited = await client.post(f"/api/enterprise/orgs/{carrier_id}/fleet/drivers", json={"phone": f.phone()},
                                headers=carrier_admin)
    assert invited.status_code == 201, invited.text
    t.add("invitation", invited.json()["id"])
    sessions = (await client.get("/api/auth/sessions", headers=carrier_admin)).json()
    t.add("session", sessions[0]["sessionId"])
    await _invoice_and_payment(ctx, client, t, lw)

    async with unit_of_work(ctx) as session:
        zone = await tracking.create_zone(session, redis=ctx.redis, actor=sh.PLATFORM, data=ZoneCreate(
            kind="checkpoint", name=f"矩阵卡口{uuid.uuid4().hex[:6]}", region_code="150623",
            geometry=sh.rect(*sh.offset(sh.LON, sh.LAT, east_m=5000.0), width_m=200.0, height_m=200.0)))
        await session.commit()
        t.add("zone", zone.id)
        # Scans are lodged while an organisation awaits review; the platform may add one to any.
        scan = await organisations.upload_scan(session, ctx=ctx, actor=sh.PLATFORM, org_id=uuid.UUID(str(p.seller_id)),
                                               data=ch.PDF, title="营业执照")
        await session.commit()
        t.add("scan", scan.id)
        # A red alert at the mine (red: its district and city regulators see it too).
        alert = await alerts.raise_alert(session, data=AlertRaise(
            kind="weight_jump", org_id=uuid.UUID(str(p.seller_id)), site_id=uuid.UUID(str(gw.site_id)),
            region_code="150623", ref="weighing:matrix", plate=lw.plate, message_zh="矩阵告警", message_en="matrix alert"))
        await session.commit()
        t.add("alert", alert.id)
        driver_user = uuid.UUID(await _user_id(client, gw.trucker.headers))
        notices = (await session.execute(select(Notice.id).where(Notice.user_id == driver_user))).scalars().all()
        # A GPS alert about the driver's truck, which he appeals (the appeal's id is probed too).
        gps_alert = await alerts.raise_alert(session, data=AlertRaise(
            kind="gps_overspeed", org_id=uuid.UUID(str(p.seller_id)), site_id=None, region_code="150623",
            ref="gps_event:matrix", plate=lw.plate, message_zh="矩阵超速", message_en="matrix overspeed",
            driver_user_id=driver_user))
        await session.commit()
        t.add("alert", gps_alert.id)
    assert notices, "the dispatched driver has a notice"
    t.add("notice", notices[0])
    t.add("region", "150623")  # the mine's district: its alert routing is its regulators' and the platform's
    # A disposal photo on the red alert, and the driver's appeal on the GPS one.
    r = await client.put(f"/api/alerts/{alert.id}/files?purpose=disposal&name=matrix.jpg", content=tiny_jpeg("matrix"),
                         headers=p.seller)
    assert r.status_code == 201, r.text
    t.add("alert_file", r.json()["id"])
    r = await client.post(f"/api/alerts/{gps_alert.id}/appeals", json={"note": "矩阵申诉：我没有超速"},
                          headers=gw.trucker.headers)
    assert r.status_code == 201, r.text
    t.add("appeal", r.json()["appeals"][0]["id"])
    return t
