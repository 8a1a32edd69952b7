"""Refuse control characters in the path and the query string before any handler sees them.

Request bodies are screened by backend.structs.Struct; query and path parameters bypass it, and a NUL
reaching PostgreSQL in a WHERE clause is a driver error (a 500). Screening here covers every route at
once, so a new handler cannot forget it.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, HTTPResponseBodyEvent, HTTPResponseStartEvent, Receive, Scope, Send

from backend.http.errors import error_body
from backend.structs import CONTROL_CHARS


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
        field = _offending_field(scope) if scope["type"] == "http" else None
        if field is None:
            await next_app(scope, receive, send)
            return
        body = json.dumps(error_body("control_characters", f"含有不可见的控制字符：{field}",
                                     f"contains control characters: {field}", field),
                          ensure_ascii=False).encode()
        start: HTTPResponseStartEvent = {
            "type": "http.response.start", "status": 400,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
        end: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body, "more_body": False}
        await send(start)
        await send(end)
