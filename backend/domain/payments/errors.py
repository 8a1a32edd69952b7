"""Payment errors, each with its stable code, both languages and the JSON field it concerns."""

from __future__ import annotations

from backend.errors import Conflict, Forbidden, Invalid, NotFound


def payment_not_found() -> NotFound:
    return NotFound("付款记录", "payment")


def invalid(code: str, zh: str, en: str, *, field: str) -> Invalid:
    return Invalid(code, zh, en, field=field)


def cash_refused() -> Invalid:
    return Invalid(
        "payment_cash_refused",
        "不接受现金：付款方式须为 1、2、3、31、32、4、41、42 或 9",
        "cash is not accepted: the means must be 1, 2, 3, 31, 32, 4, 41, 42 or 9",
        field="means",
    )


def flow_taken() -> Conflict:
    return Conflict(
        "payment_flow_taken",
        "该付款方的银行流水号已记录为另一笔付款",
        "This payer's bank flow number is already recorded with other content",
        field="flowNo",
    )


def not_a_party() -> Forbidden:
    return Forbidden(
        "payment_not_party",
        "只有付款方或收款方可以登记付款",
        "Only the payer or the payee may record a payment",
        field="payerCreditCode",
    )


def unknown_document(field: str) -> Invalid:
    what_zh, what_en = ("发票", "invoice") if field == "invoiceNo" else ("结算单", "settlement")
    return Invalid(
        "payment_document_unknown",
        f"平台上没有这张{what_zh}",
        f"No {what_en} with this number on the platform",
        field=field,
    )
