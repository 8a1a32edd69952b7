"""Kept for the callers of the old name: the outbox sender lives in backend/domain/notices/outbox.py
and runs as the job `notices.drain_outbox` (backend/domain/notices/jobs.py)."""

from __future__ import annotations

from backend.domain.notices.service import deliver_due, drain

__all__ = ["deliver_due", "drain"]
