"""签到 through the service, as the orders feature calls it: the zone decides, with the distance in
the refusal; a second check-in keeps the place; NEVs go first unless the site turns it off."""

from __future__ import annotations

import re

import pytest

from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.queue import service as queue
from backend.errors import DomainError
from tests.queue import helpers as qh


async def _refusal(ctx: Context, *args: object, **kwargs: object) -> DomainError:
    with pytest.raises(DomainError) as caught:
        await qh.check_in(ctx, *args, **kwargs)  # type: ignore[arg-type]
    return caught.value


async def test_inside_the_zone_joins_the_queue_with_its_card(ctx: Context) -> None:
    m = await qh.mine(ctx)
    t = qh.ticket(m.site_id, await qh.driver_user(ctx))
    card = await qh.check_in(ctx, t, now=qh.T0)
    assert (card.state, card.position, card.ahead, card.eta_minutes) == ("waiting", 1, 0, 0)
    assert (card.order_id, card.order_no, card.site_id, card.line) == (t.order_id, t.order_no, m.site_id, "lump_coal")
    assert card.site_name.startswith("测试储煤场") and card.checked_in_at == qh.T0
    async with unit_of_work(ctx) as session:
        assert await queue.entry_state(session, order_id=t.order_id) == "waiting"
        events = await queue.entry_events(session, order_id=t.order_id)
    assert [(e.from_state, e.to_state) for e in events] == [(None, "waiting")]


async def test_outside_the_zone_is_refused_with_how_far(ctx: Context) -> None:
    m = await qh.mine(ctx)
    t = qh.ticket(m.site_id, await qh.driver_user(ctx))
    far = await _refusal(ctx, t, at=qh.FAR_SOUTH)
    assert (far.status, far.code, far.field) == (422, "checkin_outside_zone", "position")
    assert "3.2 km" in far.message_zh and "3.2 km" in far.message_en, (far.message_zh, far.message_en)
    near = await _refusal(ctx, t, at=qh.NEAR_SOUTH)
    assert re.search(r"\b4[12]\d m\b", near.message_zh) and re.search(r"\b4[12]\d m\b", near.message_en), near.message_en
    # Inside the yard is not inside the check-in zone: the zone alone decides.
    assert (await _refusal(ctx, t, at=qh.IN_YARD)).code == "checkin_outside_zone"
    async with unit_of_work(ctx) as session:
        assert await queue.entry_state(session, order_id=t.order_id) is None


async def test_a_site_without_zone_checks_in_inside_its_fence(ctx: Context) -> None:
    m = await qh.mine(ctx, zone=False)
    t = qh.ticket(m.site_id, await qh.driver_user(ctx))
    refused = await _refusal(ctx, t, at=qh.INSIDE)  # 150 m south of the fence
    assert refused.code == "checkin_outside_zone" and re.search(r"\b15\d m\b", refused.message_en)
    assert (await qh.check_in(ctx, t, at=qh.IN_YARD)).position == 1


async def test_a_vague_or_impossible_position_is_refused(ctx: Context) -> None:
    m = await qh.mine(ctx)
    t = qh.ticket(m.site_id, await qh.driver_user(ctx))
    vague = await _refusal(ctx, t, accuracy_m=800.0)
    assert (vague.status, vague.code, vague.field) == (422, "checkin_position_inaccurate", "accuracyM")
    assert "800 m" in vague.message_zh
    swapped = await _refusal(ctx, t, at=(qh.INSIDE[1], qh.INSIDE[0]))
    assert (swapped.code, swapped.field) == ("position_invalid", "position")
    bad_line = await _refusal(ctx, qh.ticket(m.site_id, t.driver_user_id, line="Lump Coal!"))
    assert (bad_line.code, bad_line.field) == ("queue_line_invalid", "line")


async def test_checking_in_twice_keeps_the_original_place(ctx: Context) -> None:
    m = await qh.mine(ctx)
    user = await qh.driver_user(ctx)
    first, second = qh.ticket(m.site_id, user), qh.ticket(m.site_id, user)
    one = await qh.check_in(ctx, first, now=qh.T0)
    await qh.check_in(ctx, second, now=qh.T0 + qh.minutes(1))
    again = await qh.check_in(ctx, first, now=qh.T0 + qh.minutes(5), at=qh.FAR_SOUTH)
    assert (again.position, again.checked_in_at) == (1, one.checked_in_at)
    assert (await qh.card(ctx, second.order_id)).position == 2
    async with unit_of_work(ctx) as session:
        assert len(await queue.entry_events(session, order_id=first.order_id)) == 1


async def test_new_energy_trucks_go_first_unless_the_site_turns_it_off(ctx: Context) -> None:
    m = await qh.mine(ctx)
    user = await qh.driver_user(ctx)
    diesel = [qh.ticket(m.site_id, user) for _ in range(3)]
    nev = qh.ticket(m.site_id, user, nev=True)
    for i, t in enumerate([*diesel, nev]):
        await qh.check_in(ctx, t, now=qh.T0 + qh.minutes(i))
    assert [(await qh.card(ctx, t.order_id)).position for t in [nev, *diesel]] == [1, 2, 3, 4]
    # Turning NEV-first off re-sorts the waiting trucks by time alone, at once.
    await qh.settings(ctx, m, nev_first=False)
    assert [(await qh.card(ctx, t.order_id)).position for t in [*diesel, nev]] == [1, 2, 3, 4]
    later_nev = qh.ticket(m.site_id, user, nev=True)
    assert (await qh.check_in(ctx, later_nev, now=qh.T0 + qh.minutes(9))).position == 5
    await qh.settings(ctx, m, nev_first=True)
    assert [(await qh.card(ctx, t.order_id)).position for t in [nev, later_nev, *diesel]] == [1, 2, 3, 4, 5]


async def test_lines_queue_apart(ctx: Context) -> None:
    m = await qh.mine(ctx)
    user = await qh.driver_user(ctx)
    lump = [qh.ticket(m.site_id, user, line="lump_coal") for _ in range(2)]
    fine = qh.ticket(m.site_id, user, line="fine_coal")
    for i, t in enumerate([*lump, fine]):
        await qh.check_in(ctx, t, now=qh.T0 + qh.minutes(i))
    assert (await qh.card(ctx, fine.order_id)).position == 1
    assert (await qh.card(ctx, lump[1].order_id)).position == 2
