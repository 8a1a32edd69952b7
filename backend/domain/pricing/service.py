"""Quality-price terms (质价条款) of a contract and the pricing engine: the public face of the feature.

Terms are versioned with the contract (a new version is a new row); the engine (engine.py) is pure and
is what settlements recompute with: `terms_at` + `price_load` / `compute`.
"""

from __future__ import annotations

from backend.domain.pricing.engine import compute, kcal_per_kg, price_load, weighted_quality
from backend.domain.pricing.rules import check_quality
from backend.domain.pricing.terms import add_terms, list_terms, quote, terms_at

__all__ = [
    "add_terms",
    "check_quality",
    "compute",
    "kcal_per_kg",
    "list_terms",
    "price_load",
    "quote",
    "terms_at",
    "weighted_quality",
]
