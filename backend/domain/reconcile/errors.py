"""Reconciliation errors, each with its stable code, both languages and the JSON field it concerns."""

from __future__ import annotations

from backend.errors import Invalid, NotFound

# The boards read calendar days of this century: anything else is a typo or a probe.
FIRST_YEAR, LAST_YEAR = 2000, 2099
# One board spans at most a little over a year of days (366 rows per contract on the day view).
MAX_SPAN_DAYS = 400


def date_out_of_range(field: str) -> Invalid:
    return Invalid(
        "reconcile_date_range",
        f"日期须在 {FIRST_YEAR} 至 {LAST_YEAR} 年之间",
        f"The date must lie between {FIRST_YEAR} and {LAST_YEAR}",
        field=field,
    )


def dates_reversed() -> Invalid:
    return Invalid(
        "reconcile_dates_reversed",
        "结束日期早于开始日期",
        "The end date is before the start date",
        field="to",
    )


def span_too_long() -> Invalid:
    return Invalid(
        "reconcile_span_too_long",
        f"时间跨度不能超过 {MAX_SPAN_DAYS} 天",
        f"The period may span at most {MAX_SPAN_DAYS} days",
        field="from",
    )


def district_not_found() -> NotFound:
    return NotFound("辖区", "district", field="district")


def number_invalid() -> Invalid:
    return Invalid(
        "trace_number_invalid",
        "请输入单据号码（1–64 位字母、数字或 -_/）",
        "Enter a document number (1–64 letters, digits or -_/)",
        field="no",
    )


def chain_not_found() -> NotFound:
    return NotFound("单据链", "document chain", field="no")
