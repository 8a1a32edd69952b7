"""Contract errors, each with its stable code, both languages and the JSON field it concerns."""

from __future__ import annotations

from backend.domain.contracts.schemas import STATUS_LABELS
from backend.errors import Conflict, DomainError, Invalid, NotFound
from backend.errors import illegal_transition as shared_illegal_transition


def contract_not_found() -> NotFound:
    return NotFound("合同", "contract")


def out_of_range(code: str, zh: str, en: str, *, field: str) -> Invalid:
    return Invalid(code, zh, en, field=field)


def seller_kind(kind_zh: str, kind_en: str) -> Invalid:
    return Invalid(
        "contract_seller_kind", f"{kind_zh}不能作为合同卖方；卖方须为煤矿、洗选煤厂、集装站或贸易企业",
        f"A {kind_en.lower()} cannot sell under a contract; the seller must be a mine, washing plant, "
        "loading station or trader", field="sellerOrgId",
    )


def buyer_kind(kind_zh: str, kind_en: str) -> Invalid:
    return Invalid(
        "contract_buyer_kind", f"{kind_zh}不能作为合同买方", f"A {kind_en.lower()} cannot buy under a contract",
        field="buyerOrgId",
    )


def party_unknown(field: str) -> Invalid:
    return Invalid("contract_party_unknown", "该机构未在平台登记", "No organisation with this id is registered",
                   field=field)


def party_inactive(field: str) -> Invalid:
    return Invalid("contract_party_inactive", "该机构已被暂停或列入失信黑名单，不能签订合同",
                   "This organisation is suspended or blacklisted and cannot enter a contract", field=field)


def same_party() -> Invalid:
    return Invalid("contract_same_party", "买方与卖方不能是同一机构", "The buyer and the seller must differ",
                   field="buyerOrgId")


def number_taken() -> Conflict:
    return Conflict("contract_no_taken", "本机构已有相同编号的合同", "The seller already has a contract with this number",
                    field="contractNo")


def illegal_transition(from_status: str, to_status: str) -> Conflict:
    return shared_illegal_transition("contract_illegal_transition", what_zh="合同", what_en="contract",
                                     labels=STATUS_LABELS, from_status=from_status, to_status=to_status)


def not_draft(status: str) -> Conflict:
    zh, en = STATUS_LABELS.get(status, (status, status))
    return Conflict("contract_not_draft", f"合同已是「{zh}」，只有草稿可以修改或删除",
                    f"The contract is {en.lower()}; only a draft may be changed or deleted", field="status")


def pdf_required() -> Conflict:
    return Conflict("contract_pdf_required", "备案前须上传合同扫描件（PDF）",
                    "Upload the scanned contract (PDF) before filing", field="file")


def not_a_pdf() -> Invalid:
    return Invalid("contract_pdf_invalid", "文件不是 PDF：请以 Content-Type: application/pdf 上传合同扫描件的原始字节",
                   "Not a PDF: send the scan's raw bytes with Content-Type: application/pdf", field="file")


def pdf_too_large(limit_bytes: int) -> DomainError:
    mb = limit_bytes // (1024 * 1024)
    return DomainError("contract_pdf_too_large", f"合同扫描件不能超过 {mb} MB", f"The scanned contract may be at most {mb} MB",
                       field="file", status=413)


def pdf_missing() -> NotFound:
    return NotFound("合同扫描件", "contract PDF", field="file")


def not_fully_executed(executed_kg: int, quantity_kg: int) -> Conflict:
    return Conflict(
        "contract_not_fully_executed",
        f"已执行 {executed_kg / 1000:,.3f} 吨，未达合同数量 {quantity_kg / 1000:,.3f} 吨，不能办结",
        f"{executed_kg / 1000:,.3f} t executed of {quantity_kg / 1000:,.3f} t: the contract cannot be completed yet",
    )


def open_reservations(reserved_kg: int) -> Conflict:
    return Conflict(
        "contract_open_reservations",
        f"仍有 {reserved_kg / 1000:,.3f} 吨未完成的提煤单，不能办结",
        f"{reserved_kg / 1000:,.3f} t are still reserved by open pickup orders: the contract cannot be completed",
    )


def not_active(status: str) -> Conflict:
    zh, en = STATUS_LABELS.get(status, (status, status))
    return Conflict("contract_not_active", f"合同当前为「{zh}」，不能据此提煤",
                    f"The contract is {en.lower()}; no coal may be drawn against it")


def capacity_exceeded(remaining_kg: int, wanted_kg: int) -> Conflict:
    return Conflict(
        "contract_capacity_exceeded",
        f"合同剩余可提 {remaining_kg / 1000:,.3f} 吨，不足本次 {wanted_kg / 1000:,.3f} 吨",
        f"Only {remaining_kg / 1000:,.3f} t remain on the contract; {wanted_kg / 1000:,.3f} t were asked for",
    )


def release_exceeds(reserved_kg: int, wanted_kg: int) -> Conflict:
    return Conflict(
        "contract_release_exceeds",
        f"合同已预留 {reserved_kg / 1000:,.3f} 吨，不能释放 {wanted_kg / 1000:,.3f} 吨",
        f"Only {reserved_kg / 1000:,.3f} t are reserved; {wanted_kg / 1000:,.3f} t cannot be released",
    )


def kg_invalid(field: str) -> Invalid:
    return Invalid("contract_kg_invalid", "重量须为正整数（千克）", "A weight must be a positive whole number of kg",
                   field=field)
