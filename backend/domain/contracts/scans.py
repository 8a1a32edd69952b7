"""The signed scan of a contract (合同扫描件): PDF bytes, checked by their magic number, at most 20 MB,
kept in the content-addressed file store. Attached to a draft; required to file; readable by
anyone who may read the contract."""

from __future__ import annotations

import asyncio
import re
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from backend import files
from backend.context import Context
from backend.db.base import utcnow
from backend.domain.audit import service as audit
from backend.domain.contracts import errors, views
from backend.domain.contracts.access import access_contract
from backend.domain.contracts.drafting import draft_for_seller
from backend.domain.contracts.schemas import ContractOut, PdfFile
from backend.domain.identity.schemas import Principal

MAX_PDF_BYTES = 20 * 1024 * 1024
_PDF_MAGIC = b"%PDF-"


async def upload_pdf(session: AsyncSession, *, ctx: Context, actor: Principal, contract_id: uuid.UUID,
                     data: bytes) -> ContractOut:
    """The signed scan: PDF bytes (checked by their magic number), at most 20 MB, stored by sha256."""
    contract = await draft_for_seller(session, actor, contract_id)
    if len(data) > MAX_PDF_BYTES:
        raise errors.pdf_too_large(MAX_PDF_BYTES)
    if not data.startswith(_PDF_MAGIC):
        raise errors.not_a_pdf()
    sha256 = await asyncio.to_thread(files.store(ctx.settings).put, data)
    fields = ("pdf_sha256", "pdf_size_bytes", "pdf_uploaded_at")
    before = audit.snapshot(contract, fields=fields)
    contract.pdf_sha256, contract.pdf_size_bytes, contract.pdf_uploaded_at = sha256, len(data), utcnow()
    await session.flush()
    await audit.record(session, actor=actor.actor, action="contract.pdf", entity="contract", entity_id=contract.id,
                       before=before, after=audit.snapshot(contract, fields=fields))
    return await views.one(session, contract)


async def pdf_file(session: AsyncSession, *, ctx: Context, actor: Principal, contract_id: uuid.UUID) -> PdfFile:
    contract = await access_contract(session, actor, contract_id)
    if contract.pdf_sha256 is None or contract.pdf_size_bytes is None:
        raise errors.pdf_missing()
    store = files.store(ctx.settings)
    if not await asyncio.to_thread(store.exists, contract.pdf_sha256):
        raise errors.pdf_missing()
    safe_no = re.sub(r"[^A-Za-z0-9._-]", "_", contract.contract_no)
    return PdfFile(path=str(store.path(contract.pdf_sha256)), filename=f"{safe_no}.pdf", sha256=contract.pdf_sha256,
                   size_bytes=contract.pdf_size_bytes)
