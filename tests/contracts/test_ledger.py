"""The execution ledger through its service functions: reserve, release, execute, and the invariant
reserved + executed ≤ quantity × (1 + tolerance), held by the service and by the database itself."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from backend.db.unit import unit_of_work
from backend.domain.contracts import service as contracts
from backend.errors import Conflict, DomainError, NotFound
from tests.contracts import helpers as c


@pytest.fixture
async def p(ctx, client) -> c.Parties:
    return await c.parties(ctx, client)


async def _contract(client, p, **overrides) -> uuid.UUID:
    return uuid.UUID((await c.active(client, p, **overrides))["id"])


async def test_reserve_release_execute_and_progress(ctx, client, p):
    cid = await _contract(client, p, quantityKg=50_000, toleranceBp=500)  # cap 52,500 kg
    async with unit_of_work(ctx) as session:
        got = await contracts.reserve(session, contract_id=cid, kg=32_000, ref="PO-1")
        assert (got.reserved_kg, got.executed_kg, got.remaining_kg, got.cap_kg) == (32_000, 0, 20_500, 52_500)
        await contracts.release(session, contract_id=cid, kg=2_000, ref="PO-1")
        got = await contracts.execute(session, contract_id=cid, reserved_kg=30_000, actual_kg=30_480, ref="WT-1")
        assert (got.reserved_kg, got.executed_kg, got.remaining_kg, got.percent) == (0, 30_480, 22_020, 60.96)
        await session.commit()
    async with unit_of_work(ctx) as session:
        entries = await contracts.ledger_entries(session, contract_id=cid)
        progress = await contracts.progress(session, contract_id=cid)
    assert [(e.kind, e.kg, e.reserved_delta_kg, e.executed_delta_kg, e.ref) for e in entries] == [
        ("reserve", 32_000, 32_000, 0, "PO-1"), ("release", 2_000, -2_000, 0, "PO-1"),
        ("execute", 30_480, -30_000, 30_480, "WT-1")]
    assert sum(e.reserved_delta_kg for e in entries) == progress.reserved_kg == 0
    assert sum(e.executed_delta_kg for e in entries) == progress.executed_kg == 30_480
    shown = await c.ok(await client.get(c.url(cid), headers=p.buyer))
    assert shown["progress"]["executedKg"] == 30_480 and shown["progress"]["remainingKg"] == 22_020


async def test_tolerance_is_the_cap_and_refusals_say_what_remains(ctx, client, p):
    cid = await _contract(client, p, quantityKg=50_000, toleranceBp=500)
    async with unit_of_work(ctx) as session:
        await contracts.reserve(session, contract_id=cid, kg=50_500, ref="PO-1")
        with pytest.raises(Conflict) as exc:
            await contracts.reserve(session, contract_id=cid, kg=2_001, ref="PO-2")
        assert exc.value.code == "contract_capacity_exceeded"
        assert "2.000 t remain" in exc.value.message_en and "剩余可提 2.000 吨" in exc.value.message_zh
        await contracts.reserve(session, contract_id=cid, kg=2_000, ref="PO-2")
        with pytest.raises(Conflict) as exc:  # the truck loaded more than the whole contract allows
            await contracts.execute(session, contract_id=cid, reserved_kg=2_000, actual_kg=2_001, ref="WT-2")
        assert exc.value.code == "contract_capacity_exceeded"
        with pytest.raises(Conflict) as exc:
            await contracts.release(session, contract_id=cid, kg=60_000, ref="PO-1")
        assert exc.value.code == "contract_release_exceeds"
        await session.commit()
    async with unit_of_work(ctx) as session:
        assert (await contracts.progress(session, contract_id=cid)).reserved_kg == 52_500
        assert len(await contracts.ledger_entries(session, contract_id=cid)) == 2  # refusals leave no row


@pytest.mark.parametrize("status", ["draft", "filed", "terminated", "completed"])
async def test_only_an_active_contract_can_be_drawn_on(ctx, client, p, status):
    cid = uuid.UUID((await c.in_status(ctx, client, p, status))["id"])
    async with unit_of_work(ctx) as session:
        with pytest.raises(Conflict) as exc:
            await contracts.reserve(session, contract_id=cid, kg=1_000, ref="PO-1")
    assert exc.value.code == "contract_not_active"


async def test_an_order_reserved_before_expiry_may_still_be_weighed(ctx, client, p):
    cid = await _contract(client, p, validFrom=c.days(-5).isoformat(), validUntil=c.days(-1).isoformat())
    async with unit_of_work(ctx) as session:
        await contracts.reserve(session, contract_id=cid, kg=30_000, ref="PO-1")
        await session.commit()
    from backend.clock import today_china
    from backend.domain.contracts import lifecycle

    async with unit_of_work(ctx) as session:
        assert await lifecycle.expire_contracts(session, today=today_china()) == 1
    async with unit_of_work(ctx) as session:
        with pytest.raises(Conflict):
            await contracts.reserve(session, contract_id=cid, kg=1_000, ref="PO-2")
        got = await contracts.execute(session, contract_id=cid, reserved_kg=30_000, actual_kg=29_960, ref="WT-1")
        assert (got.reserved_kg, got.executed_kg) == (0, 29_960)


async def test_bad_movements_are_refused(ctx, client, p):
    cid = await _contract(client, p)
    async with unit_of_work(ctx) as session:
        for kg in (0, -5):
            with pytest.raises(DomainError) as exc:
                await contracts.reserve(session, contract_id=cid, kg=kg, ref="PO-1")
            assert (exc.value.code, exc.value.field) == ("contract_kg_invalid", "kg")
        with pytest.raises(DomainError) as exc:
            await contracts.reserve(session, contract_id=cid, kg=1, ref="")
        assert exc.value.field == "ref"
        with pytest.raises(NotFound):
            await contracts.reserve(session, contract_id=uuid.uuid4(), kg=1_000, ref="PO-1")


async def test_the_database_refuses_to_overdraw_by_itself(ctx, client, p):
    cid = await _contract(client, p)
    for statement in (
        "UPDATE contracts SET reserved_kg = cap_kg + 1 WHERE id = :id",
        "UPDATE contracts SET reserved_kg = cap_kg, executed_kg = 1 WHERE id = :id",
        "UPDATE contracts SET executed_kg = -1 WHERE id = :id",
    ):
        async with unit_of_work(ctx) as session:
            with pytest.raises(IntegrityError):
                await session.execute(text(statement), {"id": cid.hex if ctx.settings.is_sqlite else cid})
                await session.flush()
