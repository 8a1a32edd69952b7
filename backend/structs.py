"""Base Struct for everything on the wire: camelCase JSON, keyword-only construction."""

from __future__ import annotations

import re

import msgspec

# C0 controls other than tab/newline/return, and DEL: never meaningful in a name, a number or a
# note, and PostgreSQL refuses NUL in text outright (which would otherwise surface as a 500).
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Struct(msgspec.Struct, rename="camel", kw_only=True, forbid_unknown_fields=True):
    """Request bodies refuse unknown fields: a typo in a field name is a 400, not a silent drop."""

    def __post_init__(self) -> None:
        for field in msgspec.structs.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, str) and CONTROL_CHARS.search(value):
                raise ValueError(f"control characters in field `{field.encode_name}`")


class Out(msgspec.Struct, rename="camel", kw_only=True, omit_defaults=False):
    """Response bodies."""


class Page(Out):
    total: int
    offset: int
    limit: int
