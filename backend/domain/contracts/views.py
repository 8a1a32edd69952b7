"""Contract rows as the wire shows them: labels in both languages, quality back in percent."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.contracts.models import Contract, ContractEvent
from backend.domain.contracts.schemas import (
    KIND_LABELS,
    PRODUCT_LABELS,
    STATUS_LABELS,
    ContractEventOut,
    ContractOut,
    ContractProgress,
    LabelOut,
    PdfOut,
)
from backend.domain.organisations import service as organisations


def label(labels: dict[str, tuple[str, str]], key: str) -> LabelOut:
    zh, en = labels.get(key, (key, key))
    return LabelOut(zh=zh, en=en)


def progress(contract: Contract) -> ContractProgress:
    remaining = max(contract.cap_kg - contract.reserved_kg - contract.executed_kg, 0)
    return ContractProgress(
        contract_id=contract.id, quantity_kg=contract.quantity_kg, cap_kg=contract.cap_kg,
        reserved_kg=contract.reserved_kg, executed_kg=contract.executed_kg, remaining_kg=remaining,
        percent=round(contract.executed_kg * 100 / contract.quantity_kg, 2),
    )


def _pdf(contract: Contract) -> PdfOut | None:
    if contract.pdf_sha256 is None or contract.pdf_size_bytes is None or contract.pdf_uploaded_at is None:
        return None
    return PdfOut(sha256=contract.pdf_sha256, size_bytes=contract.pdf_size_bytes, uploaded_at=contract.pdf_uploaded_at)


def contract_out(contract: Contract, names: dict[uuid.UUID, str]) -> ContractOut:
    c = contract
    return ContractOut(
        id=c.id, contract_no=c.contract_no, kind=c.kind, kind_label=label(KIND_LABELS, c.kind),
        status=c.status, status_label=label(STATUS_LABELS, c.status),
        seller_org_id=c.seller_org_id, seller_name=names.get(c.seller_org_id, ""),
        seller_region_code=c.seller_region_code,
        buyer_org_id=c.buyer_org_id, buyer_name=names.get(c.buyer_org_id, ""),
        product=c.product, product_label=label(PRODUCT_LABELS, c.product),
        calorific_kcal_per_kg=c.calorific_kcal_per_kg, sulphur_pct=c.sulphur_bp / 100, ash_pct=c.ash_bp / 100,
        moisture_pct=c.moisture_bp / 100, price_fen_per_t=c.price_fen_per_t, quantity_kg=c.quantity_kg,
        tolerance_bp=c.tolerance_bp, destination_name=c.destination_name, destination_lon=c.destination_lon,
        destination_lat=c.destination_lat, valid_from=c.valid_from, valid_until=c.valid_until, pdf=_pdf(c),
        progress=progress(c), terminated_reason=c.terminated_reason, created_at=c.created_at,
        updated_at=c.updated_at,
    )


async def outs(session: AsyncSession, contracts: list[Contract]) -> list[ContractOut]:
    parties = {c.seller_org_id for c in contracts} | {c.buyer_org_id for c in contracts}
    names = await organisations.org_names(session, org_ids=parties)
    return [contract_out(c, names) for c in contracts]


async def one(session: AsyncSession, contract: Contract) -> ContractOut:
    return (await outs(session, [contract]))[0]


def event_out(event: ContractEvent) -> ContractEventOut:
    return ContractEventOut(
        at=event.at, actor_label=event.actor_label, from_status=event.from_status, to_status=event.to_status,
        to_label=label(STATUS_LABELS, event.to_status), note=event.note,
    )
