"""The one place every JSON request body is decoded: depth-limited, UTF-8 only, strictly typed.

Litestar decodes a body into plain Python first and then converts it to the handler's `data` type
with msgspec's lenient rules (strict=False), which turn "30000" into 30000. It also lets a body nested
1,000 deep, invalid UTF-8 or a lone surrogate escape ("\\ud800") reach msgspec's RecursionError or
UnicodeDecodeError: a 500. `BodyRequest` (the app's request class) replaces that decode: it refuses
such bodies with a 400 naming the field where it can, and decodes straight into the handler's type
with strict=True. Litestar's own conversion then finds the value already of its type and keeps it.

Every step runs in C over the whole body (numpy, bytes.replace, msgspec), never a Python loop per
byte: a 25 MB hostile body costs a fraction of a second.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

import msgspec
import numpy as np
from litestar import Request
from litestar.exceptions import ValidationException
from litestar.serialization import default_deserializer
from litestar.types import Empty

from backend.errors import DomainError

# Each byte's step in nesting depth: +1 for an opener, -1 for a closer, 0 otherwise.
_STEP = np.zeros(256, dtype=np.int8)
_STEP[[ord("["), ord("{")]] = 1
_STEP[[ord("]"), ord("}")]] = -1
# A \uXXXX escape (after an even run of backslashes, so a real escape) of a UTF-16 surrogate that
# has no partner: a high one not followed by a low one, or a low one not preceded by a high one.
_LONE_SURROGATE = re.compile(
    rb'(?<!\\)(?:\\\\)*(?:\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})'
    rb'|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2})')
# The last `"key":` before an offset: the field a bad byte sits in (nested keys name the innermost).
_KEY = re.compile(rb'"([A-Za-z_][A-Za-z0-9_]{0,63})"\s*:')
_KEY_WINDOW = 4096


class BadBody(DomainError):
    """A body refused before any type is considered (too deep, not UTF-8, not JSON)."""

    status = 400


def _field_before(body: bytes, offset: int) -> str | None:
    keys = _KEY.findall(body, max(0, offset - _KEY_WINDOW), offset)
    return keys[-1].decode() if keys else None


def depth_exceeds(body: bytes, max_depth: int) -> bool:
    """True when arrays/objects nest deeper than `max_depth` (brackets inside strings do not count)."""
    if body.count(b"[") + body.count(b"{") <= max_depth:
        return False  # cannot nest deeper than it has openers: most bodies stop here
    # Escapes out of the way, length kept: an escaped quote neither opens nor closes a string.
    plain = np.frombuffer(body.replace(b"\\\\", b"__").replace(b'\\"', b"__"), dtype=np.uint8)
    steps = _STEP[plain]
    # Quotes toggle "inside a string"; brackets there are text (a closing quote is no bracket either).
    steps[np.bitwise_xor.accumulate(plain == ord('"'))] = 0
    return bool(int(np.cumsum(steps, dtype=np.int32).max()) > max_depth)


def screen(body: bytes, *, max_depth: int) -> None:
    """Refuse what no type could accept: nesting beyond `max_depth`, invalid UTF-8."""
    if depth_exceeds(body, max_depth):
        raise BadBody("body_too_deep", f"请求内容嵌套过深（最多 {max_depth} 层）",
                      f"The body nests too deep (at most {max_depth} levels)")
    try:
        body.decode("utf-8")  # strict: also refuses UTF-8-encoded surrogates (ED A0 80)
    except UnicodeDecodeError as exc:
        field = _field_before(body, exc.start)
        raise BadBody("invalid_utf8", "请求内容不是有效的 UTF-8 编码" + (f"：{field}" if field else ""),
                      "The body is not valid UTF-8" + (f": {field}" if field else ""), field=field) from None


def decode(body: bytes, target: Any, *, max_depth: int, dec_hook: Any = None) -> Any:
    """The body as `target` (strict: no string for a number, no float for an int); 400 otherwise."""
    screen(body, max_depth=max_depth)
    try:
        return msgspec.json.decode(body, type=target, strict=True, dec_hook=dec_hook)
    except msgspec.ValidationError as exc:
        # Shaped as Litestar's own validation failures: backend.http.errors names the field.
        raise ValidationException(detail="Validation failed",
                                  extra=[{"message": str(exc), "key": "data", "source": "body"}]) from None
    except (msgspec.DecodeError, RecursionError, UnicodeError) as exc:
        # msgspec refuses a lone surrogate escape too, but says "malformed" or even "truncated".
        if lone := _LONE_SURROGATE.search(body):
            field = _field_before(body, lone.start())
            raise BadBody("invalid_surrogate", "请求内容含有不成对的 UTF-16 代理字符" + (f"：{field}" if field else ""),
                          "The body holds a lone UTF-16 surrogate" + (f": {field}" if field else ""),
                          field=field) from None
        raise BadBody("invalid_json", "请求内容不是有效的 JSON", f"The body is not valid JSON: {exc}") from None


def _data_type(request: Request[Any, Any, Any]) -> Any:
    handler = request.route_handler
    field = handler.parsed_fn_signature.parameters.get("data")
    if field is None or handler.resolve_data_dto() is not None:
        return Any
    return field.annotation


class BodyRequest(Request[Any, Any, Any]):
    """The app's request class: `json()` decodes through `decode` into the handler's `data` type."""

    async def json(self) -> Any:
        if self._json is Empty:
            if (cached := self._connection_state.json) is not Empty:
                self._json = cached
            else:
                body = await self.body()
                max_depth = self.app.state.ctx.settings.body_max_depth
                hook = partial(default_deserializer, type_decoders=self.route_handler.resolve_type_decoders())
                self._json = self._connection_state.json = decode(
                    body or b"null", _data_type(self), max_depth=max_depth, dec_hook=hook)
        return self._json
