"""Chinese first, English on request: `?lang=en` sets a cookie; templates call t("key"), Python
calls translate(key, lang).

The strings live with what shows them: the shared ones in backend/http (messages.py and the shared
views' order_, weigh_ and track_messages.py), each app's in apps/<role>/messages.py. The composition
root hands the apps' tables to `load` at start-up, which merges them with the shared ones into the
one catalogue both templates and Python read. A key defined by two tables is refused there: one
would silently hide the other. Each table is a module's MESSAGES (key -> (zh, en)), so a missing
English text is visible in review (and in tests).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import Any

from jinja2 import pass_context

from backend.http import (
    alert_messages,
    invitation_messages,
    messages,
    order_messages,
    reconcile_messages,
    track_messages,
    weigh_messages,
)

LANGS = ("zh", "en")
LANG_COOKIE = "mt_lang"
# The shared tables, in the order their "js.*" strings reach the browser scripts.
SHARED: tuple[ModuleType, ...] = (messages, order_messages, weigh_messages, track_messages, invitation_messages,
                                  alert_messages, reconcile_messages)

Table = Mapping[str, tuple[str, str]]


class DuplicateMessage(Exception):
    """Two tables define the same key."""


def merge(tables: Mapping[str, Table]) -> dict[str, tuple[str, str]]:
    """One catalogue from tables named by their module; a key in two of them is an error."""
    merged: dict[str, tuple[str, str]] = {}
    owner: dict[str, str] = {}
    for name, table in tables.items():
        for key, pair in table.items():
            if key in owner:
                raise DuplicateMessage(f"UI string {key!r} is defined by both {owner[key]} and {name}")
            owner[key] = name
            merged[key] = pair
    return merged


def tables_of(*modules: ModuleType) -> dict[str, Table]:
    """Each module's MESSAGES, named by the module (for the error that names a duplicate's owners)."""
    return {module.__name__: module.MESSAGES for module in modules}


# The catalogue translate() reads: the shared strings until `load` adds the apps'.
CATALOGUE: dict[str, tuple[str, str]] = merge(tables_of(*SHARED))


def load(*app_modules: ModuleType) -> dict[str, tuple[str, str]]:
    """At start-up: the shared tables and the apps' become the catalogue (DuplicateMessage if a key repeats)."""
    catalogue = merge(tables_of(*SHARED, *app_modules))
    CATALOGUE.clear()
    CATALOGUE.update(catalogue)
    return CATALOGUE


def lang_of(request: Any) -> str:
    wanted = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) or "zh"
    return wanted if wanted in LANGS else "zh"


def translate(key: str, lang: str, **values: Any) -> str:
    entry = CATALOGUE.get(key)
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
