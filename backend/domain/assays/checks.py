"""What an assay must satisfy before it is stored, and its row values: the dates within 2000–2099, a load
assay's ticket valid and of this contract, a batch's day, at least one value, each within the bounds of
commercial coal (pricing.check_quality); the scan a PDF, JPEG or PNG by its magic number, ≤ 10 MB."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assays import errors
from backend.domain.assays.schemas import AssayValues
from backend.domain.contracts.schemas import ContractOut
from backend.domain.pricing import service as pricing
from backend.domain.pricing.schemas import Quality
from backend.domain.weighing import service as weighing

MAX_SCAN_BYTES = 10 * 1024 * 1024
# What a report's scan may be, told by its first bytes (never by the name or the Content-Type sent).
_MAGIC = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))
_FIRST_DAY, _LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
_PCT_FIELDS = ("mt", "mad", "ad", "vdaf", "st_d")


def _quality(data: AssayValues) -> Quality:
    return Quality(
        qnet_ar_kcal_per_kg=data.qnet_ar_kcal_per_kg,
        mt_pct=data.mt_pct,
        mad_pct=data.mad_pct,
        ad_pct=data.ad_pct,
        vdaf_pct=data.vdaf_pct,
        st_d_pct=data.st_d_pct,
    )


def _day(value: date | None, field: str) -> None:
    if value is not None and not _FIRST_DAY <= value <= _LAST_DAY:
        raise errors.invalid(field, "日期须在 2000 至 2099 年之间", "The date must be in 2000–2099")


async def check_values(session: AsyncSession, contract_id: uuid.UUID, data: AssayValues) -> None:
    """Bounds first, then the ticket: a refusal names the field and nothing is stored."""
    _day(data.tested_on, "testedOn")
    if data.scope == "load" and data.ticket_no is None:
        raise errors.invalid("ticketNo", "单车化验须给出磅单号", "A load assay names its weigh ticket")
    if data.scope == "batch":
        if data.batch_date is None:
            raise errors.invalid("batchDate", "批次化验须给出批次日期", "A batch assay names its day")
        _day(data.batch_date, "batchDate")
    quality = _quality(data)
    if all(getattr(quality, f) is None for f in quality.__struct_fields__):
        raise errors.invalid(
            "qnetArKcalPerKg", "化验单至少须有一项指标", "An assay states at least one value"
        )
    pricing.check_quality(quality)
    if data.scope == "load" and data.ticket_no is not None:
        key = (await weighing.ticket_keys(session, ticket_nos=[data.ticket_no])).get(data.ticket_no)
        if key is None:
            raise errors.ticket_unknown()
        if key.contract_id != contract_id:
            raise errors.ticket_other_contract()


def _bp(value: Decimal | None) -> int | None:
    return None if value is None else int(value * 100)


def row_values(contract: ContractOut, data: AssayValues) -> dict[str, Any]:
    qnet = data.qnet_ar_kcal_per_kg
    values: dict[str, Any] = dict(
        contract_id=contract.id,
        contract_no=contract.contract_no,
        seller_org_id=contract.seller_org_id,
        buyer_org_id=contract.buyer_org_id,
        region_code=contract.seller_region_code,
        scope=data.scope,
        ticket_no=data.ticket_no if data.scope == "load" else None,
        batch_date=data.batch_date if data.scope == "batch" else None,
        lab=data.lab,
        lab_name=data.lab_name,
        sample_no=data.sample_no,
        standard=data.standard,
        size_mm=data.size_mm,
        tested_on=data.tested_on,
        qnet_ar_kcal_per_kg=None if qnet is None else pricing.kcal_per_kg(qnet),
        qnet_input_value=None if qnet is None else str(qnet),
        qnet_input_unit=None if qnet is None else ("mj_per_kg" if qnet < 100 else "kcal_per_kg"),
    )
    for name in _PCT_FIELDS:
        values[f"{name}_bp"] = _bp(getattr(data, f"{name}_pct"))
    return values


def scan_type(data: bytes) -> str:
    """The scan's media type by its magic number; 413 above 10 MB, 422 for anything else."""
    if len(data) > MAX_SCAN_BYTES:
        raise errors.scan_too_large(MAX_SCAN_BYTES)
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return media_type
    raise errors.scan_invalid()
