"""Regions: seeded from the GB/T 2260 table in backend.checks.regions; scope filters for SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.checks.errors import CheckFailed
from backend.checks.regions import REGIONS, check_region_code, region_level
from backend.domain.regions.models import Region
from backend.domain.regions.schemas import RegionOut
from backend.errors import Invalid

__all__ = ["list_regions", "region_name", "require_region", "seed", "within_scopes"]


def _out(row: Region) -> RegionOut:
    return RegionOut(
        code=row.code, name_zh=row.name_zh, name_en=row.name_en, level=row.level, parent_code=row.parent_code
    )


async def seed(session: AsyncSession) -> int:
    """Insert the regions not stored yet; returns how many were added (0 on a second run)."""
    have = set((await session.execute(select(Region.code))).scalars())
    added = 0
    for code, r in REGIONS.items():
        if code not in have:
            session.add(Region(code=code, name_zh=r.name_zh, name_en=r.name_en, level=r.level, parent_code=r.parent_code))
            added += 1
    await session.flush()
    return added


async def list_regions(session: AsyncSession, *, parent_code: str | None = None) -> list[RegionOut]:
    query = select(Region).order_by(Region.code)
    if parent_code is not None:
        query = query.where(Region.parent_code == parent_code)
    return [_out(r) for r in (await session.execute(query)).scalars()]


def require_region(code: str, *, field: str = "regionCode") -> str:
    try:
        return check_region_code(code).code
    except CheckFailed as exc:
        raise Invalid(exc.code, exc.message_zh, exc.message_en, field=field) from exc


def region_name(code: str) -> tuple[str, str]:
    region = REGIONS.get(code)
    return (region.name_zh, region.name_en) if region else (code, code)


def within_scopes(column: Any, scopes: tuple[str, ...]) -> ColumnElement[bool]:
    """SQL predicate: `column` (a region code) lies inside any of the scopes."""
    terms: list[ColumnElement[bool]] = []
    for scope in scopes:
        level = region_level(scope)
        if level == "province":
            terms.append(column.like(scope[:2] + "%"))
        elif level == "city":
            terms.append(column.like(scope[:4] + "%"))
        else:
            terms.append(column == scope)
    return or_(*terms) if terms else false()
