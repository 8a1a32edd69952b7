"""Which live record each kind of entry is compared with when the chain is re-verified.

Kept apart from the service so that `meitong evidence verify` (and later a verify page) can ask
for every resolver without the evidence feature importing the features it records at import time:
they import it (to append), not the other way round. A feature's module is imported only once it
exists, found by importlib rather than by catching ImportError, which would also hide a real
error inside that module.
"""

from __future__ import annotations

import importlib
import importlib.util

from backend.domain.evidence.schemas import Resolver

# kind -> (module, function): the function is `async def (session, ref) -> Mapping | None`.
_KNOWN: dict[str, tuple[str, str]] = {
    "weigh_ticket": ("backend.domain.weighing.tickets", "ticket_payload"),
    "weigh_ticket_void": ("backend.domain.weighing.tickets", "void_payload"),
    "settlement": ("backend.domain.settlements.record", "settlement_payload"),
}


def _exists(module: str) -> bool:
    # find_spec imports parents: look for each package level so a missing one answers False.
    parts = module.split(".")
    return all(importlib.util.find_spec(".".join(parts[: i + 1])) is not None for i in range(len(parts)))


def default_resolvers() -> dict[str, Resolver]:
    """Every resolver whose feature module is present today."""
    found: dict[str, Resolver] = {}
    for kind, (module, function) in _KNOWN.items():
        if _exists(module):
            found[kind] = getattr(importlib.import_module(module), function)
    return found
