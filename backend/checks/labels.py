"""Bilingual display labels shared by the enumerations in this package."""

from __future__ import annotations

from typing import NamedTuple


class Label(NamedTuple):
    """A user-facing name in Chinese and English."""

    zh: str
    en: str
