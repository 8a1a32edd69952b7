"""A display that remembers what it showed and said."""

from __future__ import annotations


class FakeDisplay:
    def __init__(self) -> None:
        self.shown: list[tuple[str, str, str]] = []
        self.said: list[str] = []

    async def show(self, *, text_zh: str, text_en: str = "", level: str = "info") -> None:
        self.shown.append((level, text_zh, text_en))

    async def say(self, *, text_zh: str) -> None:
        self.said.append(text_zh)

    @property
    def last(self) -> str:
        return self.shown[-1][1] if self.shown else ""
