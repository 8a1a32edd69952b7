from __future__ import annotations

from backend.structs import Out


class RegionOut(Out):
    code: str
    name_zh: str
    name_en: str
    level: str
    parent_code: str | None
