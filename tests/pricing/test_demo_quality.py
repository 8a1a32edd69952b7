"""The demo contract seeds with the worked example's terms and a few assays, once."""

from __future__ import annotations

from sqlalchemy import func, select

from backend.db import seed_marks
from backend.db.unit import unit_of_work
from backend.demo.chain import DEMO_CONTRACT_NO
from backend.demo.seed import seed_with
from backend.domain.assays.models import Assay
from backend.domain.pricing import service as pricing
from backend.domain.pricing.models import PriceTerms
from backend.domain.pricing.schemas import Quality
from tests.pricing.worked import D


async def test_demo_contract_has_the_worked_example_and_assays(ctx):
    first = await seed_with(ctx)
    assert f"price terms of {DEMO_CONTRACT_NO} (the worked example)" in first.created
    assert f"3 assays of {DEMO_CONTRACT_NO}" in first.created
    async with unit_of_work(ctx) as session:
        mark = await seed_marks.marked(session, key=f"contract:{DEMO_CONTRACT_NO}")
        assert mark is not None and mark.entity_id is not None
        from backend.clock import today_china

        terms = await pricing.terms_at(session, contract_id=mark.entity_id, on=today_china())
        assert terms is not None and len(terms.rules) == 4
        poor = pricing.price_load(terms=terms, quality=Quality(qnet_ar_kcal_per_kg=D(3720), mt_pct=D("16.5")))
        assert poor.unit_price_fen_per_t == 28300
        assert (await session.execute(select(func.count()).select_from(Assay))).scalar_one() == 3
    second = await seed_with(ctx)
    assert not any("price terms" in item or "assays" in item for item in second.created)
    async with unit_of_work(ctx) as session:
        assert (await session.execute(select(func.count()).select_from(PriceTerms))).scalar_one() == 1
        assert (await session.execute(select(func.count()).select_from(Assay))).scalar_one() == 3
