"""The demo contract's quality: the issue's worked example as its price terms (base 4000 kcal/kg at
300.00 yuan/t, +2.00 per full 100 kcal above, −3.00 / −9.00 per started 100 kcal below, −1.00 per started
1 % of Mt above 15 %) and a few batch assays from the plant's and the mine's laboratories, one with its
report's scan. Each made once (seed marks): what users change afterwards stays theirs."""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from backend.clock import today_china
from backend.context import Context
from backend.db import seed_marks
from backend.db.unit import savepoint
from backend.demo.chain import DEMO_CONTRACT_NO, DEMO_PDF, principal
from backend.demo.marks import once
from backend.domain.assays import service as assays
from backend.domain.assays.schemas import AssayIn, Lab
from backend.domain.pricing import service as pricing
from backend.domain.pricing.schemas import IndexRule, TermsIn
from backend.errors import DomainError

log = logging.getLogger("meitong.demo")
D = Decimal

WORKED_RULES = [
    IndexRule(
        index="qnet_ar", condition="ge", lower=D(4000), step=D(100), amount_fen_per_step=200, partial="down"
    ),
    IndexRule(
        index="qnet_ar",
        condition="band",
        lower=D(3800),
        upper=D(4000),
        step=D(100),
        amount_fen_per_step=-300,
        partial="up",
    ),
    IndexRule(
        index="qnet_ar", condition="le", upper=D(3800), step=D(100), amount_fen_per_step=-900, partial="up"
    ),
    IndexRule(index="mt", condition="ge", lower=D(15), step=D(1), amount_fen_per_step=-100, partial="up"),
]
# (report, lab, days ago, Qnet as reported, Mt %, Ad %, St,d %, with the scan)
_ASSAYS: tuple[tuple[str, Lab, int, Decimal, Decimal, Decimal, Decimal, bool], ...] = (
    ("ZG-HY-DEMO-001", "buyer", 1, D(4260), D(14), D("18.25"), D("0.62"), True),
    ("ZG-HY-DEMO-002", "buyer", 2, D(3720), D("16.5"), D("21.40"), D("0.71"), False),
    ("KF-HY-DEMO-001", "mine", 1, D("17.83"), D("13.8"), D("18.02"), D("0.60"), False),
)


async def ensure_quality(session: AsyncSession, *, ctx: Context, created: list[str]) -> None:
    mark = await seed_marks.marked(session, key=f"contract:{DEMO_CONTRACT_NO}")
    if mark is None or mark.entity_id is None:
        return
    contract_id = mark.entity_id
    sales = await principal(session, ctx, "13800000002")
    plant = await principal(session, ctx, "13800000009")
    today = today_china()
    try:
        async with savepoint(session):
            if await once(session, f"price_terms:{DEMO_CONTRACT_NO}"):
                await pricing.add_terms(
                    session,
                    actor=sales,
                    contract_id=contract_id,
                    data=TermsIn(
                        effective_from=today - timedelta(days=30),
                        basis="per_tonne",
                        base_price_fen_per_t=30_000,
                        base_qnet_kcal_per_kg=4000,
                        quantity_basis="mine_ticket",
                        lab="buyer",
                        settlement_mode="batch",
                        allowed_loss_bp=50,
                        vat_rate_bp=1300,
                        rules=WORKED_RULES,
                        note="演示：议题 14 的算例",
                    ),
                )
                created.append(f"price terms of {DEMO_CONTRACT_NO} (the worked example)")
            if await once(session, f"assays:{DEMO_CONTRACT_NO}"):
                for report, lab, ago, qnet, mt, ad, st_d, scanned in _ASSAYS:
                    day = today - timedelta(days=ago)
                    actor = plant if lab == "buyer" else sales
                    await assays.record_assay(
                        session,
                        ctx=ctx,
                        actor=actor,
                        contract_id=contract_id,
                        data=AssayIn(
                            scope="batch",
                            batch_date=day,
                            lab=lab,
                            tested_on=day,
                            report_no=report,
                            lab_name="准格尔示范电厂化验室" if lab == "buyer" else "示范煤矿化验室",
                            sample_no=f"S-{report[-3:]}",
                            standard="GB/T 213-2008",
                            qnet_ar_kcal_per_kg=qnet,
                            mt_pct=mt,
                            ad_pct=ad,
                            st_d_pct=st_d,
                            size_mm="0-50",
                        ),
                        scan=DEMO_PDF if scanned else None,
                    )
                created.append(f"{len(_ASSAYS)} assays of {DEMO_CONTRACT_NO}")
    except DomainError as exc:
        log.warning("demo quality not seeded: %s", exc.message_en)
