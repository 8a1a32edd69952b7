"""Assay errors, each with its stable code, both languages and the JSON field it concerns."""

from __future__ import annotations

from backend.errors import Conflict, DomainError, Invalid, NotFound


def assay_not_found() -> NotFound:
    return NotFound("化验单", "assay")


def invalid(field: str, zh: str, en: str) -> Invalid:
    return Invalid("assay_invalid", zh, en, field=field)


def ticket_unknown() -> Invalid:
    return Invalid(
        "assay_ticket_unknown",
        "磅单号不存在或已作废",
        "No valid weigh ticket has this number",
        field="ticketNo",
    )


def ticket_other_contract() -> Invalid:
    return Invalid(
        "assay_ticket_other_contract",
        "该磅单属于另一份合同",
        "This weigh ticket belongs to another contract",
        field="ticketNo",
    )


def contract_unknown() -> NotFound:
    # The same answer for a contract that does not exist and one of other parties: 404 on the field.
    return NotFound("合同", "contract", field="contractNo")


def report_taken() -> Conflict:
    return Conflict(
        "assay_report_taken",
        "本机构已录入相同报告编号的化验单",
        "Your organisation already recorded an assay with this report number",
        field="reportNo",
    )


def scan_invalid() -> Invalid:
    return Invalid(
        "assay_scan_invalid",
        "化验报告扫描件须为 PDF、JPEG 或 PNG 文件（按文件内容识别）",
        "The report's scan must be a PDF, JPEG or PNG file (recognised by its content)",
        field="file",
    )


def scan_too_large(limit_bytes: int) -> DomainError:
    mb = limit_bytes // (1024 * 1024)
    return DomainError(
        "assay_scan_too_large",
        f"化验报告扫描件不能超过 {mb} MB",
        f"The report's scan may be at most {mb} MB",
        field="file",
        status=413,
    )


def scan_missing() -> NotFound:
    return NotFound("化验报告扫描件", "assay scan", field="file")
