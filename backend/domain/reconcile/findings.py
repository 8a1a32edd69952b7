"""New findings become alerts, exactly once.

After a recomputation, the rows of the set that carry an alerted reason are offered to
chain_findings with INSERT … ON CONFLICT DO NOTHING RETURNING: only the keys that went in come back,
and only those raise. Recomputing the same chain three times raises one alert; a finding that clears
and comes back does not raise again (its key stays, the alert's history holds the rest).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, cast, exists, literal, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertRaise
from backend.domain.reconcile import sources
from backend.domain.reconcile.models import ChainFinding, ChainStatus
from backend.domain.reconcile.rules import ALERTED
from backend.domain.reconcile.schemas import REASONS


def _alerting(reason: str) -> ColumnElement[bool]:
    """Short weight is alerted only against a contract's own allowed loss (its price terms): without
    terms the chain still marks it at the default, and the receipt's own `receipt_disagreement`
    (waybills/receipts.py, the scales' tolerance) has already told the parties."""
    if reason != "short_weight":
        return true()
    t = sources.price_terms
    return exists(select(t.c.contract_id).where(t.c.contract_id == ChainStatus.contract_id))


def _has(reason: str) -> ColumnElement[bool]:
    # The stored JSON list as text holds each code in double quotes (JSON text in SQLite, jsonb::text
    # in PostgreSQL): a containment test both databases read the same way.
    return cast(ChainStatus.reasons, String).like(f'%"{reason}"%')


async def raise_new(session: AsyncSession, *, where: ColumnElement[bool], now: datetime) -> list[uuid.UUID]:
    """Raise the alerts of the findings not raised before among the chain rows `where` selects
    (a predicate over chain_status); returns the alert ids."""
    pg = session.get_bind().dialect.name == "postgresql"
    insert = postgresql.insert if pg else sqlite.insert
    raised: list[uuid.UUID] = []
    for reason in ALERTED:
        source = select(
            ChainStatus.order_id,
            literal(reason, String),
            literal(now, ChainFinding.__table__.c.raised_at.type),
        ).where(where, _has(reason), _alerting(reason))
        statement = (
            insert(ChainFinding)
            .from_select(["order_id", "reason", "raised_at"], source)
            .on_conflict_do_nothing(index_elements=["order_id", "reason"])
            .returning(ChainFinding.order_id)
        )
        new_ids = [row[0] for row in (await session.execute(statement)).all()]
        for order_id in new_ids:
            row = await session.get(ChainStatus, order_id, populate_existing=True)
            if row is None:  # deleted with its order in the same unit: nothing to say
                continue
            alert_id = await _raise(session, row, reason, now)
            await session.execute(
                update(ChainFinding)
                .where(ChainFinding.order_id == order_id, ChainFinding.reason == reason)
                .values(alert_id=alert_id)
            )
            raised.append(alert_id)
    return raised


def _details(row: ChainStatus, reason: str) -> dict[str, Any]:
    return {
        "orderNo": row.order_no,
        "orderId": str(row.order_id),
        "contractNo": row.contract_no,
        "contractId": str(row.contract_id),
        "reason": reason,
        "loadedKg": row.loaded_kg,
        "deliveredKg": row.delivered_kg,
        "settledKg": row.settled_kg,
        "day": row.day.isoformat(),
    }


async def _raise(session: AsyncSession, row: ChainStatus, reason: str, now: datetime) -> uuid.UUID:
    org_id = row.seller_org_id if ALERTED[reason] == "seller" else row.buyer_org_id
    zh, en = REASONS[reason]
    out = await alerts.raise_alert(
        session,
        at=now,
        data=AlertRaise(
            kind=reason,
            org_id=org_id,
            site_id=None,
            region_code=row.region_code,
            ref=f"order:{row.order_no}",
            order_no=row.order_no,
            message_zh=f"提煤单 {row.order_no}（合同 {row.contract_no}）：{zh}",
            message_en=f"Pickup order {row.order_no} (contract {row.contract_no}): {en}",
            details=_details(row, reason),
        ),
    )
    return out.id
