"""Assays (化验): the public face of the feature. Recorded by hand (with the report's scan) or upserted by
report number over /open/v1; `quality_for` gives the pricing engine each ticket's quality."""

from __future__ import annotations

from backend.domain.assays.checks import MAX_SCAN_BYTES, scan_type
from backend.domain.assays.reading import assays_of, get_assay, list_assays, quality_for, scan_file
from backend.domain.assays.recording import attach_scan, record_assay, upsert_assay

__all__ = [
    "MAX_SCAN_BYTES",
    "assays_of",
    "attach_scan",
    "get_assay",
    "list_assays",
    "quality_for",
    "record_assay",
    "scan_file",
    "scan_type",
    "upsert_assay",
]
