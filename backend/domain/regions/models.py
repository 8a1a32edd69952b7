"""GB/T 2260 administrative regions: the tree that regulator scopes are cut from."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base


class Region(Base):
    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(10))  # province | city | district
    parent_code: Mapped[str | None] = mapped_column(String(6), index=True)
