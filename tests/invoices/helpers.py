"""A delivered load (ticket, waybill, the buyer's receipt) and invoice bodies that bill it."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import httpx
from litestar import Litestar
from sqlalchemy import text

from backend import clock as backend_clock
from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.invoices import service as invoices
from backend.domain.organisations import service as organisations
from tests.orders import pass_helpers as ph
from tests.sites import helpers as sh
from tests.waybills import helpers as wayh
from tests.weighing import helpers as wh

RECEIVED_KG = 28_950


@dataclass
class Chain:
    lw: wh.LaneWorld
    waybill_no: str
    plate: str
    seller_cc: str
    buyer_cc: str
    service_date: date
    seller: dict[str, str]  # the mine's enterprise_admin (the mine carries with its own trucks)
    buyer: dict[str, str]  # the buyer's enterprise_admin
    erp: Any  # the seller's signed client
    buyer_key: Any  # the buyer's signed client


async def credit_code(ctx: Context, org_id: Any) -> str:
    async with unit_of_work(ctx) as session:
        org = await organisations.get_org(session, actor=sh.PLATFORM, org_id=uuid.UUID(str(org_id)))
    return org.credit_code


async def delivered(ctx: Context, client: httpx.AsyncClient, app: Litestar) -> Chain:
    lw = await wayh.ticketed(ctx, client, app)
    p = lw.gw.w.parties
    erp = ph.machine(app, lw.gw.erp)
    r = await erp.post("/open/v1/waybills", json={"orderNo": lw.gw.order["orderNo"]})
    assert r.status_code == 201, r.text
    no, departed = r.json()["waybillNo"], datetime.fromisoformat(r.json()["departedAt"])
    buyer_key = ph.machine(app, await ph.key(client, p.buyer_id, p.buyer))
    receipt = {"netKg": RECEIVED_KG, "weighedAt": (backend_clock.now() + timedelta(minutes=1)).isoformat()}
    r = await buyer_key.post(f"/open/v1/waybills/{no}/receipt", json=receipt)
    assert r.status_code == 200, r.text
    return Chain(
        lw=lw,
        waybill_no=no,
        plate=lw.gw.trucker.plate,
        seller_cc=await credit_code(ctx, p.seller_id),
        buyer_cc=await credit_code(ctx, p.buyer_id),
        service_date=backend_clock.china_time(departed).date(),
        seller=p.seller,
        buyer=p.buyer,
        erp=erp,
        buyer_key=buyer_key,
    )


def number(province: str = "15") -> str:
    yy = backend_clock.today_china().year % 100
    return f"{yy:02d}{province}2{random.randrange(1, 10**15):015d}"


def line(
    c: Chain,
    *,
    line_no: int = 1,
    plate: str | None = None,
    quantity_kg: int = RECEIVED_KG,
    amount_fen: int = 300_000,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "lineNo": line_no,
        "origin": "内蒙古自治区&鄂尔多斯市&鄂托克前旗",
        "destination": "电厂",
        "mode": 2,
        "plate": plate or c.plate,
        "goods": "*运输服务*煤炭",
        "quantityKg": quantity_kg,
        "amountFen": amount_fen,
        "serviceDate": c.service_date.isoformat(),
        **extra,
    }


def body(
    c: Chain,
    lines: list[dict[str, Any]] | None = None,
    *,
    no: str | None = None,
    with_no: bool = True,
    seller_cc: str | None = None,
    buyer_cc: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    lines = lines if lines is not None else [line(c)]
    amount = sum(x["amountFen"] for x in lines)
    tax = invoices.tax_of(amount, 900)
    doc: dict[str, Any] = {
        "issueDate": backend_clock.today_china().isoformat(),
        "kind": "81",
        "sellerName": "承运公司",
        "sellerCreditCode": seller_cc or c.seller_cc,
        "buyerName": "付款公司",
        "buyerCreditCode": buyer_cc or c.buyer_cc,
        "amountFen": amount,
        "taxRateBp": 900,
        "taxFen": tax,
        "totalFen": amount + tax,
        "lines": lines,
        **extra,
    }
    if with_no:
        doc["invoiceNo"] = no or number()
    return doc


async def count(ctx: Context, sql: str, **params: Any) -> int:
    async with unit_of_work(ctx) as session:
        return int((await session.execute(text(sql), params)).scalar_one())


async def alerts_of(ctx: Context, kind: str, ref: str) -> int:
    return await count(ctx, "SELECT COUNT(*) FROM alerts WHERE kind = :k AND ref = :r", k=kind, r=ref)


async def set_distance(ctx: Context, waybill_no: str, distance_m: float) -> None:
    async with unit_of_work(ctx) as session:
        await session.execute(
            text("UPDATE waybills SET distance_m = :d WHERE waybill_no = :n"),
            {"d": distance_m, "n": waybill_no},
        )
        await session.commit()
