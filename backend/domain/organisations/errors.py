from __future__ import annotations

from backend.errors import Conflict, Forbidden, Invalid, NotFound


def credit_code_taken() -> Conflict:
    return Conflict(
        "credit_code_taken", "该统一社会信用代码已登记", "This unified social credit code is already registered",
        field="creditCode",
    )


def kind_reserved() -> Forbidden:
    return Forbidden(
        "org_kind_reserved", "监管部门和平台机构只能由平台管理员登记",
        "Regulator and platform organisations are registered by platform admins only", field="kind",
    )


def status_not_allowed() -> Forbidden:
    return Forbidden("org_status_forbidden", "无权变更该机构状态", "Not allowed to change this organisation's status")


def carrier_not_found() -> NotFound:
    return NotFound("承运企业", "carrier")


def org_pending(field: str | None = None) -> Conflict:
    """An organisation awaiting review (or refused) prepares its data but does not transact yet."""
    return Conflict(
        "org_pending", "该机构尚在审核中（或审核未通过），审核通过后方可办理此业务",
        "This organisation is awaiting review (or was refused); it may do this once approved", field=field,
    )


def review_first() -> Conflict:
    return Conflict("org_pending", "该机构尚在入驻审核中，请通过审核（通过或驳回）处理，不能直接变更状态",
                    "This organisation awaits its onboarding review: approve or refuse it, its status cannot be set directly",
                    field="status")


def name_taken() -> Conflict:
    return Conflict("org_name_taken", "本地区已有同名的在册机构", "An active organisation of this region already has this name",
                    field="name")


def not_pending(status: str) -> Conflict:
    return Conflict("org_not_pending", f"该机构当前状态为「{status}」，不在待审核状态",
                    f"The organisation is '{status}', not awaiting review", field="status")


def not_refused() -> Conflict:
    return Conflict("org_not_refused", "只有审核未通过的机构可以重新提交", "Only a refused organisation can resubmit")


def review_not_allowed() -> Forbidden:
    return Forbidden("org_review_forbidden", "只有所在地区的监管部门或平台管理员可以审核机构",
                     "Only the region's regulator or a platform admin reviews organisations")


def reason_required() -> Invalid:
    return Invalid("reason_required", "驳回须说明理由", "A refusal needs a reason", field="reason")


def scan_invalid() -> Invalid:
    return Invalid("scan_invalid", "请上传 PDF、JPEG 或 PNG 格式、不超过 10 MB 的扫描件",
                   "Upload a PDF, JPEG or PNG scan of at most 10 MB", field="file")


def scan_not_found() -> NotFound:
    return NotFound("扫描件", "scan")
