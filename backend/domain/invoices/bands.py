"""The reasonable road-freight band per region (yuan per tonne-kilometre), as data.

A region's own row, else its city's, else its province's, else the platform default: 0.25–0.80
yuan/t·km, the span of published road coal freight in the coal provinces. Operators set a region's
band with `set_band`; the check reads it with `band_for`.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.invoices.models import FreightBand

DEFAULT_BAND_MILLI_YUAN_PER_TKM = (250, 800)


def _ancestors(region_code: str) -> list[str]:
    codes = [region_code, region_code[:4] + "00", region_code[:2] + "0000"]
    return list(dict.fromkeys(codes))


async def band_for(session: AsyncSession, *, region_code: str) -> tuple[int, int]:
    codes = _ancestors(region_code)
    rows = {
        b.region_code: b
        for b in (
            await session.execute(select(FreightBand).where(FreightBand.region_code.in_(codes)))
        ).scalars()
    }
    for code in codes:
        if code in rows:
            return rows[code].low_milli_yuan_per_tkm, rows[code].high_milli_yuan_per_tkm
    return DEFAULT_BAND_MILLI_YUAN_PER_TKM


async def set_band(
    session: AsyncSession, *, region_code: str, low_milli_yuan_per_tkm: int, high_milli_yuan_per_tkm: int
) -> None:
    """For operators and the demo (no access check: the caller decides who asks)."""
    row = (
        await session.execute(select(FreightBand).where(FreightBand.region_code == region_code))
    ).scalar_one_or_none()
    if row is None:
        row = FreightBand(region_code=region_code)
        session.add(row)
    row.low_milli_yuan_per_tkm, row.high_milli_yuan_per_tkm = low_milli_yuan_per_tkm, high_milli_yuan_per_tkm
    row.updated_at = utcnow()
    await session.flush()
