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
    status = 429


def forbidden() -> Forbidden:
    """For a row the actor may see but not change; rows it may not see answer NotFound instead."""
    return Forbidden("forbidden", "无权执行此操作", "You may not do this")
