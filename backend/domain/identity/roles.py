"""The roles a person holds, and the named sets of them that the rules ask about.

A `Role` is a StrEnum: it is stored, compared and sent as the same plain strings as ever
("enterprise_admin" == Role.ENTERPRISE_ADMIN). Every rule that asks "may someone in these roles
do this" names one of the sets below instead of spelling roles out, so a new role or a changed
duty is one edit here. Exported through identity's schemas.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    DRIVER = "driver"
    CARRIER_ADMIN = "carrier_admin"
    ENTERPRISE_ADMIN = "enterprise_admin"
    SALES = "sales"
    DISPATCHER = "dispatcher"
    FINANCE = "finance"
    REGULATOR = "regulator"
    PLATFORM_ADMIN = "platform_admin"


ROLE_LABELS: dict[str, tuple[str, str]] = {
    Role.DRIVER: ("司机", "Driver"),
    Role.CARRIER_ADMIN: ("承运商管理员", "Carrier admin"),
    Role.ENTERPRISE_ADMIN: ("企业管理员", "Enterprise admin"),
    Role.SALES: ("销售", "Sales"),
    Role.DISPATCHER: ("调度", "Dispatcher"),
    Role.FINANCE: ("财务", "Finance"),
    Role.REGULATOR: ("监管", "Regulator"),
    Role.PLATFORM_ADMIN: ("平台管理员", "Platform admin"),
}

# The staff roles an organisation grants its people, in the order forms list them.
ENTERPRISE_STAFF: tuple[Role, ...] = (Role.ENTERPRISE_ADMIN, Role.SALES, Role.DISPATCHER, Role.FINANCE)
CARRIER_STAFF: tuple[Role, ...] = (Role.CARRIER_ADMIN, Role.DISPATCHER, Role.FINANCE)

# Staff of an enterprise (mine, plant, trader, consumer): the mine app's people.
ENTERPRISE_ROLES = frozenset(ENTERPRISE_STAFF)
# Manage an organisation's own registry data (its sites, keys, staff).
ADMIN_ROLES = frozenset({Role.ENTERPRISE_ADMIN, Role.CARRIER_ADMIN})
# An enterprise's administrators: its sites' settings; confirm or terminate its contracts.
ENTERPRISE_ADMINS = frozenset({Role.ENTERPRISE_ADMIN})
# Speak for a seller: issue and cancel its pickup orders, draft, file and complete its contracts.
ISSUERS = frozenset({Role.ENTERPRISE_ADMIN, Role.SALES})
# The weighbridge's supervisors (磅房主管, sales at a mine): allow a re-weigh.
SUPERVISORS = frozenset({Role.ENTERPRISE_ADMIN, Role.SALES})
# Run a seller's sites day to day: dispatch its orders, watch lanes and weighings, run the queue.
SITE_STAFF = frozenset({Role.ENTERPRISE_ADMIN, Role.SALES, Role.DISPATCHER})
# Pass trucks through a site's gate by hand.
GUARDS = frozenset({Role.ENTERPRISE_ADMIN, Role.SALES, Role.DISPATCHER})
# Change a site's queue settings (capacity, hours, call rules).
QUEUE_SETTINGS_ROLES = frozenset({Role.ENTERPRISE_ADMIN, Role.DISPATCHER})
# Told at once when an alert is raised on their organisation, and the staff who acknowledge and dispose
# it (rules art. 30: each enterprise names the people who log in and handle alerts). A carrier handles
# the GPS kinds about its trucks through its admin and dispatchers.
ALERT_AUDIENCE = frozenset({Role.ENTERPRISE_ADMIN, Role.DISPATCHER, Role.CARRIER_ADMIN})
# The trade documents' alerts (settlements, invoices, payments: issue 14) are the money people's too.
TRADE_ALERT_AUDIENCE = ALERT_AUDIENCE | {Role.FINANCE, Role.SALES}
# A carrier's people who see its fleet and dispatch its trucks onto orders; only its admin changes the fleet.
FLEET_READ_ROLES = frozenset({Role.CARRIER_ADMIN, Role.DISPATCHER})
FLEET_ADMIN_ROLES = frozenset({Role.CARRIER_ADMIN})
CARRIER_DISPATCHERS = FLEET_READ_ROLES
# Must pass a second factor (TOTP) at login, besides every platform administrator: they can suspend,
# blacklist, issue machine keys or grant roles.
SECOND_FACTOR_ROLES = frozenset({Role.ENTERPRISE_ADMIN, Role.CARRIER_ADMIN, Role.REGULATOR})
