"""Graded routing per region: a region's own settings, else its city's, else the platform default;
set by a platform admin or the city's regulator (audited), never by a district regulator or another
city's; SMS goes out for red only, and only where the region's red channels include it."""

from __future__ import annotations

import msgspec
import pytest
from sqlalchemy import select

from backend.context import Context
from backend.domain.alerts import routing
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertRaise, GradeRoute, Routing
from backend.domain.audit.models import AuditEntry
from backend.domain.identity.schemas import Principal
from backend.errors import Forbidden, Invalid
from tests import factories as f
from tests.alerts import helpers as ah
from tests.sites import helpers as sh

CITY, DISTRICT, OTHER_DISTRICT = "150600", "150623", "150602"


async def _regulator(ctx: Context, region_code: str) -> Principal:
    org = await sh.new_org(ctx, kind="regulator", region_code=region_code)
    return (await sh.backstage_member(ctx, role="regulator", org_id=org))[1]


async def _admin(ctx: Context) -> Principal:
    user_id, _ = await f.make_user(ctx, admin=True)
    return f.platform_principal(user_id)


def _quiet_red(ack_min: int = 5) -> Routing:
    """The defaults with red acknowledged in `ack_min` and sent by inbox only (no SMS)."""
    red = msgspec.structs.replace(routing.DEFAULTS.red, ack_min=ack_min, channels=["inbox"])
    return msgspec.structs.replace(routing.DEFAULTS, red=red)


async def _set(ctx: Context, actor: Principal, region_code: str, value: Routing) -> None:
    async with ctx.sessions() as session:
        await routing.set_routing(session, actor=actor, region_code=region_code, routing=value)
        await session.commit()


async def _effective(ctx: Context, region_code: str) -> tuple[str, int]:
    async with ctx.sessions() as session:
        out = await routing.effective(session, region_code=region_code)
    return out.source, out.routing.red.ack_min


async def test_own_then_city_then_default(ctx: Context) -> None:
    assert await _effective(ctx, DISTRICT) == ("default", routing.DEFAULTS.red.ack_min)
    admin = await _admin(ctx)
    await _set(ctx, admin, routing.DEFAULT_REGION, _quiet_red(20))
    assert await _effective(ctx, DISTRICT) == ("default", 20)
    city_regulator = await _regulator(ctx, CITY)
    await _set(ctx, city_regulator, CITY, _quiet_red(10))
    assert await _effective(ctx, DISTRICT) == ("city", 10) and await _effective(ctx, CITY) == ("own", 10)
    await _set(ctx, city_regulator, DISTRICT, _quiet_red(7))
    assert await _effective(ctx, DISTRICT) == ("own", 7) and await _effective(ctx, OTHER_DISTRICT) == ("city", 10)
    assert await _effective(ctx, "150300") == ("default", 20)  # another city: the platform default

    async with ctx.sessions() as session:
        trail = (await session.execute(select(AuditEntry).where(AuditEntry.entity == "alert_routes")
                                       .order_by(AuditEntry.at))).scalars().all()
    assert [(e.entity_id, e.actor_user_id) for e in trail] == [
        (routing.DEFAULT_REGION, admin.user_id), (CITY, city_regulator.user_id), (DISTRICT, city_regulator.user_id)]
    assert trail[0].after == {"settings": msgspec.to_builtins(_quiet_red(20))} and trail[0].before == {"settings": None}


async def test_only_the_platform_and_the_citys_regulator_may_set(ctx: Context) -> None:
    district_regulator, other_city = await _regulator(ctx, DISTRICT), await _regulator(ctx, "150300")
    city_regulator = await _regulator(ctx, CITY)
    for actor, region in ((district_regulator, DISTRICT), (other_city, DISTRICT), (city_regulator, "150300"),
                          (city_regulator, routing.DEFAULT_REGION)):
        with pytest.raises(Forbidden):
            await _set(ctx, actor, region, _quiet_red())
    assert await _effective(ctx, DISTRICT) == ("default", routing.DEFAULTS.red.ack_min)


async def test_bad_settings_are_refused(ctx: Context) -> None:
    admin = await _admin(ctx)
    late = msgspec.structs.replace(routing.DEFAULTS, orange=GradeRoute(audience=["enterprise"], ack_min=60,
                                                                      close_min=30, channels=["inbox"]))
    sms = msgspec.structs.replace(routing.DEFAULTS, blue=GradeRoute(audience=["enterprise"], ack_min=60,
                                                                    close_min=90, channels=["inbox", "sms"]))
    for value, code in ((late, "close_before_ack"), (sms, "sms_red_only")):
        with pytest.raises(Invalid) as caught:
            await _set(ctx, admin, DISTRICT, value)
        assert caught.value.code == code
    with pytest.raises(Invalid):
        await _set(ctx, admin, "999999", _quiet_red())


async def test_red_goes_by_sms_only_where_the_region_says_so(ctx: Context) -> None:
    org = await sh.new_org(ctx)
    await sh.backstage_member(ctx, role="dispatcher", org_id=org)

    async def raise_red() -> list[str]:
        async with ctx.sessions() as session:
            out = await alerts.raise_alert(session, data=AlertRaise(
                kind="weight_jump", org_id=org, site_id=None, region_code=DISTRICT, ref=f"weighing:{f.phone()}",
                message_zh="跳变", message_en="jump"))
            await session.commit()
        [(user, items)] = (await ah.alert_notices(ctx)).items()
        return [c for k, alert_id, chans in items if alert_id == str(out.id) for c, _ in chans]

    assert await raise_red() == ["inbox", "sms"]
    await _set(ctx, await _admin(ctx), CITY, _quiet_red())
    assert await raise_red() == ["inbox"]
