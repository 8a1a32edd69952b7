"""A contract with loads to settle: parties, a site, an active contract, pickup orders issued
through the API, and their weigh tickets written straight to the tables (the lane's own flow is
tested in tests/weighing; here only the ticket's figures matter)."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx

from backend import clock as backend_clock
from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.weighing.models import Weighing, WeighTicket
from tests.contracts import helpers as ch
from tests.sites import helpers as sh

_SEQ = itertools.count(1)


@dataclass
class World:
    p: ch.Parties
    contract: dict[str, Any]
    site: dict[str, Any]
    buyer_finance: dict[str, str]
    seller_finance: dict[str, str]
    tickets: list[str] = field(default_factory=list)


async def world(ctx: Context, client: httpx.AsyncClient, **contract: Any) -> World:
    p = await ch.parties(ctx, client)
    site = await sh.create_site(client, p.seller, p.seller_id, checkinZone=sh.CHECKIN_ZONE)
    active = await ch.active(client, p, **{"quantityKg": 50_000_000, **contract})
    _, _, buyer_finance = await sh.member(ctx, client, role="finance", org_id=p.buyer_id)
    _, _, seller_finance = await sh.member(ctx, client, role="finance", org_id=p.seller_id)
    return World(p, active, site, buyer_finance, seller_finance)


async def loads(
    ctx: Context,
    client: httpx.AsyncClient,
    w: World,
    nets_kg: list[int],
    at: datetime | None = None,
    every: timedelta = timedelta(hours=1),
) -> list[str]:
    """One pickup order and one valid ticket per net weight, weighed (gross) from `at` on."""
    r = await client.post(
        "/api/mine/orders",
        headers=w.p.sales,
        json={
            "contractId": w.contract["id"],
            "siteId": w.site["id"],
            "plannedKg": 40_000,
            "count": len(nets_kg),
        },
    )
    assert r.status_code == 201, r.text
    orders = r.json()
    start = at or backend_clock.now() - timedelta(hours=len(nets_kg) + 1)
    numbers = []
    async with unit_of_work(ctx) as session:
        for i, (order, net) in enumerate(zip(orders, nets_kg, strict=True)):
            gross_at = start + every * i
            tare_kg = 15_000
            ids = []
            for kind, kg, when in (
                ("tare", tare_kg, gross_at - timedelta(minutes=30)),
                ("gross", tare_kg + net, gross_at),
            ):
                wid = uuid.uuid4()
                session.add(
                    Weighing(
                        id=wid,
                        order_id=uuid.UUID(order["id"]),
                        site_id=uuid.UUID(w.site["id"]),
                        key_id="test",
                        kind=kind,
                        plate="蒙K12345",
                        weight_kg=kg,
                        on_scale_at=when,
                        weighed_at=when,
                        status="accepted",
                        code="accepted",
                        signature="0" * 64,
                    )
                )
                ids.append(wid)
            await session.flush()
            no = f"BD{next(_SEQ):04d}{uuid.uuid4().hex[:10].upper()}"
            session.add(
                WeighTicket(
                    ticket_no=no,
                    verify_code="ABCDEF",
                    order_id=uuid.UUID(order["id"]),
                    order_no=order["orderNo"],
                    contract_id=uuid.UUID(w.contract["id"]),
                    contract_no=w.contract["contractNo"],
                    seller_org_id=w.p.seller_id,
                    buyer_org_id=w.p.buyer_id,
                    seller_name="卖方",
                    buyer_name="买方",
                    region_code="150623",
                    site_id=uuid.UUID(w.site["id"]),
                    site_name="矿",
                    plate="蒙K12345",
                    product="mixed_coal",
                    tare_weighing_id=ids[0],
                    gross_weighing_id=ids[1],
                    tare_kg=tare_kg,
                    gross_kg=tare_kg + net,
                    net_kg=net,
                    tare_at=gross_at - timedelta(minutes=30),
                    gross_at=gross_at,
                    status="valid",
                )
            )
            numbers.append(no)
    w.tickets.extend(numbers)
    return numbers


async def void(ctx: Context, ticket_no: str) -> None:
    from sqlalchemy import update

    async with unit_of_work(ctx) as session:
        await session.execute(
            update(WeighTicket)
            .where(WeighTicket.ticket_no == ticket_no)
            .values(status="void", void_reason="复磅")
        )


def tax(amount_fen: int, rate_bp: int = 1300) -> int:
    from decimal import ROUND_HALF_EVEN, Decimal

    return int((Decimal(amount_fen) * rate_bp / 10000).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def amount(kg: int, fen_per_t: int) -> int:
    from decimal import ROUND_HALF_EVEN, Decimal

    return int((Decimal(kg) * fen_per_t / 1000).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def body(
    w: World,
    tickets: list[str] | None,
    *,
    no: str | None = None,
    price: int | None = None,
    nets: list[int] | None = None,
    **over: Any,
) -> dict[str, Any]:
    """A settlement of `tickets` at `price` (the contract's by default) on their nets, figures consistent."""
    price = w.contract["priceFenPerT"] if price is None else price
    kg = sum(nets or [])
    amt = sum(amount(n, price) for n in nets or [])
    today = backend_clock.now().date()
    out: dict[str, Any] = {
        "settlementNo": no or f"JS{uuid.uuid4().hex[:12].upper()}",
        "contractId": w.contract["id"],
        "periodFrom": (today - timedelta(days=3)).isoformat(),
        "periodTo": (today + timedelta(days=1)).isoformat(),
        "supplierKg": kg,
        "settledKg": kg,
        "unitPriceFenPerT": price,
        "amountFen": amt,
        "taxRateBp": 1300,
        "taxFen": tax(amt),
        "totalFen": amt + tax(amt),
        "bank": {
            "accountName": "达拉特电厂",
            "bank": "中国工商银行达拉特旗支行",
            "accountNo": "0603 0211 0900 1234 567",
        },
    }
    if tickets is not None:
        out["ticketNos"] = tickets
    out.update(over)
    return out


async def issue(
    client: httpx.AsyncClient, headers: dict[str, str], b: dict[str, Any], status: int = 201
) -> dict[str, Any]:
    r = await client.post("/api/enterprise/settlements", json=b, headers=headers)
    assert r.status_code == status, r.text
    result: dict[str, Any] = r.json()
    return result


async def terms(client: httpx.AsyncClient, w: World, **over: Any) -> dict[str, Any]:
    """The issue's worked example as the contract's price terms (tests/pricing/worked.py)."""
    from tests.pricing.worked import WORKED_BODY

    r = await client.post(
        f"/api/enterprise/contracts/{w.contract['id']}/price-terms",
        json={**WORKED_BODY, **over},
        headers=w.p.sales,
    )
    assert r.status_code == 201, r.text
    result: dict[str, Any] = r.json()
    return result


async def assay(
    client: httpx.AsyncClient, w: World, ticket_no: str, qnet: int, mt: str, *, lab: str = "buyer"
) -> None:
    r = await client.post(
        f"/api/enterprise/contracts/{w.contract['id']}/assays",
        headers=w.p.buyer,
        json={
            "scope": "load",
            "ticketNo": ticket_no,
            "lab": lab,
            "labName": "电厂化验室",
            "sampleNo": f"S-{ticket_no}",
            "reportNo": f"HY-{ticket_no}",
            "standard": "GB/T 213-2008",
            "testedOn": backend_clock.now().date().isoformat(),
            "qnetArKcalPerKg": qnet,
            "mtPct": mt,
        },
    )
    assert r.status_code == 201, r.text


def lines(tickets: list[str], nets: list[int], prices: list[int]) -> list[dict[str, Any]]:
    return [
        {"ticketNo": no, "settledKg": n, "unitPriceFenPerT": p, "amountFen": amount(n, p)}
        for no, n, p in zip(tickets, nets, prices, strict=True)
    ]


def with_lines(
    w: World, tickets: list[str], nets: list[int], prices: list[int], **over: Any
) -> dict[str, Any]:
    """A settlement whose figures are the sums of its lines (price: the weighted one, half-even)."""
    from decimal import ROUND_HALF_EVEN, Decimal

    ls = lines(tickets, nets, prices)
    kg = sum(nets)
    amt = sum(x["amountFen"] for x in ls)
    unit = int((Decimal(amt) * 1000 / kg).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
    b = body(w, tickets, nets=nets)
    b.update(
        lines=ls,
        settledKg=kg,
        supplierKg=kg,
        amountFen=amt,
        unitPriceFenPerT=unit,
        taxFen=tax(amt),
        totalFen=amt + tax(amt),
    )
    b.update(over)
    return b


async def alert_count(ctx: Context, ref: str, kind: str) -> int:
    from sqlalchemy import func, select

    from backend.domain.alerts.models import Alert

    async with unit_of_work(ctx) as session:
        return int(
            (
                await session.execute(
                    select(func.count()).select_from(Alert).where(Alert.ref == ref, Alert.kind == kind)
                )
            ).scalar_one()
        )
