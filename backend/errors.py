"""The one error every layer raises: a machine code, a message in Chinese and English, the field.

Domain services raise these (they know nothing of HTTP); the web layer maps `status` to the
response. Keep codes stable: apps and integrators switch on them.
"""

from __future__ import annotations


class DomainError(Exception):
    status: int = 400

    def __init__(
        self,
        code: str,
        message_zh: str,
        message_en: str,
        *,
        field: str | None = None,
        status: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.field = field
        self.headers = headers or {}
        if status is not None:
            self.status = status


class Invalid(DomainError):
    status = 422


class NotFound(DomainError):
    status = 404

    def __init__(self, what_zh: str = "对象", what_en: str = "object", *, field: str | None = None) -> None:
        super().__init__("not_found", f"{what_zh}不存在", f"{what_en} not found", field=field)


class Conflict(DomainError):
    status = 409


class Unauthorized(DomainError):
    status = 401


class Forbidden(DomainError):
    status = 403


class TooManyRequests(DomainError):
    """429. `limit`, `window_s` and `scope` go into the body beside the usual four keys, and
    Retry-After into the headers, so a client can tell which budget it spent and when it refills."""

    status = 429

    def __init__(self, code: str, message_zh: str, message_en: str, *, field: str | None = None,
                 headers: dict[str, str] | None = None, limit: int | None = None, window_s: int | None = None,
                 scope: str | None = None, retry_after_s: int | None = None) -> None:
        if retry_after_s is not None:
            headers = {**(headers or {}), "Retry-After": str(retry_after_s)}
        super().__init__(code, message_zh, message_en, field=field, headers=headers)
        self.details: dict[str, object] = {"limit": limit, "window_s": window_s, "scope": scope,
                                           "retry_after_s": retry_after_s}


def forbidden() -> Forbidden:
    """For a row the actor may see but not change; rows it may not see answer NotFound instead."""
    return Forbidden("forbidden", "无权执行此操作", "You may not do this")


def illegal_transition(code: str, *, what_zh: str, what_en: str, labels: dict[str, tuple[str, str]],
                       from_status: str, to_status: str) -> Conflict:
    """409 for a status move the document's current status does not allow, naming both statuses."""
    zh_from, en_from = labels.get(from_status, (from_status, from_status))
    zh_to, en_to = labels.get(to_status, (to_status, to_status))
    return Conflict(
        code, f"{what_zh}当前为「{zh_from}」，不能变为「{zh_to}」（{from_status} → {to_status}）",
        f"A {what_en} that is {en_from.lower()} cannot become {en_to.lower()} ({from_status} → {to_status})",
        field="status",
    )
