"""The sliver of HTTP/1.1 the camera receiver speaks: parse a request head, format a response."""

from __future__ import annotations

import re
from dataclasses import dataclass
from http import HTTPStatus

# RFC 9110 token characters: a method or a header name is one of these runs.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    target: str
    version: str  # "HTTP/1.1" or "HTTP/1.0"
    headers: dict[str, str]  # names lower case; a repeated header's values joined by ", "
    content_length: int | None
    keep_alive: bool


def parse_head(head: bytes) -> Request | None:
    """The request line and headers up to the blank line; None when they are not HTTP/1.x."""
    lines = head.decode("latin-1").lstrip("\r\n").split("\r\n")
    request_line = lines[0].split(" ")
    if len(request_line) != 3:
        return None
    method, target, version = request_line
    if not _TOKEN.fullmatch(method) or version not in ("HTTP/1.1", "HTTP/1.0") or not target:
        return None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, colon, value = line.partition(":")
        if not colon or not _TOKEN.fullmatch(name):  # also refuses obsolete line folding
            return None
        key = name.lower()
        headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    length_text = headers.get("content-length")
    if length_text is None:
        content_length = None
    elif length_text.isascii() and length_text.isdigit() and len(length_text) < 16:
        content_length = int(length_text)
    else:
        return None  # also "5, 7": differing repeated lengths are a smuggling attempt
    connection = headers.get("connection", "").lower()
    keep_alive = "close" not in connection if version == "HTTP/1.1" else "keep-alive" in connection
    return Request(method, target, version, headers, content_length, keep_alive)


def response(status: int, *, keep_alive: bool, text: str = "") -> bytes:
    """A complete response with a short text body (cameras ignore it; people with curl read it)."""
    body = f"{text}\n".encode() if text else b""
    reason = HTTPStatus(status).phrase
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n"
    )
    return head.encode("ascii") + body
