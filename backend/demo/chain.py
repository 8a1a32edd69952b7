"""The demo chain on top of the demo registry: an active contract from the demo mine to the demo
power plant, and today's pickup orders on it, one of them dispatched to the demo driver's truck.

Idempotent: the contract is made once; orders are issued again only when none of the demo's is
still open (they lapse after 24 h, so a newcomer running `make run` tomorrow gets fresh ones).
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.db.unit import savepoint
from backend.demo.marks import made
from backend.domain.contracts import service as contracts
from backend.domain.contracts.schemas import ContractCreate
from backend.domain.contracts.service import china_today
from backend.domain.identity import service as identity
from backend.domain.identity.schemas import Principal
from backend.domain.orders import service as orders
from backend.domain.orders.schemas import OrderDispatch, OrderIssue
from backend.errors import DomainError
from backend.http.auth import build_principal

log = logging.getLogger("meitong.demo")

DEMO_CONTRACT_NO = "MT-DEMO-2026-001"
# The note on the simulated lane's orders (backend/demo/lane.py).
SIM_NOTE = "模拟磅道演示"
# The smallest well-formed PDF: one blank A4 page. A real scan is uploaded through the app.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


async def principal(session: AsyncSession, ctx: Context, phone: str) -> Principal:
    user_id = await identity.user_id_by_phone(session, phone=phone)
    assert user_id is not None, phone
    principal = await build_principal(ctx, user_id=user_id, session_id=None, client="seed")
    assert principal is not None, phone
    return principal


async def _contract(session: AsyncSession, ctx: Context, *, sales: Principal, buyer: Principal,
                    org_ids: dict[str, uuid.UUID]) -> uuid.UUID | None:
    """The demo contract, made once (a mark): terminated or out of sight since, it is not made again."""
    async def make() -> uuid.UUID:
        found = await contracts.list_contracts(session, actor=sales, role="seller", q=DEMO_CONTRACT_NO, limit=1)
        return found.items[0].id if found.items else await _new_contract(session, ctx, sales=sales, buyer=buyer,
                                                                         org_ids=org_ids)

    return await made(session, f"contract:{DEMO_CONTRACT_NO}", make)


async def _new_contract(session: AsyncSession, ctx: Context, *, sales: Principal, buyer: Principal,
                        org_ids: dict[str, uuid.UUID]) -> uuid.UUID:
    today = china_today()
    draft = await contracts.create_contract(session, actor=sales, data=ContractCreate(
        seller_org_id=org_ids["mine"], buyer_org_id=org_ids["plant"], kind="long_term", product="mixed_coal",
        calorific_kcal_per_kg=5500, sulphur_pct=0.8, ash_pct=12.0, moisture_pct=9.0, price_fen_per_t=68_000,
        quantity_kg=20_000_000, tolerance_bp=500, destination_name="准格尔示范电厂", destination_lon=111.24,
        destination_lat=39.86, valid_from=today - timedelta(days=30), valid_until=today + timedelta(days=335),
        contract_no=DEMO_CONTRACT_NO,
    ))
    await contracts.upload_pdf(session, ctx=ctx, actor=sales, contract_id=draft.id, data=DEMO_PDF)
    await contracts.file_contract(session, actor=sales, contract_id=draft.id)
    await contracts.confirm_contract(session, actor=buyer, contract_id=draft.id)
    return draft.id


async def seed_chain(session: AsyncSession, *, ctx: Context, org_ids: dict[str, uuid.UUID], site_id: uuid.UUID,
                     driver_phone: str, plate: str, created: list[str]) -> None:
    sales = await principal(session, ctx, "13800000002")
    dispatcher = await principal(session, ctx, "13800000003")
    buyer = await principal(session, ctx, "13800000009")
    try:
        # What users did since the first seed (suspended the mine, closed the site, terminated the
        # contract, retired the truck) may refuse the demo chain: the platform then starts without it.
        async with savepoint(session):
            contract_id = await _contract(session, ctx, sales=sales, buyer=buyer, org_ids=org_ids)
            if contract_id is None:
                return
            open_orders = await orders.list_orders(session, actor=sales, contract_id=contract_id, open_only=True,
                                                   limit=200)
            if any(o.note != SIM_NOTE for o in open_orders.items):  # the simulated lane's load is not the demo's
                return
            issued = await orders.issue_orders(session, ctx=ctx, actor=sales, data=OrderIssue(
                contract_id=contract_id, site_id=site_id, planned_kg=30_000, count=3,
                carrier_org_id=org_ids["carrier"], note="演示",
            ))
            await orders.dispatch_order(session, ctx=ctx, actor=dispatcher, order_id=issued[0].id,
                                        data=OrderDispatch(plate=plate, driver_phone=driver_phone))
    except DomainError as exc:
        log.warning("demo chain not refreshed: %s", exc.message_en)
        return
    created.append(f"contract {DEMO_CONTRACT_NO} with {len(issued)} pickup orders (one dispatched to {plate})")
