"""The columns of the chain's documents that the recomputation reads, set-based.

Reconciliation joins six features' tables in one statement over a million rows; their public faces
hand out one document at a time, and a feature never imports another's models (DESIGN §3). So the
columns read here are named once, as lightweight Core tables (no mapper, no import of the owners);
the names are those of the interfaces (CONTRACTS.md) and tests/reconcile/test_sources.py checks each
one against the real metadata, so a renamed column fails a test instead of a query in production.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, Float, Integer, String, TableClause, Uuid, column, table

from backend.db.base import UTCDateTime


def _t(name: str, *columns: tuple[str, Any]) -> TableClause:
    return table(name, *(column(n, t) for n, t in columns))


U, S, B, N, D, T, F, BOOL = Uuid, String, BigInteger, Integer, Date, UTCDateTime, Float, Boolean
contracts = _t(
    "contracts",
    ("id", U),
    ("contract_no", S),
    ("seller_org_id", U),
    ("buyer_org_id", U),
    ("price_fen_per_t", B),
    ("status", S),
    ("valid_from", D),
    ("valid_until", D),
    ("quantity_kg", B),
)
orders = _t(
    "pickup_orders",
    ("id", U),
    ("order_no", S),
    ("contract_id", U),
    ("seller_org_id", U),
    ("buyer_org_id", U),
    ("carrier_org_id", U),
    ("driver_user_id", U),
    ("region_code", S),
    ("planned_kg", B),
    ("status", S),
    ("plate", S),
    ("valid_from", T),
    ("closed_at", T),
    ("created_at", T),
)
tickets = _t(
    "weigh_tickets",
    ("id", U),
    ("ticket_no", S),
    ("order_id", U),
    ("net_kg", B),
    ("gross_at", T),
    ("status", S),
    ("evidence_seq", B),
    ("issued_at", T),
    ("plate", S),
    ("void_reason", S),
)
waybills = _t(
    "waybills",
    ("id", U),
    ("waybill_no", S),
    ("order_id", U),
    ("status", S),
    ("seller_org_id", U),
    ("buyer_org_id", U),
    ("carrier_org_id", U),
    ("departed_at", T),
    ("arrived_at", T),
    ("received_at", T),
    ("received_net_kg", B),
    ("distance_m", F),
    ("duration_s", B),
    ("destination_name", S),
)
price_terms = _t(
    "price_terms",
    ("contract_id", U),
    ("version", N),
    ("effective_from", D),
    ("quantity_basis", S),
    ("allowed_loss_bp", N),
    ("payment_due_days", N),
)
assays = _t(
    "assays",
    ("id", U),
    ("contract_id", U),
    ("scope", S),
    ("ticket_no", S),
    ("batch_date", D),
    ("lab", S),
    ("report_no", S),
    ("qnet_ar_kcal_per_kg", N),
    ("mt_bp", N),
    ("ad_bp", N),
    ("st_d_bp", N),
    ("tested_on", D),
)
settlements = _t(
    "settlements",
    ("id", U),
    ("settlement_no", S),
    ("version", N),
    ("status", S),
    ("contract_id", U),
    ("seller_org_id", U),
    ("buyer_org_id", U),
    ("settled_kg", B),
    ("amount_fen", B),
    ("total_fen", B),
    ("issued_at", T),
    ("evidence_seq", B),
    ("mismatch", BOOL),
)
settlement_lines = _t(
    "settlement_lines",
    ("id", U),
    ("settlement_id", U),
    ("ticket_id", U),
    ("order_id", U),
    ("net_kg", B),
    ("received_kg", B),
    ("settled_kg", B),
    ("unit_price_fen_per_t", B),
    ("amount_fen", B),
    ("computed_unit_price_fen_per_t", B),
    ("live", BOOL),
)
invoices = _t(
    "transport_invoices",
    ("id", U),
    ("invoice_no", S),
    ("issue_date", D),
    ("seller_org_id", U),
    ("buyer_org_id", U),
    ("amount_fen", B),
    ("total_fen", B),
    ("status", S),
)
invoice_lines = _t(
    "transport_invoice_lines",
    ("id", U),
    ("invoice_id", U),
    ("line_no", N),
    ("waybill_id", U),
    ("order_id", U),
    ("plate", S),
    ("quantity_kg", B),
    ("amount_fen", B),
    ("status", S),
)
# One waybill billed by one invoice line (a line may bill several waybills; a waybill is billed once).
invoice_waybills = _t(
    "transport_invoice_waybills",
    ("line_id", U),
    ("invoice_id", U),
    ("waybill_id", U),
    ("order_id", U),
    ("delivered_kg", B),
)
payments = _t(
    "payments",
    ("id", U),
    ("flow_no", S),
    ("payer_org_id", U),
    ("payee_org_id", U),
    ("amount_fen", B),
    ("settlement_id", U),
    ("invoice_id", U),
    ("paid_at", T),
    ("status", S),
    ("means", S),
)

ALL = (
    contracts,
    orders,
    tickets,
    waybills,
    price_terms,
    assays,
    settlements,
    settlement_lines,
    invoices,
    invoice_lines,
    invoice_waybills,
    payments,
)
