"""A contract with one weigh ticket issued at the mine, and assay bodies for it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from litestar import Litestar
from sqlalchemy import select

from backend.clock import today_china
from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.weighing.models import WeighTicket
from tests.orders import pass_helpers as ph
from tests.waybills import helpers as wb
from tests.weighing import helpers as wh

# The smallest PNG header a scanner could send (the magic number is what counts).
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@dataclass(frozen=True)
class Lab:
    lw: wh.LaneWorld
    contract_id: str
    ticket_no: str
    ticket_day: str

    @property
    def p(self) -> Any:
        return self.lw.gw.w.parties


async def lab_world(ctx: Context, client: httpx.AsyncClient, app: Litestar) -> Lab:
    lw = await wb.ticketed(ctx, client, app)
    async with unit_of_work(ctx) as session:
        ticket = (
            await session.execute(select(WeighTicket).where(WeighTicket.order_id == uuid.UUID(lw.order_id)))
        ).scalar_one()
    from backend.clock import china_time

    return Lab(
        lw=lw,
        contract_id=lw.gw.w.contract["id"],
        ticket_no=ticket.ticket_no,
        ticket_day=china_time(ticket.issued_at).date().isoformat(),
    )


def load_body(ticket_no: str | None, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "scope": "load",
        "ticketNo": ticket_no,
        "lab": "buyer",
        "labName": "达拉特电厂化验室",
        "sampleNo": "S-0001",
        "reportNo": "HY20261207-001",
        "standard": "GB/T 213-2008",
        "testedOn": today_china().isoformat(),
        "qnetArKcalPerKg": 4260,
        "mtPct": 14,
        "adPct": "18.25",
        "stDPct": "0.62",
        "sizeMm": "0-50",
    }
    body.update(overrides)
    return body


def assays_url(contract_id: Any) -> str:
    return f"/api/enterprise/contracts/{contract_id}/assays"


def erp(app: Litestar, key: ph.Key) -> Any:
    return ph.machine(app, key)
