"""Who may see a document of the chain, declared once: as a Python predicate over its `Parties`
and as an SQL filter over the document's columns, which always agree.

A document plugs in by naming its columns once, beside its model (its access.py):

    SETTLEMENT_PARTIES = PartyColumns(region_code=Settlement.region_code,
                                      seller_org_id=Settlement.seller_org_id, buyer_org_id=Settlement.buyer_org_id)

    def can_read(actor, row):   return parties.may_see(actor, SETTLEMENT_PARTIES.of(row))
    def readable_filter(actor): return parties.visible_filter(actor, SETTLEMENT_PARTIES)

`reading_as` narrows the standings that count (schemas: EVERY by default, AS_ORG_STAFF, AS_REGULATOR,
AS_DRIVER, OWN_LOADS); a standing whose column the document lacks never counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, or_, true
from sqlalchemy.orm import QueryableAttribute

from backend.checks.regions import is_within
from backend.domain.identity import schemas as identity
from backend.domain.identity.schemas import Principal
from backend.domain.parties.schemas import EVERY, Parties, Standing
from backend.domain.regions.service import within_scopes

__all__ = ["Column", "PartyColumns", "may_see", "visible_filter"]

Column = QueryableAttribute[Any]
# The organisation parties: any member of one sees the document.
_ORG_STANDINGS = (Standing.SELLER, Standing.BUYER, Standing.CARRIER)


@dataclass(frozen=True, slots=True)
class PartyColumns:
    """The mapped columns that hold a document's parties (each named as in `Parties`)."""

    region_code: Column
    seller_org_id: Column | None = None
    buyer_org_id: Column | None = None
    carrier_org_id: Column | None = None
    driver_user_id: Column | None = None
    site_org_id: Column | None = None

    def of(self, row: object) -> Parties:
        """The parties of one loaded row, read through the same columns the SQL filter uses."""
        def value(column: Column | None) -> Any:
            return None if column is None else getattr(row, column.key)

        return Parties(region_code=value(self.region_code), seller_org_id=value(self.seller_org_id),
                       buyer_org_id=value(self.buyer_org_id), carrier_org_id=value(self.carrier_org_id),
                       driver_user_id=value(self.driver_user_id), site_org_id=value(self.site_org_id))


def _org_field(standing: Standing) -> str:
    """The field of `Parties` (and `PartyColumns`) naming the organisation of an organisation standing."""
    return f"{standing.value}_org_id"


def may_see(actor: Principal, doc: Parties, *, reading_as: frozenset[Standing] = EVERY) -> bool:
    """Whether `actor` may see the document in any of the standings `reading_as`."""
    if Standing.PLATFORM in reading_as and actor.is_platform_admin:
        return True
    if Standing.DRIVER in reading_as and doc.driver_user_id is not None and doc.driver_user_id == actor.user_id:
        return True
    for standing in _ORG_STANDINGS:
        org_id = getattr(doc, _org_field(standing))
        if standing in reading_as and org_id is not None and actor.is_member(org_id):
            return True
    if Standing.SITE_STAFF in reading_as and doc.site_org_id is not None \
            and actor.is_member(doc.site_org_id, identity.SITE_STAFF):
        return True
    return Standing.REGULATOR in reading_as and any(is_within(doc.region_code, s) for s in actor.regulator_scopes)


def visible_filter(actor: Principal, columns: PartyColumns, *,
                   reading_as: frozenset[Standing] = EVERY) -> ColumnElement[bool]:
    """SQL predicate over the document's table: the rows `may_see` admits, and no others."""
    if Standing.PLATFORM in reading_as and actor.is_platform_admin:
        return true()
    terms: list[ColumnElement[bool]] = []
    if Standing.DRIVER in reading_as and columns.driver_user_id is not None:
        terms.append(columns.driver_user_id == actor.user_id)
    orgs = sorted(actor.org_ids(), key=str)
    for standing in _ORG_STANDINGS:
        column = getattr(columns, _org_field(standing))
        if standing in reading_as and column is not None and orgs:
            terms.append(column.in_(orgs))
    site_orgs = sorted(actor.org_ids(identity.SITE_STAFF), key=str)
    if Standing.SITE_STAFF in reading_as and columns.site_org_id is not None and site_orgs:
        terms.append(columns.site_org_id.in_(site_orgs))
    if Standing.REGULATOR in reading_as and actor.regulator_scopes:
        terms.append(within_scopes(columns.region_code, actor.regulator_scopes))
    return or_(*terms) if terms else false()
