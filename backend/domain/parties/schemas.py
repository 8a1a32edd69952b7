"""Who a document of the chain concerns (its parties), and in which standing an actor reads it.

Every document of the chain (contract, pickup order, weigh ticket, waybill, and the settlements and
invoices to come) is seen by the same people: a party to it, the driver who carries it, staff of the
site it happens at, regulators of its region and above, platform admins. `Parties` names them for
one document; `Standing` says in which of those capacities a reader asks, so that an app can read
"as a party" or "as a regulator" without the domain knowing which app asks.
"""

from __future__ import annotations

import uuid
from enum import StrEnum

import msgspec


class Standing(StrEnum):
    """A capacity in which an actor may see a document."""

    SELLER = "seller"  # a member (any role) of the selling organisation
    BUYER = "buyer"  # a member of the buying organisation
    CARRIER = "carrier"  # a member of the carrying organisation
    DRIVER = "driver"  # the person who drives the load
    SITE_STAFF = "site_staff"  # staff (identity.SITE_STAFF roles) of the organisation whose site it is at
    REGULATOR = "regulator"  # a regulator whose region holds the document's region
    PLATFORM = "platform"  # a platform administrator: sees every document


# Every standing: who may see the document at all (access_<noun> helpers, "not found" otherwise).
EVERY = frozenset(Standing)
# As staff of an organisation party to it (the mine and enterprise apps), platform admins included.
AS_ORG_STAFF = frozenset({Standing.SELLER, Standing.BUYER, Standing.CARRIER, Standing.SITE_STAFF, Standing.PLATFORM})
# As a regulator (the regulator app), platform admins included.
AS_REGULATOR = frozenset({Standing.REGULATOR, Standing.PLATFORM})
# As the driver (the driver app), platform admins included.
AS_DRIVER = frozenset({Standing.DRIVER, Standing.PLATFORM})
# The driver's own loads only ("my orders", "my tickets"): nobody else's, whatever else he is.
OWN_LOADS = frozenset({Standing.DRIVER})


class Parties(msgspec.Struct, frozen=True, kw_only=True):
    """The parties of one document; None where the document has no such party (yet).

    A document's site belongs to its seller, so the seller's members already cover the site's staff;
    `site_org_id` serves records seen by a site's staff rather than by every member (its weighings)."""

    region_code: str
    seller_org_id: uuid.UUID | None = None
    buyer_org_id: uuid.UUID | None = None
    carrier_org_id: uuid.UUID | None = None
    driver_user_id: uuid.UUID | None = None
    site_org_id: uuid.UUID | None = None
