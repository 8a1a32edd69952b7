"""The columns of the chain's documents that the recomputation reads, set-based.

Reconciliation joins six features' tables in one statement over a million rows; their public faces
hand out one document at a time, and a feature never imports another's models (DESIGN §3). So the
columns read here are named once, as lightweight Core tables (no mapper, no import of the owners);
the names are those of the interfaces (CONTRACTS.md) and tests/reconcile/test_sources.py checks each
one against the real metadata, so a renamed column fails a test instead of a query in production.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Date, Integer, String, Uuid, column, table

from backend.db.base import UTCDateTime

contracts = table(
    "contracts",
    column("id", Uuid),
    column("contract_no", String),
    column("seller_org_id", Uuid),
    column("buyer_org_id", Uuid),
    column("price_fen_per_t", BigInteger),
    column("status", String),
)
orders = table(
    "pickup_orders",
    column("id", Uuid),
    column("order_no", String),
    column("contract_id", Uuid),
    column("seller_org_id", Uuid),
    column("buyer_org_id", Uuid),
    column("carrier_org_id", Uuid),
    column("region_code", String),
    column("planned_kg", BigInteger),
    column("status", String),
    column("valid_from", UTCDateTime),
    column("created_at", UTCDateTime),
)
tickets = table(
    "weigh_tickets",
    column("id", Uuid),
    column("ticket_no", String),
    column("order_id", Uuid),
    column("net_kg", BigInteger),
    column("gross_at", UTCDateTime),
    column("status", String),
    column("evidence_seq", BigInteger),
)
waybills = table(
    "waybills",
    column("id", Uuid),
    column("waybill_no", String),
    column("order_id", Uuid),
    column("status", String),
    column("seller_org_id", Uuid),
    column("buyer_org_id", Uuid),
    column("carrier_org_id", Uuid),
    column("departed_at", UTCDateTime),
    column("arrived_at", UTCDateTime),
    column("received_net_kg", BigInteger),
)
price_terms = table(
    "price_terms",
    column("contract_id", Uuid),
    column("version", Integer),
    column("effective_from", Date),
    column("quantity_basis", String),
    column("allowed_loss_bp", Integer),
    column("payment_due_days", Integer),
)
settlements = table(
    "settlements",
    column("id", Uuid),
    column("settlement_no", String),
    column("status", String),
    column("contract_id", Uuid),
    column("seller_org_id", Uuid),
    column("buyer_org_id", Uuid),
    column("amount_fen", BigInteger),
    column("total_fen", BigInteger),
)
settlement_lines = table(
    "settlement_lines",
    column("id", Uuid),
    column("settlement_id", Uuid),
    column("ticket_id", Uuid),
    column("order_id", Uuid),
    column("net_kg", BigInteger),
    column("received_kg", BigInteger),
    column("settled_kg", BigInteger),
    column("unit_price_fen_per_t", BigInteger),
    column("amount_fen", BigInteger),
    column("computed_unit_price_fen_per_t", BigInteger),
    column("live", Boolean),
)
invoices = table(
    "transport_invoices",
    column("id", Uuid),
    column("invoice_no", String),
    column("seller_org_id", Uuid),
    column("buyer_org_id", Uuid),
    column("amount_fen", BigInteger),
    column("status", String),
)
invoice_lines = table(
    "transport_invoice_lines",
    column("id", Uuid),
    column("invoice_id", Uuid),
    column("waybill_id", Uuid),
    column("order_id", Uuid),
    column("quantity_kg", BigInteger),
    column("amount_fen", BigInteger),
    column("status", String),
)
# One waybill billed by one invoice line (a line may bill several waybills; a waybill is billed once).
invoice_waybills = table(
    "transport_invoice_waybills",
    column("line_id", Uuid),
    column("invoice_id", Uuid),
    column("waybill_id", Uuid),
    column("delivered_kg", BigInteger),
)
payments = table(
    "payments",
    column("id", Uuid),
    column("flow_no", String),
    column("payer_org_id", Uuid),
    column("payee_org_id", Uuid),
    column("amount_fen", BigInteger),
    column("settlement_id", Uuid),
    column("invoice_id", Uuid),
)

ALL = (
    contracts,
    orders,
    tickets,
    waybills,
    price_terms,
    settlements,
    settlement_lines,
    invoices,
    invoice_lines,
    payments,
)
