"""Who may see weighings and tickets. A ticket is read by its seller, buyer and carrier, its
driver, the regulators whose region holds the site, platform admins (the chain's one rule,
parties.service); a site's weighings, refusals and lanes by the site organisation's staff and those
regulators. Re-weigh overrides are given by the seller's supervisors (identity.SUPERVISORS:
enterprise_admin, or sales as the mine's 磅房主管)."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement

from backend.domain.identity.schemas import Principal
from backend.domain.parties import service as parties
from backend.domain.parties.schemas import EVERY, Parties, Standing
from backend.domain.weighing.models import WeighTicket

TICKET_PARTIES = parties.PartyColumns(
    region_code=WeighTicket.region_code, seller_org_id=WeighTicket.seller_org_id,
    buyer_org_id=WeighTicket.buyer_org_id, carrier_org_id=WeighTicket.carrier_org_id,
    driver_user_id=WeighTicket.driver_user_id,
)


def can_read_ticket(actor: Principal, t: WeighTicket) -> bool:
    return parties.may_see(actor, TICKET_PARTIES.of(t))


def tickets_filter(actor: Principal, *, reading_as: frozenset[Standing] = EVERY) -> ColumnElement[bool]:
    return parties.visible_filter(actor, TICKET_PARTIES, reading_as=reading_as)


def can_watch_site(actor: Principal, *, org_id: uuid.UUID, region_code: str) -> bool:
    return parties.may_see(actor, Parties(region_code=region_code, site_org_id=org_id))
