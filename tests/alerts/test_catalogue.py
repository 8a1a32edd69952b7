"""The alert catalogue is the one list of kinds: every raiser's codes are in it (with a grade, a
handler, a subject and evidence), and raising anything else is refused before a row is written."""

from __future__ import annotations

import pytest

from backend.context import Context
from backend.domain.alerts import catalogue
from backend.domain.alerts import service as alerts
from backend.domain.alerts.catalogue import Source, UnknownAlertKind
from backend.domain.alerts.schemas import AlertRaise, Grade
from backend.domain.orders import gate
from backend.domain.waybills import gps
from backend.domain.weighing import errors, submit
from geo.pipeline import model as m
from tests.alerts import helpers as ah
from tests.sites import helpers as sh

# The refusal codes the weighing checks produce beyond errors.REFUSALS (they carry their own figures).
_WEIGHING_FINDINGS = {"plate_mismatch", "weight_jump", "tare_out_of_range", "plate_elsewhere", "loading_too_short",
                      "overweight", "net_exceeds_order"}
_GPS_EVENTS = {m.SITE_ENTER, m.SITE_EXIT, m.EXIT_NOT_DESIGNATED, m.CORRIDOR_LEAVE, m.CORRIDOR_RETURN, m.LONG_STOP,
               m.SIGNAL_GAP, m.SIGNAL_GAP_WITHDRAWN, m.OVERSPEED}


def test_every_kind_is_complete() -> None:
    assert len(catalogue.KINDS) >= 23
    for code, k in catalogue.KINDS.items():
        assert code == k.code and len(code) <= 32, code
        assert k.name_zh and k.name_en and k.name_zh != k.name_en, code
        assert isinstance(k.grade, Grade) and k.evidence and k.window_min > 0, code


def test_every_raisers_codes_are_catalogued() -> None:
    """What each raiser may send is a catalogued kind of its source, and names a real cause."""
    assert submit.ALERTING == catalogue.codes(Source.WEIGHING)
    assert submit.ALERTING <= _WEIGHING_FINDINGS | set(errors.REFUSALS)
    assert gps.ALERTING == catalogue.codes(Source.GPS)
    assert gps.ALERTING == {f"gps_{k}" for k in (m.EXIT_NOT_DESIGNATED, m.CORRIDOR_LEAVE, m.LONG_STOP,
                                                    m.SIGNAL_GAP, m.OVERSPEED)}
    assert {c.removeprefix("gps_") for c in gps.ALERTING} <= _GPS_EVENTS
    assert catalogue.codes(Source.GATE) == {"pass_forged", "pass_altered"} and catalogue.codes(Source.GATE) <= set(gate.ORDER_REFUSALS)
    # Every other kind has its raiser (each raised the real way in tests/alerts/test_trade_alerts.py,
    # test_sales_alerts.py and tests/watchdog).
    assert catalogue.codes(Source.TRADE) == {"overload", "sales_above_baseline", "sales_above_capacity",
                                             "price_off_contract", "receipt_disagreement"}
    assert catalogue.codes(Source.WATCHDOG) == {"device_silent", "site_silent", "closed_site_activity"}
    # The chain's kinds (issue 14), each raised the real way in tests/chain, tests/settlements,
    # tests/invoices, tests/payments and tests/reconcile; a trade party handles them, once per document.
    assert catalogue.codes(Source.CHAIN) == {
        "short_weight", "settlement_mismatch", "price_above_contract", "settlement_overdue", "invoice_without_waybill",
        "waybill_invoiced_twice", "invoiced_above_delivered", "freight_rate_off_band", "invoice_number_duplicate",
        "payer_not_buyer", "parties_differ"}
    assert {catalogue.KINDS[c].handler for c in catalogue.codes(Source.CHAIN)} == {catalogue.Handler.TRADE_PARTY}
    assert {catalogue.KINDS[c].subject for c in catalogue.codes(Source.CHAIN)} == {catalogue.Subject.DOCUMENT}


def test_todays_grades_map_onto_the_four() -> None:
    """Yesterday's 1/2/3 became red/orange/yellow; the new kinds of issue 13 are all there."""
    grades = {c: k.grade for c, k in catalogue.KINDS.items()}
    assert {grades[c] for c in ("weight_jump", "plate_elsewhere", "overweight")} == {Grade.RED}
    assert {grades[c] for c in ("plate_mismatch", "gps_exit_not_designated", "gps_signal_gap")} == {Grade.ORANGE}
    assert {grades[c] for c in ("loading_too_short", "gps_corridor_leave", "gps_long_stop")} == {Grade.YELLOW}
    for new in ("overload", "sales_above_baseline", "sales_above_capacity", "price_off_contract", "receipt_disagreement",
                "device_silent", "site_silent", "closed_site_activity"):
        assert new in catalogue.KINDS, new
    assert catalogue.KINDS["gps_overspeed"].handler == catalogue.Handler.CARRIER
    assert catalogue.KINDS["device_silent"].subject == catalogue.Subject.DEVICE


async def test_an_unknown_kind_is_refused_before_anything_is_written(ctx: Context) -> None:
    org = await sh.new_org(ctx)
    async with ctx.sessions() as session:
        with pytest.raises(UnknownAlertKind):
            await alerts.raise_alert(session, data=AlertRaise(
                kind="gps_site_enter", org_id=org, site_id=None, region_code="150623", ref="x",
                message_zh="进入", message_en="entered"))
        await session.commit()
    assert await ah.all_alerts(ctx) == []
