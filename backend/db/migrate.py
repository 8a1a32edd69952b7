"""Alembic, driven from code so `meitong db upgrade` works wherever the package is installed."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def revision(database_url: str, message: str, *, rev_id: str | None = None) -> None:
    command.revision(alembic_config(database_url), message=message, autogenerate=True, rev_id=rev_id)


def check(database_url: str) -> None:
    """Raises when the models and the migrations disagree (a forgotten migration)."""
    command.check(alembic_config(database_url))
