"""The boards: the chain rows summed in SQL (GROUP BY contract or district, and day or month).

Six stages per group: ordered → loaded (ticket net) → delivered (receipt) → settled → invoiced →
paid, in kg and fen, with the count of orders and of orders with a finding. The enterprise reads as
a party (its organisation as seller, buyer or carrier), the regulator per district of his scope.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.checks.regions import is_within
from backend.clock import today_china
from backend.domain.contracts import service as contracts
from backend.domain.identity.schemas import Principal
from backend.domain.parties.schemas import AS_ORG_STAFF, AS_REGULATOR
from backend.domain.reconcile import access, errors
from backend.domain.reconcile.models import ChainStatus
from backend.domain.reconcile.schemas import BoardOut, BoardRow, Choice
from backend.domain.reconcile.sqlfn import Dialect
from backend.domain.regions import service as regions

Group = Literal["day", "month"]
SUMS = (
    "ordered_kg",
    "loaded_kg",
    "delivered_kg",
    "settled_kg",
    "settled_fen",
    "invoiced_kg",
    "invoiced_fen",
    "paid_fen",
)


def period(date_from: date | None, date_to: date | None) -> tuple[date, date]:
    """The board's days, bounded: this month so far by default."""
    for value, field in ((date_from, "from"), (date_to, "to")):
        if value is not None and not errors.FIRST_YEAR <= value.year <= errors.LAST_YEAR:
            raise errors.date_out_of_range(field)
    to = date_to or today_china()
    start = date_from or to.replace(day=1)
    if to < start:
        raise errors.dates_reversed()
    if to - start > timedelta(days=errors.MAX_SPAN_DAYS):
        raise errors.span_too_long()
    return start, to


def _sums() -> list[Any]:
    cs = ChainStatus.__table__.c
    return [
        func.count().label("orders"),
        *[func.coalesce(func.sum(cs[k]), 0).label(k) for k in SUMS],
        func.coalesce(func.sum(case((ChainStatus.mismatch, 1), else_=0)), 0).label("mismatches"),
    ]


def _row(key: str, label: str, period_text: str, r: Any) -> BoardRow:
    return BoardRow(
        key=key,
        label=label,
        period=period_text,
        orders=int(r.orders),
        mismatches=int(r.mismatches),
        **{k: int(getattr(r, k)) for k in SUMS},
    )


def _totals(rows: list[BoardRow], label: tuple[str, str]) -> BoardRow:
    return BoardRow(
        key="",
        label=f"{label[0]} {label[1]}",
        period="",
        orders=sum(r.orders for r in rows),
        mismatches=sum(r.mismatches for r in rows),
        **{k: sum(getattr(r, k) for r in rows) for k in SUMS},
    )


async def _grouped(
    session: AsyncSession,
    *,
    key: Any,
    label: Any,
    where: ColumnElement[bool],
    group: Group,
    start: date,
    to: date,
) -> list[Any]:
    d = Dialect(session.get_bind().dialect.name)
    bucket = (d.month_of(ChainStatus.day) if group == "month" else d.day_text(ChainStatus.day)).label(
        "bucket"
    )
    query = (
        select(key.label("key"), label.label("label"), bucket, *_sums())
        .where(where, ChainStatus.day >= start, ChainStatus.day <= to)
        .group_by(key, label, bucket)
        .order_by(bucket, label)
    )
    return list((await session.execute(query)).all())


async def enterprise_board(
    session: AsyncSession,
    *,
    actor: Principal,
    contract_id: uuid.UUID | None,
    group: Group,
    date_from: date | None,
    date_to: date | None,
) -> BoardOut:
    """Per contract and day or month, over the chains where the actor's organisation is a party."""
    start, to = period(date_from, date_to)
    where = access.readable_filter(actor, reading_as=AS_ORG_STAFF)
    if contract_id is not None:
        await contracts.get_contract(session, actor=actor, contract_id=contract_id)  # 404 for a stranger
        where = and_(where, ChainStatus.contract_id == contract_id)
    found = await _grouped(
        session,
        key=ChainStatus.contract_id,
        label=ChainStatus.contract_no,
        where=where,
        group=group,
        start=start,
        to=to,
    )
    rows = [_row(str(r.key), r.label, r.bucket, r) for r in found]
    return BoardOut(
        group=group, date_from=start, date_to=to, rows=rows, totals=_totals(rows, ("合计", "Total"))
    )


def district_filter(actor: Principal, district: str | None) -> ColumnElement[bool]:
    """The regulator's rows, narrowed to one district (or city, or province) inside his scope."""
    where = access.readable_filter(actor, reading_as=AS_REGULATOR)
    if district is None:
        return where
    district = regions.require_region(district, field="district")
    if not actor.is_platform_admin and not any(is_within(district, s) for s in actor.regulator_scopes):
        raise errors.district_not_found()
    return and_(where, regions.within_scopes(ChainStatus.region_code, (district,)))


async def regulator_board(
    session: AsyncSession,
    *,
    actor: Principal,
    district: str | None,
    group: Group,
    date_from: date | None,
    date_to: date | None,
) -> BoardOut:
    """Per district (the orders' site region) and day or month, inside the regulator's scope."""
    start, to = period(date_from, date_to)
    where = district_filter(actor, district)
    found = await _grouped(
        session,
        key=ChainStatus.region_code,
        label=ChainStatus.region_code,
        where=where,
        group=group,
        start=start,
        to=to,
    )
    rows = [_row(r.key, " ".join(regions.region_name(r.key)), r.bucket, r) for r in found]
    return BoardOut(
        group=group, date_from=start, date_to=to, rows=rows, totals=_totals(rows, ("合计", "Total"))
    )


async def choices(
    session: AsyncSession, *, where: ColumnElement[bool], key: Any, label: Any, start: date, to: date
) -> list[tuple[str, str]]:
    """The contracts (or districts) that have chain rows in the period, for a filter's options."""
    query = (
        select(key, label)
        .where(where, ChainStatus.day >= start, ChainStatus.day <= to)
        .group_by(key, label)
        .order_by(label)
        .limit(500)
    )
    return [(str(k), str(v)) for k, v in (await session.execute(query)).all()]


async def enterprise_choices(
    session: AsyncSession, *, actor: Principal, start: date, to: date
) -> list[Choice]:
    found = await choices(
        session,
        where=access.readable_filter(actor, reading_as=AS_ORG_STAFF),
        key=ChainStatus.contract_id,
        label=ChainStatus.contract_no,
        start=start,
        to=to,
    )
    return [Choice(key=k, label=v) for k, v in found]


async def regulator_choices(
    session: AsyncSession, *, actor: Principal, start: date, to: date
) -> list[Choice]:
    found = await choices(
        session,
        where=access.readable_filter(actor, reading_as=AS_REGULATOR),
        key=ChainStatus.region_code,
        label=ChainStatus.region_code,
        start=start,
        to=to,
    )
    return [Choice(key=k, label=" ".join(regions.region_name(k))) for k, _ in found]
