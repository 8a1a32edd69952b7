"""The reconciliation's fixed rules: defaults where a contract has no price terms, how long a load
may travel, which findings become alerts and for whom."""

from __future__ import annotations

# A contract without price terms (pricing.price_terms) still reconciles: 0.2 % transit loss is the
# common figure for coal by road, and 30 days after the month end the common payment term.
DEFAULT_ALLOWED_LOSS_BP = 20
DEFAULT_PAYMENT_DUE_DAYS = 30
# A waybill still open this long after departure has lost its arrival (a road load in the region
# takes hours, not days); a ticket without a waybill this long never left by the gate.
WAYBILL_OPEN_HOURS = 48
# The chain's days are the mine's days: Asia/Shanghai, UTC+8 all year.
LOCAL_TZ = "Asia/Shanghai"
LOCAL_OFFSET_HOURS = 8
# The sweep recomputes the orders of this many days back: the month before (overdue settlements)
# and the current one.
SWEEP_DAYS = 62

# Findings this feature raises as alerts, and which party handles them. Invoice-, payment- and
# settlement-level alerts are raised by their own features when the document arrives.
ALERTED: dict[str, str] = {"short_weight": "buyer", "settlement_overdue": "buyer", "parties_differ": "seller"}
