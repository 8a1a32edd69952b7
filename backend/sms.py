"""Pluggable SMS senders. The console sender prints the text (development and tests).

A production deployment adds a sender for its SMS gateway behind the same `send` method and
selects it with MEITONG_SMS_SENDER.
"""

from __future__ import annotations

import collections
import json
import logging
from pathlib import Path
from typing import Protocol

log = logging.getLogger("meitong.sms")


class SmsSender(Protocol):
    async def send(self, *, phone: str, text: str) -> None: ...


class ConsoleSmsSender:
    """Prints each message on stdout, and keeps the last ones so a developer (or a test) can read them."""

    def __init__(self, *, keep: int = 200, quiet: bool = False) -> None:
        self.sent: collections.deque[tuple[str, str]] = collections.deque(maxlen=keep)
        self.quiet = quiet

    async def send(self, *, phone: str, text: str) -> None:
        self.sent.append((phone, text))
        if not self.quiet:
            print(f"[sms → {phone}] {text}", flush=True)

    def last_to(self, phone: str) -> str | None:
        for to, text in reversed(self.sent):
            if to == phone:
                return text
        return None


class FileSmsSender(ConsoleSmsSender):
    """Console sender that also appends each message as a JSON line to a file: lets a developer
    (or a browser test driving a server in another process) read the codes the platform sent."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)

    async def send(self, *, phone: str, text: str) -> None:
        await super().send(phone=phone, text=text)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps({"phone": phone, "text": text}, ensure_ascii=False) + "\n")


def create_sms_sender(name: str) -> SmsSender:
    """`console`, or `file:/path/to/outbox.jsonl`."""
    if name == "console":
        return ConsoleSmsSender()
    if name.startswith("file:"):
        return FileSmsSender(name[5:])
    raise ValueError(f"unknown SMS sender {name!r} (known: console, file:PATH)")
