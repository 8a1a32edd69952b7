"""Invoice errors, each with its stable code, both languages and the JSON field it concerns."""

from __future__ import annotations

from backend.errors import Conflict, Forbidden, Invalid, NotFound


def invoice_not_found() -> NotFound:
    return NotFound("运输发票", "transport invoice")


def invalid(code: str, zh: str, en: str, *, field: str) -> Invalid:
    return Invalid(code, zh, en, field=field)


def number_invalid(zh: str, en: str) -> Invalid:
    return Invalid(
        "invoice_no_invalid", f"发票号码无效：{zh}", f"Invalid invoice number: {en}", field="invoiceNo"
    )


def number_duplicate() -> Conflict:
    return Conflict(
        "invoice_number_duplicate",
        "该发票号码已由其他机构上传或内容不同，已记录预警",
        "This invoice number was already uploaded by another party or with other content; an alert "
        "was raised",
        field="invoiceNo",
    )


def not_a_party() -> Forbidden:
    return Forbidden(
        "invoice_not_party",
        "只有发票的销售方（承运人）或购买方（付款方）可以上传发票",
        "Only the invoice's seller (the carrier) or its buyer (the payer) may upload it",
        field="sellerCreditCode",
    )


def raced() -> Conflict:
    return Conflict(
        "invoice_raced",
        "另一张发票同时开具了同一运单，请重新上传以重新核对",
        "Another invoice billed the same waybill at the same moment; upload again to re-check",
        field="lines",
    )
