"""Which closed waybills an invoice line bills, and what is wrong with it.

The key is the plate and the day: closed waybills of the line's truck that departed within a day
either side of its service date (China time). Among those, a waybill billed by another invoice
already is not linked again, and is the 重复开票 suspicion when the line needs it (its free loads do
not cover the quantity); the free ones are ranked by how well the route text matches (the origin
site's name or region, the destination's name), then by how well the delivered weight fits the
line's quantity, then by closeness in time, and linked until they cover the invoiced quantity. Then: the invoiced quantity
against what was delivered, and the freight per tonne-kilometre against the region's band.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.clock import CHINA_TZ, china_time
from backend.domain.invoices.bands import band_for
from backend.domain.invoices.content import CleanLine
from backend.domain.invoices.models import TransportInvoiceWaybill
from backend.domain.invoices.schemas import LineStatus
from backend.domain.regions import service as regions
from backend.domain.waybills import service as waybills
from backend.domain.waybills.schemas import BillableWaybill

WINDOW = timedelta(days=1)  # loads that left a day before or after the printed service date


@dataclass(slots=True)
class LineCheck:
    line: CleanLine
    linked: list[BillableWaybill] = field(default_factory=list)
    twice: list[BillableWaybill] = field(default_factory=list)
    delivered_kg: int | None = None
    rate_milli_yuan_per_tkm: int | None = None
    band: tuple[int, int] | None = None
    codes: list[str] = field(default_factory=list)  # LineStatus values, worst first

    @property
    def status(self) -> str:
        return self.codes[0] if self.codes else LineStatus.MATCHED.value


def _score(line: CleanLine, w: BillableWaybill, names: dict[str, str]) -> tuple[int, int, float]:
    origin = line.origin
    route = 0
    if w.origin_name and (w.origin_name in origin or origin in w.origin_name):
        route += 1
    elif names.get(w.origin_region_code, "\x00") in origin:
        route += 1
    if w.destination_name and (
        w.destination_name in line.destination or line.destination in w.destination_name
    ):
        route += 1
    day = datetime.combine(line.service_date, time(12), CHINA_TZ)
    # A truck makes several trips a day: the load whose delivered weight fits the line's quantity
    # is the one it bills, before any other of the same plate and day.
    fit_kg = abs((w.delivered_kg or 0) - line.quantity_kg)
    return -route, fit_kg, abs((china_time(w.departed_at) - day).total_seconds())


def _region_names(codes: set[str]) -> dict[str, str]:
    """Region names without the 市/旗/区 suffix ("鄂尔多斯市" → "鄂尔多斯"), as invoices print them."""
    names = {code: regions.region_name(code)[0] for code in codes}
    return {
        code: name[:-1] if len(name) > 2 and name[-1] in "市旗区县省" else name
        for code, name in names.items()
    }


def _rate(amount_fen: int, quantity_kg: int, linked: list[BillableWaybill]) -> int | None:
    """Milli-yuan per tonne-kilometre over the linked loads' mean distance (None without one)."""
    distances = [w.distance_m for w in linked if w.distance_m]
    if not distances or quantity_kg <= 0:
        return None
    km = Decimal(str(sum(distances))) / len(distances) / 1000
    tkm = Decimal(quantity_kg) / 1000 * km
    if tkm <= 0:
        return None
    return int((Decimal(amount_fen) * 10 / tkm).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


async def check_lines(session: AsyncSession, *, lines: tuple[CleanLine, ...]) -> list[LineCheck]:
    if not lines:
        return []
    start = datetime.combine(min(x.service_date for x in lines), time(0), CHINA_TZ) - WINDOW
    end = datetime.combine(max(x.service_date for x in lines), time(0), CHINA_TZ) + timedelta(days=1) + WINDOW
    candidates = await waybills.closed_by_plates(
        session, plates={x.plate for x in lines}, start=start, end=end
    )
    ids = {w.id for w in candidates}
    billed: set[uuid.UUID] = (
        set(
            (
                await session.execute(
                    select(TransportInvoiceWaybill.waybill_id).where(
                        TransportInvoiceWaybill.waybill_id.in_(ids)
                    )
                )
            ).scalars()
        )
        if ids
        else set()
    )
    names = _region_names({w.origin_region_code for w in candidates})
    taken: set[uuid.UUID] = set()
    checks = []
    for line in lines:
        day0 = datetime.combine(line.service_date, time(0), CHINA_TZ)
        near = [
            w
            for w in candidates
            if w.plate == line.plate and day0 - WINDOW <= w.departed_at < day0 + timedelta(days=1) + WINDOW
        ]
        check = LineCheck(line=line, twice=[w for w in near if w.id in billed])
        covered = 0
        for w in sorted(
            (w for w in near if w.id not in billed and w.id not in taken),
            key=lambda w: _score(line, w, names),
        ):
            if check.linked and covered >= line.quantity_kg:
                break
            check.linked.append(w)
            taken.add(w.id)
            covered += w.delivered_kg or 0
        if not check.linked:
            check.codes.append(
                LineStatus.INVOICED_TWICE.value if check.twice else LineStatus.NO_WAYBILL.value
            )
        else:
            # Loads of the same truck billed by other invoices are suspicious only when this line
            # needs them: its own free loads do not cover what it invoices.
            if covered >= line.quantity_kg:
                check.twice = []
            if check.twice:
                check.codes.append(LineStatus.INVOICED_TWICE.value)
            check.delivered_kg = covered
            if line.quantity_kg > covered:
                check.codes.append(LineStatus.ABOVE_DELIVERED.value)
            check.rate_milli_yuan_per_tkm = _rate(line.amount_fen, line.quantity_kg, check.linked)
            if check.rate_milli_yuan_per_tkm is not None:
                check.band = await band_for(session, region_code=check.linked[0].origin_region_code)
                if not check.band[0] <= check.rate_milli_yuan_per_tkm <= check.band[1]:
                    check.codes.append(LineStatus.RATE_OFF_BAND.value)
        checks.append(check)
    return checks
