"""Assays (化验): the public face of the feature (filled in by the next commits)."""

from __future__ import annotations

__all__: list[str] = []
