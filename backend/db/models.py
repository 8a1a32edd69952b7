"""Imports every feature's models so that Base.metadata knows all tables (Alembic, tests)."""

from backend.db import seed_marks
from backend.domain.alerts import models as alerts_models
from backend.domain.assays import models as assays_models
from backend.domain.audit import models as audit_models
from backend.domain.contracts import models as contracts_models
from backend.domain.drivers import models as drivers_models
from backend.domain.evidence import models as evidence_models
from backend.domain.identity import models as identity_models
from backend.domain.invitations import models as invitations_models
from backend.domain.machines import models as machines_models
from backend.domain.notices import models as notices_models
from backend.domain.orders import models as orders_models
from backend.domain.organisations import models as organisations_models
from backend.domain.pricing import models as pricing_models
from backend.domain.queue import models as queue_models
from backend.domain.regions import models as regions_models
from backend.domain.sites import models as sites_models
from backend.domain.terminals import models as terminals_models
from backend.domain.tracking import models as tracking_models
from backend.domain.vehicles import models as vehicles_models
from backend.domain.watchdog import models as watchdog_models
from backend.domain.waybills import models as waybills_models
from backend.domain.weighing import models as weighing_models

ALL = (
    alerts_models, assays_models, audit_models, contracts_models, drivers_models, evidence_models, identity_models, invitations_models, machines_models, notices_models,
    orders_models, organisations_models, pricing_models, queue_models, regions_models, sites_models, terminals_models, tracking_models, vehicles_models,
    watchdog_models, waybills_models, weighing_models, seed_marks,
)
