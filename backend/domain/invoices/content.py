"""The checks of an invoice's content before anything is stored (each a 422 on its JSON field).

The 数电票 number is 20 digits: the year (2), the province (2, GB/T 2260), the issuing channel (1)
and a sequence (15); there is no separate invoice code. Amounts are integer fen; the tax is the
amount times the rate, rounded half-even (GB/T 8170), and may differ from ours by one fen because
the tax system rounds per line; the total is exactly amount plus tax.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from backend import clock
from backend.checks.credit_code import check_credit_code
from backend.checks.errors import CheckFailed
from backend.checks.plate import normalise_plate
from backend.domain.invoices import errors
from backend.domain.invoices.schemas import InvoiceIn, InvoiceLineIn

# GB/T 2260 province-level codes of the mainland (11 Beijing … 65 Xinjiang).
PROVINCES = frozenset(
    {
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
    }
)
FIRST_YEAR = 2019  # the first fully digital invoices were issued in the pilots of 2019 and later
KINDS = frozenset({"81", "82"})
MODES = frozenset({1, 2, 3, 4, 5})
# VAT rates a freight invoice may carry (basis points): 9 % general taxpayers, 3 % and 1 % small-scale
# taxpayers, 6 % and 13 % for mixed services, 0 for exempt.
TAX_RATES_BP = frozenset({0, 100, 300, 600, 900, 1300})
MAX_LINE_KG = 100_000_000  # 100,000 t: a month of loads of one truck is far below
MAX_SERVICE_AGE = timedelta(days=366)


@dataclass(frozen=True, slots=True)
class CleanLine:
    line_no: int
    origin: str
    destination: str
    mode: int
    plate: str
    goods: str
    quantity_kg: int
    amount_fen: int
    service_date: date


@dataclass(frozen=True, slots=True)
class CleanInvoice:
    invoice_no: str
    data: InvoiceIn
    seller_credit_code: str
    buyer_credit_code: str
    lines: tuple[CleanLine, ...]


def check_number(value: str, *, today: date) -> str:
    number = value.strip()
    if len(number) != 20 or not number.isascii() or not number.isdigit():
        raise errors.number_invalid("须为 20 位数字", "it must be 20 digits")
    year = 2000 + int(number[:2])
    if year > today.year:
        raise errors.number_invalid(f"年份 {year} 在未来", f"the year {year} is in the future")
    if year < FIRST_YEAR:
        raise errors.number_invalid(
            f"年份 {year} 早于数电票启用", f"the year {year} is before digital invoices began"
        )
    if number[2:4] not in PROVINCES:
        raise errors.number_invalid(
            f"第 3–4 位 {number[2:4]} 不是省级行政区划代码",
            f"digits 3-4 ({number[2:4]}) are not a province code",
        )
    if int(number[5:]) == 0:
        raise errors.number_invalid("顺序号不能全为 0", "the sequence cannot be all zeros")
    return number


def tax_of(amount_fen: int, rate_bp: int) -> int:
    return int(
        (Decimal(amount_fen) * Decimal(rate_bp) / Decimal(10_000)).quantize(
            Decimal(1), rounding=ROUND_HALF_EVEN
        )
    )


def _credit(value: str, field: str) -> str:
    try:
        return check_credit_code(value)
    except CheckFailed as exc:
        raise errors.invalid(exc.code, exc.message_zh, exc.message_en, field=field) from None


def _line(i: int, line: InvoiceLineIn, issue_date: date) -> CleanLine:
    field = f"lines[{i}]"
    if line.mode not in MODES:
        raise errors.invalid(
            "invoice_mode_invalid",
            "运输方式须为 1 铁路、2 公路、3 水路、4 航空、5 管道",
            "The mode must be 1 rail, 2 road, 3 water, 4 air or 5 pipeline",
            field=f"{field}.mode",
        )
    plate = normalise_plate(line.plate)
    if not plate or len(plate) > 10:
        raise errors.invalid(
            "invoice_plate_invalid",
            "运输工具号牌须为 1–10 个字符",
            "The vehicle number is 1-10 characters",
            field=f"{field}.plate",
        )
    if isinstance(line.quantity_kg, bool) or not 0 < line.quantity_kg <= MAX_LINE_KG:
        raise errors.invalid(
            "invoice_quantity_invalid",
            "数量须大于 0（千克），且不超过 100,000 吨",
            "The quantity must be above 0 kg and at most 100,000 t",
            field=f"{field}.quantityKg",
        )
    if line.service_date > issue_date or line.service_date < issue_date - MAX_SERVICE_AGE:
        raise errors.invalid(
            "invoice_service_date",
            "运输日期须在开票日期之前一年内",
            "The service date must be within the year before the issue date",
            field=f"{field}.serviceDate",
        )
    return CleanLine(
        line_no=line.line_no,
        origin=line.origin.strip(),
        destination=line.destination.strip(),
        mode=line.mode,
        plate=plate,
        goods=line.goods.strip(),
        quantity_kg=line.quantity_kg,
        amount_fen=line.amount_fen,
        service_date=line.service_date,
    )


def check_invoice(invoice_no: str, data: InvoiceIn) -> CleanInvoice:
    today = clock.today_china()
    number = check_number(invoice_no, today=today)
    if data.kind not in KINDS:
        raise errors.invalid(
            "invoice_kind_invalid",
            "发票种类须为 81（增值税专用发票）或 82（普通发票）",
            "The kind must be 81 (special VAT invoice) or 82 (ordinary invoice)",
            field="kind",
        )
    if data.issue_date > today or data.issue_date < date(FIRST_YEAR, 1, 1):
        raise errors.invalid(
            "invoice_issue_date",
            "开票日期不能晚于今天，也不能早于 2019 年",
            "The issue date cannot be after today or before 2019",
            field="issueDate",
        )
    seller = _credit(data.seller_credit_code, "sellerCreditCode")
    buyer = _credit(data.buyer_credit_code, "buyerCreditCode")
    if seller == buyer:
        raise errors.invalid(
            "invoice_same_party",
            "销售方与购买方不能相同",
            "The seller and the buyer must differ",
            field="buyerCreditCode",
        )
    if data.tax_rate_bp not in TAX_RATES_BP:
        raise errors.invalid(
            "invoice_tax_rate",
            "税率须为 0、1%、3%、6%、9% 或 13%",
            "The tax rate must be 0, 1 %, 3 %, 6 %, 9 % or 13 %",
            field="taxRateBp",
        )
    if abs(data.tax_fen - tax_of(data.amount_fen, data.tax_rate_bp)) > 1:
        raise errors.invalid(
            "invoice_tax_mismatch",
            "税额与金额×税率不符（允许 1 分误差）",
            "The tax differs from amount × rate by more than one fen",
            field="taxFen",
        )
    if data.total_fen != data.amount_fen + data.tax_fen:
        raise errors.invalid(
            "invoice_total_mismatch",
            "价税合计须等于金额加税额",
            "The total must equal amount plus tax",
            field="totalFen",
        )
    lines = tuple(_line(i, line, data.issue_date) for i, line in enumerate(data.lines))
    if len({line.line_no for line in lines}) != len(lines):
        raise errors.invalid(
            "invoice_line_no_repeated", "行号不能重复", "Line numbers must differ", field="lines"
        )
    if sum(line.amount_fen for line in lines) != data.amount_fen:
        raise errors.invalid(
            "invoice_lines_sum",
            "各行金额之和须等于发票金额",
            "The lines' amounts must add up to the amount",
            field="amountFen",
        )
    return CleanInvoice(
        invoice_no=number, data=data, seller_credit_code=seller, buyer_credit_code=buyer, lines=lines
    )
