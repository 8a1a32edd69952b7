"""Terminal errors for the apps. The gateway itself answers with JT/T 808 result codes (schemas.py)."""

from __future__ import annotations

from backend.errors import NotFound


def terminal_not_found() -> NotFound:
    return NotFound("车载终端", "terminal")
