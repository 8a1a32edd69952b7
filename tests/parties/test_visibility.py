"""The chain's one visibility rule (backend/domain/parties): who sees which document, in which
standing, and the SQL filter admitting exactly the rows the Python predicate admits, on the real
database the suite runs on (a probe table of its own, dropped afterwards)."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import String, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from backend.context import Context
from backend.domain.identity.schemas import MembershipInfo, Principal, Role
from backend.domain.parties import service as parties
from backend.domain.parties.schemas import (
    AS_DRIVER,
    AS_ORG_STAFF,
    AS_REGULATOR,
    EVERY,
    OWN_LOADS,
    Parties,
    Standing,
)


class _Probe(DeclarativeBase):
    pass


class Doc(_Probe):
    """A stand-in document with the columns a document of the chain carries."""

    __tablename__ = "parties_probe_docs"
    id: Mapped[int] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(String(6))
    seller_org_id: Mapped[uuid.UUID | None]
    buyer_org_id: Mapped[uuid.UUID | None]
    carrier_org_id: Mapped[uuid.UUID | None]
    driver_user_id: Mapped[uuid.UUID | None]
    site_org_id: Mapped[uuid.UUID | None]


COLUMNS = parties.PartyColumns(region_code=Doc.region_code, seller_org_id=Doc.seller_org_id,
                               buyer_org_id=Doc.buyer_org_id, carrier_org_id=Doc.carrier_org_id,
                               driver_user_id=Doc.driver_user_id, site_org_id=Doc.site_org_id)
MINE, PLANT, CARRIER, OTHER = (uuid.uuid4() for _ in range(4))
DRIVER_USER = uuid.uuid4()
OTOG = "150623"  # 鄂托克前旗, in Ordos (150600), in Inner Mongolia (150000)


def _actor(*memberships: tuple[uuid.UUID, str, str], user_id: uuid.UUID | None = None,
           platform: bool = False) -> Principal:
    return Principal(
        user_id=user_id or uuid.uuid4(), session_id=None, name="t", phone="13800000000", is_platform_admin=platform,
        driver_id=None, totp_enabled=False,
        memberships=tuple(MembershipInfo(org_id=org, org_kind="mine", region_code=region, role=role)
                          for org, role, region in memberships),
    )


ACTORS = {
    "platform": _actor(platform=True),
    "seller_finance": _actor((MINE, Role.FINANCE, OTOG)),
    "buyer_admin": _actor((PLANT, Role.ENTERPRISE_ADMIN, "150100")),
    "carrier_dispatcher": _actor((CARRIER, Role.DISPATCHER, OTOG)),
    "driver": _actor(user_id=DRIVER_USER),
    "city_regulator": _actor((uuid.uuid4(), Role.REGULATOR, "150600")),
    "province_regulator": _actor((uuid.uuid4(), Role.REGULATOR, "150000")),
    "other_district_regulator": _actor((uuid.uuid4(), Role.REGULATOR, "150602")),
    "stranger_staff": _actor((OTHER, Role.ENTERPRISE_ADMIN, OTOG)),
    "nobody": _actor(),
}
DOCS = {
    1: Parties(region_code=OTOG, seller_org_id=MINE, buyer_org_id=PLANT, carrier_org_id=CARRIER,
               driver_user_id=DRIVER_USER),
    2: Parties(region_code=OTOG, seller_org_id=MINE, buyer_org_id=PLANT),  # not dispatched: no carrier, no driver
    3: Parties(region_code="150100", seller_org_id=OTHER, buyer_org_id=PLANT),
    4: Parties(region_code=OTOG, site_org_id=MINE),  # seen by the site's staff, not by every member
}
STANDINGS = {"every": EVERY, "org_staff": AS_ORG_STAFF, "regulator": AS_REGULATOR, "driver": AS_DRIVER,
             "own_loads": OWN_LOADS}


@pytest.fixture
async def probe(ctx: Context) -> AsyncIterator[AsyncConnection]:
    async with ctx.engine.connect() as conn:
        await conn.run_sync(_Probe.metadata.create_all)
        await conn.commit()
        try:
            await conn.execute(insert(Doc), [
                {"id": doc_id, "region_code": p.region_code, "seller_org_id": p.seller_org_id,
                 "buyer_org_id": p.buyer_org_id, "carrier_org_id": p.carrier_org_id,
                 "driver_user_id": p.driver_user_id, "site_org_id": p.site_org_id}
                for doc_id, p in DOCS.items()
            ])
            yield conn
        finally:
            await conn.rollback()
            await conn.run_sync(_Probe.metadata.drop_all)
            await conn.commit()


def _seen(actor: str, reading_as: frozenset[Standing]) -> set[int]:
    return {doc_id for doc_id, doc in DOCS.items() if parties.may_see(ACTORS[actor], doc, reading_as=reading_as)}


def test_who_sees_what_in_every_standing() -> None:
    assert _seen("platform", EVERY) == {1, 2, 3, 4}
    assert _seen("seller_finance", EVERY) == {1, 2}  # any role of a party; the site's records want staff roles
    assert _seen("buyer_admin", EVERY) == {1, 2, 3}
    assert _seen("carrier_dispatcher", EVERY) == {1}
    assert _seen("driver", EVERY) == {1}
    assert _seen("city_regulator", EVERY) == {1, 2, 4}  # its region and below
    assert _seen("province_regulator", EVERY) == {1, 2, 3, 4}
    assert _seen("other_district_regulator", EVERY) == set()
    assert _seen("stranger_staff", EVERY) == {3}
    assert _seen("nobody", EVERY) == set()


def test_site_records_are_seen_by_its_staff_roles_only() -> None:
    dispatcher = _actor((MINE, Role.DISPATCHER, OTOG))
    assert parties.may_see(dispatcher, DOCS[4])
    assert not parties.may_see(ACTORS["seller_finance"], DOCS[4])


def test_a_standing_narrows_what_a_reader_sees() -> None:
    assert _seen("platform", OWN_LOADS) == set()  # "my loads" are a driver's own, whoever asks
    assert _seen("platform", AS_DRIVER) == {1, 2, 3, 4}
    assert _seen("driver", AS_ORG_STAFF) == set()
    assert _seen("city_regulator", AS_ORG_STAFF) == set()
    assert _seen("buyer_admin", AS_REGULATOR) == set()
    assert _seen("buyer_admin", frozenset({Standing.SELLER})) == set()
    assert _seen("stranger_staff", frozenset({Standing.SELLER})) == {3}


@pytest.mark.parametrize(("actor", "standing"), list(itertools.product(ACTORS, STANDINGS)))
async def test_the_sql_filter_admits_what_the_predicate_admits(probe: AsyncConnection, actor: str,
                                                               standing: str) -> None:
    reading_as = STANDINGS[standing]
    where = parties.visible_filter(ACTORS[actor], COLUMNS, reading_as=reading_as)
    rows = set((await probe.execute(select(Doc.id).where(where))).scalars())
    assert rows == _seen(actor, reading_as)


def test_columns_read_a_row_as_its_parties() -> None:
    row = Doc(id=9, region_code=OTOG, seller_org_id=MINE, buyer_org_id=PLANT, carrier_org_id=None,
              driver_user_id=DRIVER_USER, site_org_id=None)
    assert COLUMNS.of(row) == Parties(region_code=OTOG, seller_org_id=MINE, buyer_org_id=PLANT,
                                      driver_user_id=DRIVER_USER)
