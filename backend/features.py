"""The features of the platform, and how they plug in.

Each feature is a folder in backend/domain. Besides its public face (service.py, schemas.py) it may
have `subscribers.py` (how it reacts to other features' events, backend/events.py), `jobs.py`
(the periodic work it registers, backend/jobs.py) and `alert_evidence.py` (the records it holds that
prove an alert, for the alert's evidence pack: backend/domain/alerts/packs.py). `load()` imports those modules once, which
registers them; the app, the worker and the tests call it at start-up (backend/context.py does).

Imported by name so that a producer never imports its consumers, not even through this list: a new
feature adds its name here and nothing else changes in the core.
"""

from __future__ import annotations

import importlib
import importlib.util

FEATURES: tuple[str, ...] = (
    "regions", "audit", "identity", "parties", "organisations", "sites", "machines", "drivers", "vehicles",
    "terminals", "notices", "alerts", "evidence", "contracts", "passes", "queue", "orders", "weighing", "tracking",
    "waybills", "invitations", "pricing", "assays", "watchdog", "settlements", "invoices", "payments", "reconcile",
)
# subscribers: reactions to other features' events; jobs: periodic work; alert_evidence: collectors of
# the records that prove an alert (alerts.evidence_collector), for its evidence pack.
PLUG_INS: tuple[str, ...] = ("subscribers", "jobs", "alert_evidence")

_loaded = False


def load() -> None:
    """Import every feature's plug-ins (idempotent)."""
    global _loaded
    if _loaded:
        return
    for feature in FEATURES:
        for plug_in in PLUG_INS:
            name = f"backend.domain.{feature}.{plug_in}"
            if importlib.util.find_spec(name) is not None:
                importlib.import_module(name)
    _loaded = True
