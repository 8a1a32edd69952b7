"""Who may move a settlement now (pure): each answers None when allowed, else the error to raise.

The issuer's side stands behind its figures by issuing them (its confirmation is set at issue);
the other side confirms. Only the issuer corrects (a new version, pending or confirmed) or
withdraws (pending only).
"""

from __future__ import annotations

from backend.domain.identity.schemas import Principal
from backend.domain.settlements import errors
from backend.domain.settlements.access import settles_for
from backend.domain.settlements.models import Settlement
from backend.domain.settlements.schemas import SettlementStatus
from backend.errors import DomainError, forbidden

OPEN = (SettlementStatus.PENDING.value, SettlementStatus.CONFIRMED.value)


def may_confirm(actor: Principal, s: Settlement) -> DomainError | None:
    if s.status != SettlementStatus.PENDING:
        return errors.not_pending(s.status)
    other = s.seller_org_id if s.issued_by_org_id == s.buyer_org_id else s.buyer_org_id
    if settles_for(actor, other):
        return None
    return errors.own_confirm() if settles_for(actor, s.issued_by_org_id) else forbidden()


def may_correct(actor: Principal, s: Settlement) -> DomainError | None:
    if s.status not in OPEN:
        return errors.not_pending(s.status)
    return None if settles_for(actor, s.issued_by_org_id) else errors.not_issuer()


def may_withdraw(actor: Principal, s: Settlement) -> DomainError | None:
    if s.status != SettlementStatus.PENDING:
        return errors.not_pending(s.status)
    return None if settles_for(actor, s.issued_by_org_id) else errors.not_issuer()
