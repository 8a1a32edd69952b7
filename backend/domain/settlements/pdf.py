"""The settlement as a PDF (结算单), rendered on the server with fpdf2 and a CJK system font.

Font: Debian's fonts-noto-cjk, /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc. fpdf2 2.8
reads the collection (CFF outlines) through fontTools and embeds a subset; face 2 of the collection
is Noto Sans CJK SC, the simplified-Chinese glyph forms.
"""

from __future__ import annotations

import os
from pathlib import Path

from fpdf import FPDF

from backend.clock import CHINA_TZ
from backend.domain.settlements.capitals import yuan_capitals
from backend.domain.settlements.schemas import INDEX_LABELS, SOURCE_LABELS, STATUS_LABELS, SettlementOut

FONT_PATH = Path(os.environ.get("MEITONG_CJK_FONT", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"))
FONT_FACE_SC = 2  # the collection's faces: JP, KR, SC, TC, HK


def _yuan(fen: int | None) -> str:
    return "—" if fen is None else f"{fen / 100:,.2f}"


def _t(kg: int | None) -> str:
    return "—" if kg is None else f"{kg / 1000:,.3f}"


def _quality(q: dict) -> str:
    parts = []
    if q.get("qnetArKcalPerKg") is not None:
        parts.append(f"Qnet,ar {q['qnetArKcalPerKg']} kcal/kg")
    for key, label in (
        ("mtBp", "Mt"),
        ("madBp", "Mad"),
        ("adBp", "Ad"),
        ("vdafBp", "Vdaf"),
        ("stDBp", "St,d"),
    ):
        if q.get(key) is not None:
            parts.append(f"{label} {q[key] / 100:.2f}%")
    return "，".join(parts) or "—"


def _adjustments(items: list[dict]) -> str:
    return (
        "；".join(
            f"{INDEX_LABELS.get(a.get('index', ''), (a.get('index', ''),))[0]} "
            f"{a.get('value') or ''} {a.get('fenPerT', 0) / 100:+,.2f} 元/吨"
            for a in items
        )
        or "—"
    )


class _Doc(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        self.add_font("cjk", fname=str(FONT_PATH), collection_font_number=FONT_FACE_SC)
        self.set_auto_page_break(auto=True, margin=15)
        self.add_page()
        self.set_font("cjk", size=9)

    def row(self, label: str, value: str) -> None:
        self.set_font("cjk", size=9)
        self.cell(54, 6, label, border=1)
        self.multi_cell(0, 6, value, border=1, new_x="LMARGIN", new_y="NEXT")

    def heading(self, text: str) -> None:
        self.ln(2)
        self.set_font("cjk", size=11)
        self.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")


def render(s: SettlementOut) -> bytes:
    doc = _Doc()
    doc.set_title(f"结算单 {s.settlement_no} v{s.version}")
    doc.set_subject(f"Settlement {s.settlement_no} version {s.version}")  # ASCII: searchable in the bytes
    doc.set_font("cjk", size=16)
    doc.cell(0, 10, "煤炭结算单  Coal Settlement", align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("cjk", size=10)
    status = STATUS_LABELS.get(s.status, (s.status, s.status))
    doc.cell(
        0,
        6,
        f"编号 No. {s.settlement_no}    第 {s.version} 版 Version {s.version}    {status[0]} {status[1]}",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    doc.heading("当事方与合同 Parties and contract")
    doc.row("卖方 Seller", s.seller_name)
    doc.row("买方 Buyer", s.buyer_name)
    doc.row("合同号 Contract", s.contract_no)
    doc.row(
        "开具 Issued",
        f"{SOURCE_LABELS.get(s.source, (s.source,))[0]}  "
        f"{s.issued_at.astimezone(CHINA_TZ):%Y-%m-%d %H:%M}  结算日 {s.settled_on.isoformat()}",
    )
    doc.row("结算期间 Period", f"{s.period_from.isoformat()} 至 {s.period_to.isoformat()}")
    doc.row("车数 Loads", str(s.load_count))
    doc.heading("数量、质量与价格 Quantity, quality and price")
    doc.row("供方票重 Supplier (t)", _t(s.supplier_kg))
    doc.row("结算数量 Settled (t)", _t(s.settled_kg))
    doc.row("亏吨 / 扣吨 Short / deducted (t)", f"{_t(s.short_kg)} / {_t(s.deduction_kg)}")
    doc.row("质量 Quality", _quality(s.quality))
    doc.row("质量调价 Adjustments", _adjustments(s.adjustments))
    doc.row("单价 Unit price (元/吨)", _yuan(s.unit_price_fen_per_t))
    doc.row("金额 Amount (元)", _yuan(s.amount_fen))
    doc.row("税率 / 税额 Tax", f"{s.tax_rate_bp / 100:.2f}%  /  {_yuan(s.tax_fen)} 元")
    doc.row("价税合计 Total (元)", _yuan(s.total_fen))
    doc.row("大写 In capitals", "人民币" + yuan_capitals(s.total_fen))
    doc.row("前期已结 Settled before", f"{_t(s.previous_settled_kg)} 吨，{_yuan(s.previous_amount_fen)} 元")
    bank = s.bank
    doc.row(
        "收款账户 Bank", f"{bank.get('accountName', '')}  {bank.get('bank', '')}  {bank.get('accountNo', '')}"
    )
    doc.heading("平台复核 Platform recomputation")
    basis = "合同质价条款" if s.computed_basis == "terms" else "合同固定单价（合同未设质价条款）"
    basis_en = (
        f"price terms v{s.computed_terms_version}"
        if s.computed_basis == "terms"
        else "the contract's flat price (no terms)"
    )
    doc.row("依据 Basis", f"{basis} / {basis_en}")
    doc.row("复核数量 (t)", _t(s.computed_settled_kg))
    doc.row("复核单价 (元/吨)", _yuan(s.computed_unit_price_fen_per_t))
    doc.row("复核调价 Adjustments", _adjustments(s.computed_adjustments))
    doc.row(
        "复核金额 / 税 / 合计",
        f"{_yuan(s.computed_amount_fen)} / {_yuan(s.computed_tax_fen)} / {_yuan(s.computed_total_fen)}",
    )
    doc.heading("逐车 Loads")
    doc.set_font("cjk", size=8)
    widths = (30, 20, 20, 22, 22, 26, 26, 24)
    head = ("磅单 Ticket", "净重 t", "收货 t", "结算 t", "复核 t", "单价/复核", "金额 元", "复核 元")
    for w, h in zip(widths, head, strict=True):
        doc.cell(w, 6, h, border=1)
    doc.ln(6)
    for x in s.lines:
        cells = (
            x.ticket_no,
            _t(x.net_kg),
            _t(x.received_kg),
            _t(x.settled_kg),
            _t(x.computed_settled_kg),
            f"{_yuan(x.unit_price_fen_per_t)}/{_yuan(x.computed_unit_price_fen_per_t)}",
            _yuan(x.amount_fen),
            _yuan(x.computed_amount_fen),
        )
        for w, c in zip(widths, cells, strict=True):
            doc.cell(w, 6, c, border=1)
        doc.ln(6)
    doc.heading("复核结论 Findings")
    doc.set_font("cjk", size=9)
    if not s.findings:
        doc.multi_cell(
            0, 6, "与平台复核一致 Agrees with the platform's recomputation", new_x="LMARGIN", new_y="NEXT"
        )
    for f in s.findings:
        doc.multi_cell(0, 6, f"• {f.zh} / {f.en}", new_x="LMARGIN", new_y="NEXT")
    doc.ln(2)
    doc.set_font("cjk", size=8)
    confirmed = " ".join(
        f"{who} {at.astimezone(CHINA_TZ):%Y-%m-%d %H:%M}"
        for who, at in (("买方确认", s.buyer_confirmed_at), ("卖方确认", s.seller_confirmed_at))
        if at
    )
    doc.multi_cell(
        0,
        5,
        f"存证序号 Evidence seq: {s.evidence_seq if s.evidence_seq is not None else '—'}    {confirmed}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(doc.output())
