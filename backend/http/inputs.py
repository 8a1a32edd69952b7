"""Refuse control characters in the path and the query string, and loose numbers in the query,
before any handler sees them.

Request bodies are screened by backend.structs.Struct; query and path parameters bypass it, and a NUL
reaching PostgreSQL in a WHERE clause is a driver error (a 500). Screening here covers every route at
once, so a new handler cannot forget it. Litestar converts query values leniently ("1.0" and "1e3"
become the integers 1 and 1000, "nan" a float): numbers in the query are held to the digits here,
as bodies are held to strict types in backend/http/bodies.py.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, HTTPResponseBodyEvent, HTTPResponseStartEvent, Receive, Scope, Send

from backend.http.errors import error_body
from backend.structs import CONTROL_CHARS

_INTEGER = re.compile(r"-?[0-9]+")
_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_NUMBER_KINDS: dict[Any, dict[str, type]] = {}


def _number_params(handler: Any) -> dict[str, type]:
    """{query key: int or float} for the handler's numeric query parameters (cached per handler)."""
    if handler not in _NUMBER_KINDS:
        kinds: dict[str, type] = {}
        for name, definition in handler.parsed_fn_signature.parameters.items():
            types = [t.annotation for t in definition.inner_types] if definition.is_optional else [definition.annotation]
            kind = next((t for t in (int, float) if t in types), None)
            if kind is not None:
                kinds[getattr(definition.kwarg_definition, "query", None) or name] = kind
        _NUMBER_KINDS[handler] = kinds
    return _NUMBER_KINDS[handler]


def _loose_number(scope: Scope) -> tuple[str, str] | None:
    """(key, "int" or "float") of the first numeric query parameter that is not plainly a number."""
    handler = scope.get("route_handler")
    kinds = _number_params(handler) if handler is not None else {}
    if not kinds:
        return None
    path_params = scope.get("path_params") or {}
    query = scope.get("query_string", b"").decode("latin-1")
    for key, value in parse_qsl(query, keep_blank_values=True, encoding="utf-8", errors="replace"):
        kind = kinds.get(key)
        if kind is None or key in path_params:
            continue
        if not (_INTEGER if kind is int else _DECIMAL).fullmatch(value):
            return key, kind.__name__
    return None


def _refusal(scope: Scope) -> dict[str, Any] | None:
    field = _offending_field(scope)
    if field is not None:
        return error_body("control_characters", f"含有不可见的控制字符：{field}",
                          f"contains control characters: {field}", field)
    loose = _loose_number(scope)
    if loose is not None:
        key, kind = loose
        zh, en = ("整数", "an integer") if kind == "int" else ("数字", "a number")
        return error_body("invalid_input", f"输入有误：{key} 应为{zh}", f"Invalid input: {key} must be {en}", key)
    return None


def _offending_field(scope: Scope) -> str | None:
    """The name of the first query parameter (or "path") carrying a control character, else None."""
    if CONTROL_CHARS.search(scope["path"]):  # already percent-decoded by the server
        return "path"
    query = scope.get("query_string", b"").decode("latin-1")
    for key, value in parse_qsl(query, keep_blank_values=True, encoding="utf-8", errors="replace"):
        if CONTROL_CHARS.search(key) or CONTROL_CHARS.search(value):
            return "query" if CONTROL_CHARS.search(key) else key
    return None


class ControlCharsMiddleware(ASGIMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        refusal = _refusal(scope) if scope["type"] == "http" else None
        if refusal is None:
            await next_app(scope, receive, send)
            return
        body = json.dumps(refusal, ensure_ascii=False).encode()
        start: HTTPResponseStartEvent = {
            "type": "http.response.start", "status": 400,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
        end: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body, "more_body": False}
        await send(start)
        await send(end)
