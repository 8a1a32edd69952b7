"""The boards as an xlsx workbook (XlsxWriter): one sheet per view (by day, by month, the
mismatches), headers in Chinese with the English below, numbers as numbers.

Tonnes and yuan are written as numbers with a number format (kg ÷ 1000, fen ÷ 100): a spreadsheet
number is a double, exact to the fen for any amount below 2^53 fen, so sums in the sheet agree.
"""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter

from backend.domain.reconcile.schemas import LINK_LABELS, LINKS, REASONS, STATE_LABELS, BoardOut, ChainPage

BOARD_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    # (field, zh, en, unit: t | yuan | n)
    ("orders", "提煤单数", "Orders", "n"),
    ("ordered_kg", "计划吨数", "Ordered (t)", "t"),
    ("loaded_kg", "装车吨数", "Loaded (t)", "t"),
    ("delivered_kg", "到货吨数", "Delivered (t)", "t"),
    ("settled_kg", "结算吨数", "Settled (t)", "t"),
    ("settled_fen", "结算金额", "Settled (yuan)", "yuan"),
    ("invoiced_kg", "开票吨数", "Invoiced (t)", "t"),
    ("invoiced_fen", "运费发票金额", "Invoiced freight (yuan)", "yuan"),
    ("paid_fen", "已付金额", "Paid (yuan)", "yuan"),
    ("mismatches", "不符单数", "Mismatches", "n"),
)


def _value(unit: str, raw: int) -> float | int:
    return raw / 1000 if unit == "t" else raw / 100 if unit == "yuan" else raw


def _board_sheet(book: Any, name: str, first: tuple[str, str], board: BoardOut, fmt: dict[str, Any]) -> None:
    sheet = book.add_worksheet(name)
    heads = [(first[0], first[1]), ("期间", "Period")] + [(zh, en) for _, zh, en, _ in BOARD_COLUMNS]
    for col, (zh, en) in enumerate(heads):
        sheet.write_string(0, col, zh, fmt["head"])
        sheet.write_string(1, col, en, fmt["head_en"])
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, len(heads) - 1, 14)
    sheet.freeze_panes(2, 2)
    for i, row in enumerate([*board.rows, board.totals]):
        r = i + 2
        sheet.write_string(r, 0, row.label)
        sheet.write_string(r, 1, row.period)
        for j, (field, _, _, unit) in enumerate(BOARD_COLUMNS):
            sheet.write_number(r, j + 2, _value(unit, getattr(row, field)), fmt[unit])


def _chains_sheet(book: Any, chains: ChainPage, fmt: dict[str, Any]) -> None:
    sheet = book.add_worksheet("不符 Mismatches")
    heads = [
        ("提煤单号", "Order"),
        ("合同号", "Contract"),
        ("日期", "Day"),
        ("装车吨数", "Loaded (t)"),
        ("到货吨数", "Delivered (t)"),
        ("结算吨数", "Settled (t)"),
    ]
    heads += [LINK_LABELS[k] for k in LINKS] + [("原因", "Reasons")]
    for col, (zh, en) in enumerate(heads):
        sheet.write_string(0, col, zh, fmt["head"])
        sheet.write_string(1, col, en, fmt["head_en"])
    sheet.set_column(0, len(heads) - 1, 16)
    sheet.set_column(len(heads) - 1, len(heads) - 1, 60)
    for i, c in enumerate(chains.items):
        r = i + 2
        sheet.write_string(r, 0, c.order_no)
        sheet.write_string(r, 1, c.contract_no)
        sheet.write_string(r, 2, c.day.isoformat())
        for j, kg in enumerate((c.loaded_kg, c.delivered_kg, c.settled_kg)):
            sheet.write_number(r, 3 + j, kg / 1000, fmt["t"])
        for j, link in enumerate(LINKS):
            zh, en = STATE_LABELS.get(c.states[link], (c.states[link], c.states[link]))
            sheet.write_string(r, 6 + j, f"{zh} {en}")
        sheet.write_string(
            r,
            6 + len(LINKS),
            "；".join(f"{REASONS[x][0]} {REASONS[x][1]}" for x in c.reasons if x in REASONS),
        )


def workbook(*, by_day: BoardOut, by_month: BoardOut, chains: ChainPage, first: tuple[str, str]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    fmt = {
        "head": book.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1}),
        "head_en": book.add_format(
            {"italic": True, "font_color": "#555555", "bg_color": "#E8EEF4", "border": 1}
        ),
        "t": book.add_format({"num_format": "#,##0.000"}),
        "yuan": book.add_format({"num_format": "#,##0.00"}),
        "n": book.add_format({"num_format": "0"}),
    }
    _board_sheet(book, "按日 By day", first, by_day, fmt)
    _board_sheet(book, "按月 By month", first, by_month, fmt)
    _chains_sheet(book, chains, fmt)
    book.close()
    return buffer.getvalue()
