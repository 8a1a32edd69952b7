"""The lane's LED text screen and voice, behind one interface: every message a driver gets at an
unattended lane is shown and spoken at once, in Chinese (the screen may add English)."""

from __future__ import annotations

from typing import Protocol


class DisplayError(Exception):
    """The screen or speaker did not take the message; the lane logs it and carries on."""


class Display(Protocol):
    async def show(self, *, text_zh: str, text_en: str = "", level: str = "info") -> None:
        """`level` is info | ok | warn | error (the screen's colour: green for ok, red for error)."""
        ...

    async def say(self, *, text_zh: str) -> None: ...
