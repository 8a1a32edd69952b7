"""The columns the recomputation reads by name exist in the owners' models (a rename fails here)."""

from __future__ import annotations

from backend.db import models  # noqa: F401 (every feature's tables in the metadata)
from backend.db.base import Base
from backend.domain.reconcile import sources


def test_every_column_read_exists_in_its_table() -> None:
    missing = [
        f"{t.name}.{c.name}"
        for t in sources.ALL
        for c in t.c
        if t.name not in Base.metadata.tables or c.name not in Base.metadata.tables[t.name].c
    ]
    assert missing == []


def test_the_check_can_fail() -> None:
    assert "no_such_column" not in Base.metadata.tables["waybills"].c
