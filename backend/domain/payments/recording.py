"""Recording a payment: check it (422, nothing stored), answer a repeat from what is stored (the same
payer's flow number with the same content), refuse the flow number with other content (409), else
store it with the four-flow check against the invoice and/or settlement it pays, its alerts raised once."""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend import clock
from backend.checks.credit_code import check_credit_code
from backend.checks.errors import CheckFailed
from backend.db.unit import savepoint
from backend.domain.alerts.schemas import AlertRaise
from backend.domain.audit import service as audit
from backend.domain.identity.schemas import Principal
from backend.domain.organisations import service as organisations
from backend.domain.payments import errors, views
from backend.domain.payments.access import recorder_org
from backend.domain.payments.against import (
    check_flow,
    invoice_expected,
    settlement_expected,
)
from backend.domain.payments.events import PaymentRecorded
from backend.domain.payments.flagging import raise_once
from backend.domain.payments.models import Payment
from backend.domain.payments.schemas import MEANS_LABELS, Expected, PaymentIn, PaymentOut, PaymentStatus
from backend.events import announce

_FLOW_RE = re.compile(r"[0-9A-Za-z_-]{1,64}")
MAX_AMOUNT_FEN = 10**13  # 100 billion yuan: a typo, not a payment
CLOCK_SKEW = timedelta(minutes=5)
FIRST_DAY = datetime(2019, 1, 1, tzinfo=UTC)


def _credit(value: str, field: str) -> str:
    try:
        return check_credit_code(value)
    except CheckFailed as exc:
        raise errors.invalid(exc.code, exc.message_zh, exc.message_en, field=field) from None


def _check(flow_no: str, data: PaymentIn) -> tuple[str, str, str, str]:
    """(flow number, payer credit code, payee credit code, account), or a 422 on the field."""
    flow = flow_no.strip()
    if not _FLOW_RE.fullmatch(flow):
        raise errors.invalid(
            "payment_flow_invalid",
            "银行流水号须为 1–64 位字母、数字、- 或 _",
            "The bank flow number is 1-64 letters, digits, - or _",
            field="flowNo",
        )
    if data.means not in MEANS_LABELS:
        raise errors.cash_refused()
    payer = _credit(data.payer_credit_code, "payerCreditCode")
    payee = _credit(data.payee_credit_code, "payeeCreditCode")
    if payer == payee:
        raise errors.invalid(
            "payment_same_party",
            "付款方与收款方不能相同",
            "The payer and the payee must differ",
            field="payeeCreditCode",
        )
    account = "".join(data.payee_account.split())
    if not (account.isascii() and account.isdigit() and 6 <= len(account) <= 32):
        raise errors.invalid(
            "payment_account_invalid",
            "收款账号须为 6–32 位数字",
            "The payee account is 6-32 digits",
            field="payeeAccount",
        )
    if not (data.bank_code.isascii() and data.bank_code.isdigit() and 3 <= len(data.bank_code) <= 12):
        raise errors.invalid(
            "payment_bank_code_invalid",
            "银行行号须为 3–12 位数字（支付系统行号 12 位）",
            "The bank code is 3-12 digits (a CNAPS code has 12)",
            field="bankCode",
        )
    if isinstance(data.amount_fen, bool) or not 0 < data.amount_fen <= MAX_AMOUNT_FEN:
        raise errors.invalid(
            "payment_amount_invalid",
            "金额须为正整数（分）",
            "The amount must be a positive whole number of fen",
            field="amountFen",
        )
    if data.paid_at.tzinfo is None:
        raise errors.invalid(
            "payment_paid_at_zone",
            "付款时间须带时区（如 +08:00）",
            "The payment time needs a zone (e.g. +08:00)",
            field="paidAt",
        )
    if data.paid_at > clock.now() + CLOCK_SKEW or data.paid_at < FIRST_DAY:
        raise errors.invalid(
            "payment_paid_at_range",
            "付款时间不能晚于现在，也不能早于 2019 年",
            "The payment time cannot be in the future or before 2019",
            field="paidAt",
        )
    if data.invoice_no is None and data.settlement_no is None:
        raise errors.invalid(
            "payment_document_missing",
            "请填写所付的发票号码或结算单号",
            "Name the invoice or the settlement this pays",
            field="invoiceNo",
        )
    return flow, payer, payee, account


async def _documents(session: AsyncSession, data: PaymentIn) -> tuple[Expected | None, Expected | None]:
    invoice = settlement = None
    if data.invoice_no is not None:
        invoice = await invoice_expected(session, invoice_no=data.invoice_no)
        if invoice is None:
            raise errors.unknown_document("invoiceNo")
    if data.settlement_no is not None:
        settlement = await settlement_expected(session, settlement_no=data.settlement_no)
        if settlement is None:
            raise errors.unknown_document("settlementNo")
    return invoice, settlement


def _sha256(flow: str, payer: str, payee: str, account: str, data: PaymentIn) -> str:
    doc = {
        **msgspec.to_builtins(data),
        "flow": flow,
        "payer": payer,
        "payee": payee,
        "account": account,
        "paidAt": data.paid_at.astimezone(UTC).isoformat(),
    }
    doc.pop("flowNo", None)  # the hand form carries it in its body, a PUT in its path
    return hashlib.sha256(msgspec.json.encode(doc, order="sorted")).hexdigest()


async def _existing(session: AsyncSession, payer: str, flow: str) -> Payment | None:
    query = select(Payment).where(Payment.payer_credit_code == payer, Payment.flow_no == flow)
    return (await session.execute(query.execution_options(populate_existing=True))).scalar_one_or_none()


def _repeat(existing: Payment, sha256: str) -> PaymentOut:
    if existing.content_sha256 != sha256:
        raise errors.flow_taken()
    return views.payment_out(existing)


async def _alert(
    session: AsyncSession, p: Payment, findings: list[dict[str, Any]], expected: list[Expected]
) -> None:
    payee = next((e.payee_org_id for e in expected if e.payee_org_id), None)
    for item in findings:
        await raise_once(
            session,
            data=AlertRaise(
                kind=item["code"],
                org_id=payee or p.payee_org_id or p.uploaded_by_org_id,
                site_id=None,
                region_code=p.region_code,
                ref=f"payment:{p.flow_no}",
                message_zh=item["zh"],
                message_en=item["en"],
                details={
                    "paymentId": str(p.id),
                    "flowNo": p.flow_no,
                    "invoiceId": str(p.invoice_id) if p.invoice_id else None,
                    "settlementNo": p.settlement_no,
                    "amountFen": p.amount_fen,
                },
            ),
        )


async def record_payment(
    session: AsyncSession, *, actor: Principal, flow_no: str, data: PaymentIn, source: str
) -> tuple[PaymentOut, bool]:
    """(the payment with its checks, created). Idempotent per (payer, flow number) and content."""
    flow, payer, payee, account = _check(flow_no, data)
    payer_org_id = await organisations.id_by_credit_code(session, credit_code=payer)
    payee_org_id = await organisations.id_by_credit_code(session, credit_code=payee)
    org_id = recorder_org(actor, payer_org_id=payer_org_id, payee_org_id=payee_org_id)
    invoice, settlement = await _documents(session, data)
    sha256 = _sha256(flow, payer, payee, account, data)
    existing = await _existing(session, payer, flow)
    if existing is not None:
        return _repeat(existing, sha256), False
    expected = [e for e in (invoice, settlement) if e is not None]
    findings: list[dict[str, Any]] = []
    for e in expected:
        for item in check_flow(
            payer_org_id=payer_org_id,
            payer_credit_code=payer,
            payee_org_id=payee_org_id,
            payee_credit_code=payee,
            expected_payer_org_id=e.payer_org_id,
            expected_payee_org_id=e.payee_org_id,
            expected_payer_credit_code=e.payer_credit_code,
            expected_payee_credit_code=e.payee_credit_code,
            document=e.document,
            number=e.number,
        ):
            if item["code"] not in {f["code"] for f in findings}:
                findings.append(item)
    p = Payment(
        id=uuid.uuid4(),
        flow_no=flow,
        payer_name=data.payer_name.strip(),
        payer_credit_code=payer,
        payer_org_id=payer_org_id,
        payee_name=data.payee_name.strip(),
        payee_credit_code=payee,
        payee_org_id=payee_org_id,
        payee_account=account,
        bank_code=data.bank_code,
        amount_fen=data.amount_fen,
        paid_at=data.paid_at,
        means=data.means,
        settlement_id=settlement.document_id if settlement else None,
        settlement_no=data.settlement_no,
        invoice_id=invoice.document_id if invoice else None,
        invoice_no=invoice.number if invoice else None,
        region_code=next(m.region_code for m in actor.memberships if m.org_id == org_id),
        status=(PaymentStatus.SUSPECT if findings else PaymentStatus.MATCHED).value,
        findings=findings,
        source=source,
        content_sha256=sha256,
        uploaded_by_org_id=org_id,
        uploaded_by_user_id=None if actor.machine_key else actor.user_id,
    )
    try:
        async with savepoint(session):  # the same flow sent twice at once: the first one stands
            session.add(p)
            await session.flush()
    except IntegrityError:
        existing = await _existing(session, payer, flow)
        if existing is None:
            raise
        return _repeat(existing, sha256), False
    await _alert(session, p, findings, expected)
    await audit.record(
        session,
        actor=actor.actor,
        action="payment.record",
        entity="payment",
        entity_id=p.id,
        after={"flowNo": p.flow_no, "amountFen": p.amount_fen, "status": p.status, "source": source},
    )
    order_ids = tuple(dict.fromkeys(o for e in expected for o in e.order_ids))
    await announce(session, PaymentRecorded(payment_id=p.id, order_ids=order_ids))
    return views.payment_out(p), True
