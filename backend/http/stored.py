"""Answers for files of the content-addressed store (backend/files.py) and the pagers of list pages.

A stored file is named by its sha256, so the hash is its ETag and a copy never goes stale; it is
personal or business data, so only the reader's own browser may keep it ("private").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar.response import File


def stored_file(path: Path | str, *, media_type: str, sha256: str, filename: str | None = None,
                max_age_s: int = 0) -> File:
    """A stored file shown inline (a scan, a contract PDF, a ticket photo)."""
    cache = f"private, max-age={max_age_s}" + (", immutable" if max_age_s else "")
    return File(path=path, media_type=media_type, content_disposition_type="inline", filename=filename or sha256,
                etag=None, headers={"ETag": f'"{sha256}"', "Cache-Control": cache})


def pager(*, offset: int, total: int, size: int) -> dict[str, Any]:
    """The previous and next offsets of a paged list (None at either end), for the templates."""
    return {"next_offset": offset + size if offset + size < total else None,
            "prev_offset": max(0, offset - size) if offset else None}
