"""Chinese first, English on request: `?lang=en` sets a cookie; templates call t("key").

Messages live in one table so a missing English text is visible in review (and in tests).
"""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context

from backend.http.messages import MESSAGES

LANGS = ("zh", "en")
LANG_COOKIE = "mt_lang"


def lang_of(request: Any) -> str:
    wanted = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) or "zh"
    return wanted if wanted in LANGS else "zh"


def translate(key: str, lang: str, **values: Any) -> str:
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    text = entry[1] if lang == "en" else entry[0]
    return text.format(**values) if values else text


@pass_context
def _t(context: Any, key: str, **values: Any) -> str:
    return translate(key, context.get("lang", "zh"), **values)


@pass_context
def _label(context: Any, pair: tuple[str, str] | list[str] | None) -> str:
    """Pick the language from a (zh, en) pair, as the domain's label tables hold them."""
    if not pair:
        return ""
    return pair[1] if context.get("lang") == "en" else pair[0]


def install(engine: Any) -> None:
    engine.engine.globals["t"] = _t
    engine.engine.globals["label"] = _label
