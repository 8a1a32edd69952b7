"""The pure pricing engine: the issue's worked example to the fen, half-even at ties, the per-kcal basis,
rejection, moisture deducted from weight, MJ/kg input, and a monthly weighted settlement written out by hand."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from backend.domain.pricing import service as pricing
from backend.domain.pricing.schemas import LoadIn, Quality
from tests.pricing.worked import D, rule, terms, worked_rules


def q(qnet: str | None = None, mt: str | None = None, **kw: str) -> Quality:
    return Quality(
        qnet_ar_kcal_per_kg=None if qnet is None else D(qnet),
        mt_pct=None if mt is None else D(mt),
        **{k: D(v) for k, v in kw.items()},
    )


def test_worked_example_good_coal_settles_at_304_yuan() -> None:
    priced = pricing.price_load(terms=terms(), quality=q("4260", "14"))
    assert priced.unit_price_fen_per_t == 30400
    assert [(a.index, a.steps, a.fen_per_t) for a in priced.adjustments] == [("qnet_ar", D(2), 400)]
    assert priced.rejected is None and priced.weight_deduction_bp == 0


def test_worked_example_poor_wet_coal_settles_at_283_yuan() -> None:
    priced = pricing.price_load(terms=terms(), quality=q("3720", "16.5"))
    assert priced.unit_price_fen_per_t == 30000 - 600 - 900 - 200 == 28300
    assert [(a.index, a.fen_per_t) for a in priced.adjustments] == [
        ("qnet_ar", -600),
        ("qnet_ar", -900),
        ("mt", -200),
    ]


def test_full_and_started_steps_at_their_edges() -> None:
    t = terms()
    assert pricing.price_load(terms=t, quality=q("4000", "15")).unit_price_fen_per_t == 30000
    assert (
        pricing.price_load(terms=t, quality=q("4099", "15")).unit_price_fen_per_t == 30000
    )  # not a full step
    assert pricing.price_load(terms=t, quality=q("4100", "15.01")).unit_price_fen_per_t == 30200 - 100
    assert pricing.price_load(terms=t, quality=q("3999")).unit_price_fen_per_t == 29700  # a started step
    assert pricing.price_load(terms=t, quality=q("3800")).unit_price_fen_per_t == 29400
    assert pricing.price_load(terms=t, quality=q("3799")).unit_price_fen_per_t == 29400 - 900


def test_half_even_at_ties() -> None:
    # per-kcal: 7500 milli-fen/kcal × 4001 kcal/kg ÷ 1000 = 30007.5 fen/t → 30008; × 4003 → 30022.5 → 30022.
    t = terms(basis="per_kcal", base_price_fen_per_t=None, base_price_milli_fen_per_kcal=7500, rules=[])
    assert pricing.price_load(terms=t, quality=q("4001")).unit_price_fen_per_t == 30008
    assert pricing.price_load(terms=t, quality=q("4003")).unit_price_fen_per_t == 30022
    # half-even partial steps: 50 kcal of a 100-kcal step is half a step → 0 steps; 150 → 2 steps.
    he = terms(
        rules=[
            rule(
                index="qnet_ar",
                condition="ge",
                lower="4000",
                step="100",
                amount_fen_per_step=200,
                partial="half_even",
            )
        ]
    )
    assert pricing.price_load(terms=he, quality=q("4050")).unit_price_fen_per_t == 30000
    assert pricing.price_load(terms=he, quality=q("4150")).unit_price_fen_per_t == 30400
    # line amounts: 30500 kg × 30001 fen/t ÷ 1000 = 915030.5 → 915030; × 30003 → 915091.5 → 915092.
    flat = terms(rules=[], base_price_fen_per_t=30001)
    assert pricing.compute(terms=flat, loads=[LoadIn(ticket_no="T1", net_kg=30500)]).amount_fen == 915030
    flat3 = terms(rules=[], base_price_fen_per_t=30003)
    assert pricing.compute(terms=flat3, loads=[LoadIn(ticket_no="T1", net_kg=30500)]).amount_fen == 915092


def test_pro_rata_steps_to_decimals() -> None:
    t = terms(
        rules=[
            rule(
                index="st_d",
                condition="ge",
                lower="1",
                step="0.1",
                amount_fen_per_step=-150,
                partial="decimals",
                decimals=1,
            )
        ]
    )
    # St,d 1.25 %: 2.5 steps × −150 = −375 fen/t.
    priced = pricing.price_load(terms=t, quality=q(st_d_pct="1.25"))
    assert priced.unit_price_fen_per_t == 29625 and priced.adjustments[0].steps == D("2.5")


def test_per_kcal_basis_follows_the_calorific_value() -> None:
    # 7.5 fen per kcal: 300 yuan/t at 4000 kcal/kg, 345 yuan/t at 4600 kcal/kg (no rules).
    t = terms(basis="per_kcal", base_price_fen_per_t=None, base_price_milli_fen_per_kcal=7500, rules=[])
    assert pricing.price_load(terms=t, quality=q("4000")).unit_price_fen_per_t == 30000
    assert pricing.price_load(terms=t, quality=q("4600")).unit_price_fen_per_t == 34500
    # No Qnet reported: priced at the base quality.
    assert pricing.price_load(terms=t, quality=q()).unit_price_fen_per_t == 30000


def test_rejection_limit_refuses_the_load() -> None:
    rules = [
        *worked_rules(),
        rule(
            index="st_d",
            condition="ge",
            lower="1",
            step="0.1",
            amount_fen_per_step=-100,
            partial="up",
            reject_above="2",
        ),
    ]
    t = terms(rules=rules)
    priced = pricing.price_load(terms=t, quality=q("4260", "14", st_d_pct="2.01"))
    assert priced.rejected == "st_d" and priced.unit_price_fen_per_t == 0
    assert pricing.price_load(terms=t, quality=q("4260", "14", st_d_pct="2.00")).rejected is None
    out = pricing.compute(
        terms=t, loads=[LoadIn(ticket_no="T1", net_kg=30000, quality=q("4260", "14", st_d_pct="2.5"))]
    )
    assert out.lines[0].rejected == "st_d" and out.settled_kg == 0 and out.amount_fen == 0
    assert out.lines[0].deduction_kg == 30000


def test_moisture_above_the_limit_is_deducted_from_weight() -> None:
    t = terms(rules=[], moisture_limit_bp=1200)  # 12 %
    priced = pricing.price_load(terms=t, quality=q("4000", "13.75"))
    assert priced.weight_deduction_bp == 175
    out = pricing.compute(terms=t, loads=[LoadIn(ticket_no="T1", net_kg=40000, quality=q("4000", "13.75"))])
    line = out.lines[0]
    # 40000 kg × 1.75 % = 700 kg deducted; 39300 kg × 300.00 yuan/t = 11790.00 yuan.
    assert (line.basis_kg, line.deduction_kg, line.settled_kg, line.amount_fen) == (
        40000,
        700,
        39300,
        1_179_000,
    )
    assert pricing.price_load(terms=t, quality=q("4000", "11")).weight_deduction_bp == 0


def test_mj_per_kg_input_is_converted_half_even() -> None:
    # 17.83 MJ/kg × 1000 ÷ 4.1816 = 4263.9... → 4264 kcal/kg → 2 full steps above 4000.
    priced = pricing.price_load(terms=terms(), quality=q("17.83", "14"))
    assert priced.quality.qnet_ar_kcal_per_kg == D(4264) and priced.unit_price_fen_per_t == 30400
    assert pricing.kcal_per_kg(D("23.00")) == 5500
    expected = (D("15.55") * 1000 / D("4.1816")).quantize(D(1), rounding=ROUND_HALF_EVEN)
    assert pricing.kcal_per_kg(D("15.55")) == int(expected) == 3719
    assert pricing.kcal_per_kg(D("4260")) == 4260


def test_transit_loss_beyond_the_allowance_is_deducted_on_mine_ticket_basis() -> None:
    t = terms(rules=[])  # allowed loss 0.50 %
    out = pricing.compute(
        terms=t,
        loads=[
            LoadIn(ticket_no="T1", net_kg=40000, received_kg=39900),  # 0.25 % short: within the allowance
            LoadIn(
                ticket_no="T2", net_kg=40000, received_kg=39500
            ),  # 500 kg short, 200 allowed → 300 deducted
        ],
    )
    assert [ln.deduction_kg for ln in out.lines] == [0, 300]
    gate = pricing.compute(
        terms=terms(rules=[], quantity_basis="buyer_gate"),
        loads=[LoadIn(ticket_no="T2", net_kg=40000, received_kg=39500)],
    )
    assert gate.lines[0].basis_kg == 39500 and gate.settled_kg == 39500


def test_batch_settlement_prices_each_load_on_its_own() -> None:
    out = pricing.compute(
        terms=terms(),
        loads=[
            LoadIn(ticket_no="T1", net_kg=30000, quality=q("4260", "14")),
            LoadIn(ticket_no="T2", net_kg=20000, quality=q("3720", "16.5")),
        ],
    )
    assert [ln.unit_price_fen_per_t for ln in out.lines] == [30400, 28300]
    assert out.amount_fen == 30 * 30400 + 20 * 28300 == 1_478_000
    assert out.tax_fen == 192_140 and out.total_fen == 1_670_140


def test_monthly_weighted_settlement_equals_the_hand_computation() -> None:
    t = terms(settlement_mode="monthly_weighted")
    loads = [
        LoadIn(ticket_no="T1", net_kg=31_250, quality=q("4260", "14")),
        LoadIn(ticket_no="T2", net_kg=28_730, quality=q("3720", "16.5")),
        LoadIn(ticket_no="T3", net_kg=33_110, quality=q("4010", "15.2")),
        LoadIn(ticket_no="T4", net_kg=29_990, quality=q("16.60", "15.8")),  # MJ/kg: 3969.75... → 3970 kcal/kg
    ]
    out = pricing.compute(terms=t, loads=loads)

    # By hand. The kg-weighted averages (total 123 080 kg):
    #   Qnet: (31250×4260 + 28730×3720 + 33110×4010 + 29990×3970) ÷ 123080
    #       = (133 125 000 + 106 875 600 + 132 771 100 + 119 060 300) ÷ 123080 = 491 832 000 ÷ 123080
    #       = 3996.03... → 3996 kcal/kg
    #   Mt:   (31250×14 + 28730×16.5 + 33110×15.2 + 29990×15.8) ÷ 123080
    #       = (437 500 + 474 045 + 503 272 + 473 842) ÷ 123080 = 1 888 659 ÷ 123080 = 15.3449... → 15.34 %
    # Price: 3996 is 4 kcal under 4000 → one started step of the band: −3.00; Mt 15.34 → one started 1 %: −1.00.
    #   unit = 300.00 − 3.00 − 1.00 = 296.00 yuan/t = 29 600 fen/t, the same for every load.
    # Amounts (kg × fen/t ÷ 1000, half-even): 31250×29.6 = 925 000; 28730×29.6 = 850 408;
    #   33110×29.6 = 980 056; 29990×29.6 = 887 704; sum 3 643 168 fen.
    # Tax 13 % on the sum: 473 611.84 → 473 612 fen; total 4 116 780 fen.
    assert out.quality is not None
    assert out.quality.qnet_ar_kcal_per_kg == D(3996) and out.quality.mt_pct == D("15.34")
    assert [ln.unit_price_fen_per_t for ln in out.lines] == [29600] * 4
    assert [ln.amount_fen for ln in out.lines] == [925_000, 850_408, 980_056, 887_704]
    assert out.settled_kg == 123_080 and out.amount_fen == 3_643_168
    assert out.tax_fen == 473_612 and out.total_fen == 4_116_780
    assert out.unit_price_fen_per_t == 29600


def test_line_amounts_sum_to_the_total_without_drift() -> None:
    t = terms(rules=[], base_price_fen_per_t=30001)
    loads = [LoadIn(ticket_no=f"T{i}", net_kg=30_500 + i) for i in range(50)]
    out = pricing.compute(terms=t, loads=loads)
    assert out.amount_fen == sum(ln.amount_fen for ln in out.lines)
    assert out.total_fen == out.amount_fen + out.tax_fen


def test_a_load_without_quality_is_priced_at_base_and_flagged() -> None:
    out = pricing.compute(terms=terms(), loads=[LoadIn(ticket_no="T1", net_kg=10000)])
    assert out.lines[0].quality_missing and out.lines[0].unit_price_fen_per_t == 30000
    assert Decimal(out.amount_fen) == Decimal(300_000)


def test_monthly_without_any_quality_is_priced_at_base_and_flagged() -> None:
    out = pricing.compute(
        terms=terms(settlement_mode="monthly_weighted"),
        loads=[LoadIn(ticket_no="T1", net_kg=10000), LoadIn(ticket_no="T2", net_kg=5000)],
    )
    assert out.quality is None and all(ln.quality_missing for ln in out.lines)
    assert out.amount_fen == 450_000 and out.unit_price_fen_per_t == 30000
