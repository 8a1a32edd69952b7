"""What a payment pays, and the four-flow check of its money against it (资金流: payer = the buyer,
payee = the seller, no third party paying, no money flowing back).

An invoice is found through the invoices feature, a settlement through the settlements feature (its
standing version: pending or confirmed); an unknown number of either is refused.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.invoices import service as invoices
from backend.domain.payments.schemas import Expected
from backend.domain.settlements import service as settlements


async def settlement_expected(session: AsyncSession, *, settlement_no: str) -> Expected | None:
    """The settlement's buyer (who pays) and seller (who is paid)."""
    s = await settlements.parties_of(session, settlement_no=settlement_no)
    if s is None:
        return None
    return Expected(
        document="settlement",
        document_id=s.id,
        number=s.settlement_no,
        payer_org_id=s.buyer_org_id,
        payee_org_id=s.seller_org_id,
        order_ids=s.order_ids,
    )


async def invoice_expected(session: AsyncSession, *, invoice_no: str) -> Expected | None:
    found = await invoices.invoice_parties(session, invoice_no=invoice_no)
    if found is None:
        return None
    return Expected(
        document="invoice",
        document_id=found.id,
        number=found.invoice_no,
        payer_org_id=found.buyer_org_id,
        payee_org_id=found.seller_org_id,
        payer_credit_code=found.buyer_credit_code,
        payee_credit_code=found.seller_credit_code,
        order_ids=found.order_ids,
    )


def _same(
    org_id: uuid.UUID | None,
    credit_code: str,
    expected_org_id: uuid.UUID | None,
    expected_credit_code: str | None,
) -> bool:
    if expected_credit_code is not None and credit_code == expected_credit_code:
        return True
    return org_id is not None and org_id == expected_org_id


def check_flow(
    *,
    payer_org_id: uuid.UUID | None,
    payer_credit_code: str,
    payee_org_id: uuid.UUID | None,
    payee_credit_code: str,
    expected_payer_org_id: uuid.UUID | None,
    expected_payee_org_id: uuid.UUID | None,
    expected_payer_credit_code: str | None = None,
    expected_payee_credit_code: str | None = None,
    document: str = "invoice",
    number: str = "",
) -> list[dict[str, Any]]:
    """The findings of one payment against one document's expected payer (its buyer) and payee (its seller)."""
    what_zh = "发票" if document == "invoice" else "结算单"
    found = []
    if not _same(payer_org_id, payer_credit_code, expected_payer_org_id, expected_payer_credit_code):
        found.append(
            {
                "code": "payer_not_buyer",
                "zh": f"付款方不是{what_zh} {number} 的买方（第三方付款）",
                "en": f"The payer is not the buyer of {document} {number} (a third party paid)",
            }
        )
    if not _same(payee_org_id, payee_credit_code, expected_payee_org_id, expected_payee_credit_code):
        found.append(
            {
                "code": "parties_differ",
                "zh": f"收款方不是{what_zh} {number} 的卖方",
                "en": f"The payee is not the seller of {document} {number}",
            }
        )
    return found
