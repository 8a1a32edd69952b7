"""Price-terms errors, each with its stable code, both languages and the JSON field it concerns."""

from __future__ import annotations

from backend.errors import Invalid, NotFound


def invalid(field: str, zh: str, en: str) -> Invalid:
    return Invalid("price_terms_invalid", zh, en, field=field)


def quality_invalid(field: str, zh: str, en: str) -> Invalid:
    return Invalid("quality_out_of_range", zh, en, field=field)


def terms_missing() -> NotFound:
    return NotFound("质价条款", "price terms")
