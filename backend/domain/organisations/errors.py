from __future__ import annotations

from backend.errors import Conflict, Forbidden, NotFound


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
