"""The alerts' refusals, each with its Chinese and English reason."""

from __future__ import annotations

from backend.domain.alerts.schemas import STATUS_LABELS, AlertStatus
from backend.errors import Conflict, Invalid


def wrong_state(status: AlertStatus, *, wanted_zh: str, wanted_en: str) -> Conflict:
    zh, en = STATUS_LABELS[status]
    # The English labels are a list's column ("to acknowledge", "being handled"): quoted as a state.
    return Conflict("alert_state", f"告警当前状态为「{zh}」，不能{wanted_zh}",
                    f"The alert's state is \u201c{en}\u201d: it cannot be {wanted_en}", field="status")


def reason_required() -> Invalid:
    return Invalid("reason_required", "退回时须写明原因", "A rejection needs a reason", field="reason")


def file_invalid() -> Invalid:
    return Invalid("file_invalid", "附件须为 JPEG、PNG 照片或 PDF，且不超过 10 MB", "An attachment must be a JPEG or PNG "
                   "photo or a PDF of at most 10 MB", field="file")


def too_many_files() -> Conflict:
    return Conflict("too_many_files", "该告警的附件已达上限", "This alert has as many attachments as it may hold",
                    field="file")


def file_unknown(field: str) -> Invalid:
    return Invalid("file_unknown", "附件不存在或已使用", "The attachment does not exist or is already used", field=field)


def not_appealable() -> Conflict:
    return Conflict("not_appealable", "只有关于本人车辆的定位类告警可以申诉", "Only a GPS alert about your own truck can be "
                    "appealed", field="alertId")


def appeal_pending() -> Conflict:
    return Conflict("appeal_pending", "已有一条申诉在等待裁决", "An appeal is already waiting for a decision", field="alertId")


def appeal_decided() -> Conflict:
    return Conflict("appeal_decided", "该申诉已裁决", "The appeal was already decided", field="appealId")
