"""Settlement errors, each with its stable code, both languages and the JSON field it concerns."""

from __future__ import annotations

from backend.domain.settlements.schemas import STATUS_LABELS
from backend.errors import Conflict, DomainError, Invalid, NotFound


def settlement_not_found() -> NotFound:
    return NotFound("结算单", "settlement")


def contract_not_found(field: str = "contractId") -> NotFound:
    return NotFound("合同", "contract", field=field)


def contract_required() -> Invalid:
    return Invalid(
        "settlement_contract_required",
        "请指定合同（contractId 或 contractNo）",
        "Name the contract (contractId or contractNo)",
        field="contractId",
    )


def not_a_party() -> DomainError:
    return DomainError(
        "settlement_not_party",
        "只有合同买方（或代买方上传的卖方）的业务、财务或管理员可以开具结算单",
        "Only the buyer's (or, uploading for it, the seller's) admin, sales or finance staff may issue a settlement",
        field="contractId",
        status=403,
    )


def scan_required() -> Invalid:
    return Invalid(
        "settlement_scan_required",
        "卖方代传结算单须附买方签章的扫描件（PDF、JPEG 或 PNG）",
        "A seller uploading a settlement must attach the buyer's signed scan (PDF, JPEG or PNG)",
        field="scan",
    )


def scan_invalid() -> Invalid:
    return Invalid(
        "settlement_scan_invalid",
        "扫描件须为 PDF、JPEG 或 PNG，且不超过 10 MB",
        "The scan must be a PDF, JPEG or PNG of at most 10 MB",
        field="scan",
    )


def scan_missing() -> NotFound:
    return NotFound("结算单扫描件", "settlement scan", field="scan")


def loads_required() -> Invalid:
    return Invalid(
        "settlement_loads_required",
        "请列出磅单号，或给出结算期间",
        "List the ticket numbers, or give a period",
        field="ticketNos",
    )


def no_loads() -> Invalid:
    return Invalid(
        "settlement_no_loads",
        "结算期间内没有未结算的有效磅单",
        "No valid unsettled ticket of the contract in the period",
        field="periodFrom",
    )


def ticket_unknown(ticket_no: str, field: str) -> Invalid:
    return Invalid(
        "settlement_ticket_unknown", f"磅单 {ticket_no} 不存在", f"No ticket {ticket_no}", field=field
    )


def ticket_other_contract(ticket_no: str, field: str) -> Invalid:
    return Invalid(
        "settlement_ticket_other_contract",
        f"磅单 {ticket_no} 不属于本合同",
        f"Ticket {ticket_no} belongs to another contract",
        field=field,
    )


def ticket_void(ticket_no: str, field: str) -> Invalid:
    return Invalid(
        "settlement_ticket_void",
        f"磅单 {ticket_no} 已作废，不能结算",
        f"Ticket {ticket_no} is void and cannot be settled",
        field=field,
    )


def ticket_repeated(ticket_no: str, field: str) -> Invalid:
    return Invalid(
        "settlement_ticket_repeated",
        f"磅单 {ticket_no} 重复列出",
        f"Ticket {ticket_no} is listed twice",
        field=field,
    )


def ticket_already_settled(ticket_no: str) -> Conflict:
    return Conflict(
        "ticket_already_settled",
        f"磅单 {ticket_no} 已在另一张结算单中结算",
        f"Ticket {ticket_no} is already settled by another settlement",
        field="ticketNos",
    )


def number_taken() -> Conflict:
    return Conflict(
        "settlement_no_taken",
        "已有相同编号的结算单；更正请提交新版本",
        "A settlement with this number exists; send a correction as a new version",
        field="settlementNo",
    )


def number_changed() -> Invalid:
    return Invalid(
        "settlement_no_changed",
        "新版本须沿用原结算单编号",
        "A new version keeps the settlement's number",
        field="settlementNo",
    )


def contract_changed() -> Invalid:
    return Invalid(
        "settlement_contract_changed",
        "新版本不能更换合同",
        "A new version keeps the contract",
        field="contractId",
    )


def figure(code: str, zh: str, en: str, *, field: str) -> Invalid:
    return Invalid(code, zh, en, field=field)


def not_pending(status: str) -> Conflict:
    zh, en = STATUS_LABELS.get(status, (status, status))
    return Conflict(
        "settlement_not_pending",
        f"结算单当前为「{zh}」，不能办理此操作",
        f"The settlement is {en.lower()}; this is no longer possible",
        field="status",
    )


def own_confirm() -> DomainError:
    return DomainError(
        "settlement_confirm_other_party",
        "结算单须由对方确认：开具方不能确认自己的结算单",
        "The other party confirms: the issuer cannot confirm its own settlement",
        status=403,
    )


def not_issuer() -> DomainError:
    return DomainError(
        "settlement_not_issuer",
        "只有开具方可以更正或撤回结算单",
        "Only the issuing party may correct or withdraw the settlement",
        status=403,
    )
