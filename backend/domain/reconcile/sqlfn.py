"""The few date expressions the recomputation needs, in each database's dialect (SQLite for the
embedded mode and the tests, PostgreSQL in production): the statement itself stays one."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, Integer, String, cast, func, literal
from sqlalchemy.sql.elements import ColumnElement

from backend.domain.reconcile.rules import LOCAL_OFFSET_HOURS, LOCAL_TZ


class Dialect:
    def __init__(self, name: str) -> None:
        self.pg = name == "postgresql"

    def local_day(self, at: Any) -> ColumnElement[Any]:
        """The Asia/Shanghai calendar day of a stored UTC instant."""
        if self.pg:
            return cast(func.timezone(LOCAL_TZ, at), Date)
        return func.date(at, f"+{LOCAL_OFFSET_HOURS} hours")

    def month_key(self, day: Any) -> ColumnElement[str]:
        """'YYYYMM' of a day: months compare as strings."""
        if self.pg:
            return func.to_char(day, "YYYYMM")
        return func.strftime("%Y%m", day)

    def day_minus(self, today: date, days: Any) -> ColumnElement[Any]:
        """`today` minus an integer expression of days."""
        if self.pg:
            return cast(literal(today, Date), Date) - cast(days, Integer)
        return func.date(
            literal(today.isoformat(), String), literal("-", String) + cast(days, String) + " days"
        )

    def month_of(self, day: Any) -> ColumnElement[str]:
        """'YYYY-MM' of a day, the board's month group."""
        if self.pg:
            return func.to_char(day, "YYYY-MM")
        return func.strftime("%Y-%m", day)

    def day_text(self, day: Any) -> ColumnElement[str]:
        if self.pg:
            return func.to_char(day, "YYYY-MM-DD")
        return cast(day, String)
