"""Payment rows as the API shows them."""

from __future__ import annotations

from backend.domain.payments.models import Payment
from backend.domain.payments.schemas import MEANS_LABELS, STATUS_LABELS, PaymentFinding, PaymentOut


def payment_out(p: Payment) -> PaymentOut:
    means_zh, means_en = MEANS_LABELS.get(p.means, (p.means, p.means))
    zh, en = STATUS_LABELS.get(p.status, (p.status, p.status))
    return PaymentOut(
        id=p.id,
        flow_no=p.flow_no,
        payer_name=p.payer_name,
        payer_credit_code=p.payer_credit_code,
        payer_org_id=p.payer_org_id,
        payee_name=p.payee_name,
        payee_credit_code=p.payee_credit_code,
        payee_org_id=p.payee_org_id,
        payee_account=p.payee_account,
        bank_code=p.bank_code,
        amount_fen=p.amount_fen,
        paid_at=p.paid_at,
        means=p.means,
        means_zh=means_zh,
        means_en=means_en,
        settlement_id=p.settlement_id,
        settlement_no=p.settlement_no,
        invoice_id=p.invoice_id,
        invoice_no=p.invoice_no,
        region_code=p.region_code,
        status=p.status,
        status_zh=zh,
        status_en=en,
        source=p.source,
        created_at=p.created_at,
        findings=[
            PaymentFinding(
                code=str(f.get("code", "")), message_zh=str(f.get("zh", "")), message_en=str(f.get("en", ""))
            )
            for f in p.findings or []
        ],
    )
