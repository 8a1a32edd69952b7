"""An LED text screen (LED 显示屏) behind a TCP serial server: the controller takes GB2312 text in
a vendor frame. Frames differ by controller, so the bytes around the text are configuration:
`prefix` + text + `suffix` (default: bare text ending CR LF), with an optional prefix per level
for controllers that choose the colour there (green for ok, red for error).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping

from devices.display.base import DisplayError


class TcpTextScreen:
    """One message per connection: a serial server's single client slot is free between
    messages, and a screen that was power-cycled needs no reconnect logic."""

    def __init__(self, *, host: str, port: int, prefix: bytes = b"", suffix: bytes = b"\r\n",
                 level_prefixes: Mapping[str, bytes] | None = None, encoding: str = "gb2312",
                 with_english: bool = False, timeout_s: float = 3.0, name: str = "screen") -> None:
        self.host, self.port, self.name = host, port, name
        self.prefix, self.suffix, self.encoding = prefix, suffix, encoding
        self.level_prefixes = dict(level_prefixes or {})
        self.with_english, self.timeout_s = with_english, timeout_s

    def frame(self, *, text_zh: str, text_en: str = "", level: str = "info") -> bytes:
        """The bytes sent for one message. Characters outside GB2312 become '?' (errors="replace")."""
        text = f"{text_zh} {text_en}" if self.with_english and text_en else text_zh
        prefix = self.level_prefixes.get(level, self.prefix)
        return prefix + text.encode(self.encoding, errors="replace") + self.suffix

    async def show(self, *, text_zh: str, text_en: str = "", level: str = "info") -> None:
        payload = self.frame(text_zh=text_zh, text_en=text_en, level=level)
        writer: asyncio.StreamWriter | None = None
        try:
            async with asyncio.timeout(self.timeout_s):
                _, writer = await asyncio.open_connection(self.host, self.port)
                writer.write(payload)
                await writer.drain()
        except (OSError, TimeoutError) as failed:
            raise DisplayError(f"{self.name}: cannot send to {self.host}:{self.port}: {failed!r}") from failed
        finally:
            if writer is not None:
                writer.close()
                with contextlib.suppress(OSError):
                    await writer.wait_closed()

    async def say(self, *, text_zh: str) -> None:
        """A screen has no voice; saying is the speaker's job (LaneDisplay)."""
        return None
