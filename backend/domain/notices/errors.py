from __future__ import annotations

from backend.errors import NotFound


def notice_not_found() -> NotFound:
    return NotFound("通知", "notice")
