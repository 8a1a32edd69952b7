"""MIME multipart bodies as cameras send them: a Hikvision push at once, a Dahua stream in chunks.

`MultipartReader.feed(chunk)` returns the parts completed by that chunk, so a stream split at any
byte gives the same parts. A part ends where the next delimiter line starts ("\\r\\n--boundary" or
"\\n--boundary"), or, sooner, once a part's Content-Length bytes are in and nothing after them
contradicts it (only line breaks and the start of a delimiter so far). Firmware gets lengths wrong, so
a delimiter inside the announced length wins. Buffers are bounded: a part or a header block larger
than its cap raises MultipartError; bytes before the first delimiter are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import Message
from email.utils import collapse_rfc2231_value


class MultipartError(ValueError):
    """The bytes are not a multipart body we accept (part or headers too large, no boundary)."""


def content_type_params(value: str) -> tuple[str, dict[str, str]]:
    """'multipart/form-data; boundary="b1"' -> ("multipart/form-data", {"boundary": "b1"})."""
    message = Message()
    message["content-type"] = value
    params = {key.lower(): collapse_rfc2231_value(v) for key, v in message.get_params([])[1:]}
    return message.get_content_type(), params


@dataclass(frozen=True, slots=True)
class Part:
    """One body part: header names lower case, body bytes as sent (trailing line break removed)."""

    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def content_type(self) -> str:
        """The media type alone, lower case ("image/jpeg"); "" when the part names none."""
        value = self.headers.get("content-type", "")
        return content_type_params(value)[0] if value else ""

    @property
    def filename(self) -> str:
        """Content-Disposition's filename (the form field name is deliberately not used)."""
        message = Message()
        message["content-disposition"] = self.headers.get("content-disposition", "")
        return message.get_filename() or ""


class MultipartReader:
    def __init__(self, boundary: str, *, max_part_bytes: int = 8 << 20, max_header_bytes: int = 8192) -> None:
        if not boundary or len(boundary) > 200:
            raise MultipartError("missing or overlong boundary")
        self._delimiter = b"--" + boundary.encode("latin-1", "replace")
        self._max_part_bytes = max_part_bytes
        self._max_header_bytes = max_header_bytes
        self._buffer = bytearray()
        self._state = "preamble"  # preamble -> headers -> body -> headers ... ; "done" after --boundary--
        self._headers: dict[str, str] = {}
        self._searched = 0  # body bytes already searched for a delimiter (each byte once)
        self.done = False

    def feed(self, chunk: bytes) -> list[Part]:
        self._buffer += chunk
        parts: list[Part] = []
        while self._step(parts):
            pass
        return parts

    def finish(self) -> list[Part]:
        """The body ended: a last part without its closing delimiter still counts."""
        if self._state != "body":
            return []
        body = bytes(self._buffer).removesuffix(b"\n").removesuffix(b"\r")
        self._buffer.clear()
        self._state = "done"
        return [Part(self._headers, body)]

    def _step(self, parts: list[Part]) -> bool:
        """Advance one state; False when more bytes are needed."""
        buf = self._buffer
        if self._state == "preamble":
            start = buf.find(self._delimiter)
            if start < 0:
                del buf[: max(0, len(buf) - len(self._delimiter))]
                return False
            return self._after_delimiter(start)
        if self._state == "headers":
            end = buf.find(b"\n")
            if end < 0:
                if len(buf) > self._max_header_bytes:
                    raise MultipartError("part headers too large")
                return False
            line = bytes(buf[:end]).rstrip(b"\r").decode("utf-8", "replace")
            del buf[: end + 1]
            if not line:
                self._state, self._searched = "body", 0
            elif ":" in line and len(self._headers) < 32:
                name, _, value = line.partition(":")
                self._headers[name.strip().lower()] = value.strip()
            return True
        if self._state == "body":
            return self._body_step(parts)
        buf.clear()  # epilogue after the closing delimiter
        return False

    def _body_step(self, parts: list[Part]) -> bool:
        buf = self._buffer
        if buf.startswith(self._delimiter):  # an empty body
            parts.append(Part(self._headers, b""))
            return self._after_delimiter(0)
        at = buf.find(b"\n" + self._delimiter, max(0, self._searched - 1))
        length = self._content_length()
        if length is not None and len(buf) >= length and (at < 0 or at >= length) and self._ends_at(length):
            # Complete now: waiting for the next delimiter would hold a Dahua picture until the next
            # event or heartbeat (30 s).
            parts.append(Part(self._headers, bytes(buf[:length])))
            del buf[:length]
            self._state = "preamble"
            return True
        if at < 0:
            self._searched = max(0, len(buf) - len(self._delimiter))
            if len(buf) > self._max_part_bytes:
                raise MultipartError("part too large")
            return False
        end = at - 1 if at > 0 and buf[at - 1] == 0x0D else at  # drop the CRLF that belongs to the delimiter
        parts.append(Part(self._headers, self._trim(bytes(buf[:end]))))
        return self._after_delimiter(at + 1)

    def _content_length(self) -> int | None:
        text = self._headers.get("content-length", "")
        return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None

    def _ends_at(self, length: int) -> bool:
        """Whether the bytes after `length` so far are line breaks and the start of a delimiter: a
        Content-Length is believed only when nothing received contradicts it."""
        after = bytes(self._buffer[length : length + len(self._delimiter) + 8]).lstrip(b"\r\n")
        return self._delimiter.startswith(after) or after.startswith(self._delimiter)

    def _trim(self, body: bytes) -> bytes:
        """A part may end with an extra CRLF (Dahua); trim to a Content-Length that leaves only line
        breaks over."""
        length = self._content_length()
        if length is not None and length <= len(body) and not body[length:].strip(b"\r\n"):
            return body[:length]
        return body

    def _after_delimiter(self, start: int) -> bool:
        """At `start` a delimiter: "--boundary--" closes; else skip to the end of its line."""
        buf = self._buffer
        rest = start + len(self._delimiter)
        if len(buf) < rest + 2:
            del buf[:start]
            self._state = "preamble"  # wait for two more bytes, found again from 0
            return False
        if buf[rest : rest + 2] == b"--":
            self._state, self.done = "done", True
            buf.clear()
            return False
        end = buf.find(b"\n", rest)
        if end < 0:
            del buf[:start]
            self._state = "preamble"
            if len(buf) > self._max_header_bytes:
                raise MultipartError("delimiter line too long")
            return False
        del buf[: end + 1]
        self._state, self._headers = "headers", {}
        return True
