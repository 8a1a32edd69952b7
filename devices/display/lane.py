"""The lane's display: one screen and one speaker behind the Display interface, or a log where a
lane has neither. A failing part raises DisplayError; the other part is not held back by it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Mapping
from typing import Any, Protocol

from devices.display.base import DisplayError

log = logging.getLogger(__name__)


class Screen(Protocol):
    async def show(self, *, text_zh: str, text_en: str = "", level: str = "info") -> None: ...


class Speaker(Protocol):
    async def say(self, *, text_zh: str) -> None: ...


class LogDisplay:
    """Only logs (at INFO, under `name`) what a screen would show and a speaker would say."""

    def __init__(self, *, name: str = "lane") -> None:
        self.name = name

    async def show(self, *, text_zh: str, text_en: str = "", level: str = "info") -> None:
        log.info("%s show [%s] %s %s", self.name, level, text_zh, text_en)

    async def say(self, *, text_zh: str) -> None:
        log.info("%s say %s", self.name, text_zh)


async def _guard(part: str, action: Awaitable[None]) -> None:
    try:
        await action
    except DisplayError:
        raise
    except Exception as failed:  # a part's own bug or link error must not escape as anything else
        raise DisplayError(f"{part}: {failed!r}") from failed


class LaneDisplay:
    """show() goes to the screen, say() to the speaker; announce() does both at once and, when a
    part fails, raises DisplayError only after the other part has finished."""

    def __init__(self, *, screen: Screen | None = None, speaker: Speaker | None = None,
                 name: str = "lane") -> None:
        fallback = LogDisplay(name=name)
        self.screen: Screen = screen if screen is not None else fallback
        self.speaker: Speaker = speaker if speaker is not None else fallback

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LaneDisplay:
        """{"screen": TcpTextScreen keywords (prefix/suffix/level_prefixes as bytes or hex text),
        "speaker": IsapiVoice keywords, "name": …}; a missing part logs instead."""
        from devices.display.isapi_voice import IsapiVoice
        from devices.display.tcp_screen import TcpTextScreen

        if extra := set(config) - {"screen", "speaker", "name"}:
            raise ValueError(f"display: unknown keys {sorted(extra)}")
        screen = speaker = None
        if (screen_cfg := config.get("screen")) is not None:
            options = dict(screen_cfg)
            for key in ("prefix", "suffix"):
                if isinstance(options.get(key), str):
                    options[key] = bytes.fromhex(options[key])
            if levels := options.get("level_prefixes"):
                options["level_prefixes"] = {k: bytes.fromhex(v) if isinstance(v, str) else v
                                             for k, v in levels.items()}
            screen = TcpTextScreen(**options)
        if (speaker_cfg := config.get("speaker")) is not None:
            speaker = IsapiVoice(**speaker_cfg)
        return cls(screen=screen, speaker=speaker, name=str(config.get("name", "lane")))

    async def show(self, *, text_zh: str, text_en: str = "", level: str = "info") -> None:
        await _guard("screen", self.screen.show(text_zh=text_zh, text_en=text_en, level=level))

    async def say(self, *, text_zh: str) -> None:
        await _guard("speaker", self.speaker.say(text_zh=text_zh))

    async def announce(self, *, text_zh: str, text_en: str = "", level: str = "info") -> None:
        results = await asyncio.gather(
            self.show(text_zh=text_zh, text_en=text_en, level=level),
            self.say(text_zh=text_zh),
            return_exceptions=True,
        )
        failures = [r for r in results if isinstance(r, BaseException)]
        for failure in failures:
            if not isinstance(failure, DisplayError):
                raise failure  # cancellation and the like pass through untouched
        if failures:
            raise DisplayError("; ".join(str(f) for f in failures)) from failures[0]
