"""Every error leaves as {code, message_zh, message_en, field}; a 500 never leaks internals."""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from backend.checks.errors import CheckFailed
from backend.errors import DomainError, TooManyRequests

log = logging.getLogger("meitong.http")

_GENERIC: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "请求无效", "Bad request"),
    401: ("unauthorized", "请先登录", "Authentication required"),
    403: ("forbidden", "无权操作", "Forbidden"),
    404: ("not_found", "对象不存在", "Not found"),
    405: ("method_not_allowed", "不支持该请求方法", "Method not allowed"),
    409: ("conflict", "状态冲突", "Conflict"),
    413: ("too_large", "请求内容过大", "Request entity too large"),
    415: ("unsupported_media_type", "不支持的内容类型", "Unsupported media type"),
    429: ("too_many_requests", "请求过于频繁，请稍后再试", "Too many requests, try again later"),
}


def error_body(code: str, message_zh: str, message_en: str, field: str | None) -> dict[str, Any]:
    return {"code": code, "message_zh": message_zh, "message_en": message_en, "field": field}


def _response(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response[Any]:
    return Response(content=body, status_code=status, media_type=MediaType.JSON, headers=headers)


def domain_error_handler(_: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    body = error_body(exc.code, exc.message_zh, exc.message_en, exc.field)
    if isinstance(exc, TooManyRequests):
        body.update(exc.details)  # which limit, over what window, on what scope (extra keys only)
    return _response(exc.status, body, exc.headers)


def check_failed_handler(_: Request[Any, Any, Any], exc: CheckFailed) -> Response[Any]:
    # A pure check that escaped without a field: still a 422 with its reason, never a 500.
    return _response(422, error_body(exc.code, exc.message_zh, exc.message_en, None))


_AT_PATH = re.compile(r"at `\$(?P<path>[^`]*)`")
_MISSING = re.compile(r"missing required field `(?P<name>[^`]+)`")
_UNKNOWN = re.compile(r"unknown field `(?P<name>[^`]+)`")
_CONTROL = re.compile(r"control characters in field `(?P<name>[^`]+)`")
_EXPECTED = re.compile(r"Expected `(?P<want>[^`]+)`, got `(?P<got>[^`]+)`")


def _camel_path(path: str) -> str:
    # msgspec reports "$.vehicle.plate" or "$[0].name"; the client wants "vehicle.plate" / "0.name".
    return re.sub(r"\[(\d+)\]", r".\1", path).strip(".")


def _explain(message: str, key: str) -> tuple[str | None, str, str]:
    """(field, zh, en) from one msgspec/Litestar validation message; `key` is where Litestar saw it."""
    at = _AT_PATH.search(message)
    base = _camel_path(at.group("path")) if at else key
    for pattern, zh, en in (
        (_MISSING, "缺少必填字段", "required field missing"),
        (_UNKNOWN, "不接受的字段", "unknown field"),
        (_CONTROL, "含有不可见的控制字符", "contains control characters"),
    ):
        match = pattern.search(message)
        if match:
            field = ".".join(p for p in (base, match.group("name")) if p)
            return field, f"{zh}：{field}", f"{en}: {field}"
    expected = _EXPECTED.search(message)
    if expected:
        zh = f"类型不符：应为 {expected.group('want')}，实际为 {expected.group('got')}"
        return base or None, zh, message
    return base or None, f"格式不符合要求：{message}", message


def _field_from_validation(exc: ValidationException) -> tuple[str | None, str, str]:
    extra = exc.extra
    items = extra if isinstance(extra, list) else [extra] if isinstance(extra, dict) else []
    for item in items:
        if not isinstance(item, dict):
            continue
        message = str(item.get("message", exc.detail))
        key = str(item.get("key") or "")
        return _explain(message, "" if key == "data" else key)
    return None, "请求内容无法解析", str(exc.detail)


def validation_handler(_: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    field, zh, en = _field_from_validation(exc)
    return _response(400, error_body("invalid_input", f"输入有误：{zh}", f"Invalid input: {en}", field))


def http_exception_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if status >= 500:
        return internal_error_handler(request, exc)
    code, zh, en = _GENERIC.get(status, ("http_error", "请求失败", "Request failed"))
    if isinstance(exc, NotAuthorizedException) and exc.detail and exc.detail != "Unauthorized":
        en = str(exc.detail)
    return _response(status, error_body(code, zh, en, None), dict(exc.headers or {}))


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error", extra={"path": request.url.path})
    return _response(
        HTTP_500_INTERNAL_SERVER_ERROR,
        error_body("internal_error", "服务器内部错误，已记录", "Internal server error (logged)", None),
    )


EXCEPTION_HANDLERS: dict[Any, Any] = {
    DomainError: domain_error_handler,
    CheckFailed: check_failed_handler,
    ValidationException: validation_handler,
    HTTPException: http_exception_handler,
    HTTP_500_INTERNAL_SERVER_ERROR: internal_error_handler,
    Exception: internal_error_handler,
}
