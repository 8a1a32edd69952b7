"""The lane's durable memory: a SQLite file (stdlib sqlite3, WAL, synchronous=FULL).

    weighings        every weighing the lane made, written and fsynced BEFORE the driver is told
                     anything; pending until the platform answers it (sent) or refuses the request
                     itself (failed). Uploaded in order of creation, each with its own weighingId.
    local_weighings  tare/gross per order as this lane weighed them: offline, the next weighing of
                     an order is its gross after a local tare (docs/lane-protocol.md §4)
    cache            the last pass bundle and pass keys, so a lane restarted offline can still verify

Calls run in a worker thread (asyncio.to_thread) behind one lock: sqlite3 connections are not for
concurrent use, and a slow disk must not stall the event loop reading the scale.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS weighings (
    weighing_id TEXT PRIMARY KEY, body TEXT NOT NULL, created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, sent_at TEXT, failed_at TEXT, answer TEXT);
CREATE TABLE IF NOT EXISTS local_weighings (
    weighing_id TEXT PRIMARY KEY, order_id TEXT NOT NULL, kind TEXT NOT NULL,
    weight_kg INTEGER NOT NULL, weighed_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS local_weighings_order ON local_weighings (order_id);
CREATE TABLE IF NOT EXISTS cache (name TEXT PRIMARY KEY, value BLOB NOT NULL, saved_at TEXT NOT NULL);
"""
_PENDING = "sent_at IS NULL AND failed_at IS NULL"


def _now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass(frozen=True, slots=True)
class OutboxRow:
    weighing_id: str
    body: dict[str, Any]
    created_at: str
    attempts: int
    last_error: str | None
    sent_at: str | None
    failed_at: str | None
    answer: dict[str, Any] | None


class Outbox:
    def __init__(self, path: Path | str) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # a commit is on disk before the driver hears of it
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()
        self.pending_count = self._pending_count()

    @classmethod
    async def open(cls, path: Path | str) -> Outbox:
        return await asyncio.to_thread(cls, path)

    async def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        def call() -> T:
            with self._lock:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    result = fn(self._db)
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
                self.pending_count = self._pending_count()
                return result

        return await asyncio.to_thread(call)

    def _pending_count(self) -> int:
        return int(self._db.execute(f"SELECT count(*) FROM weighings WHERE {_PENDING}").fetchone()[0])

    async def put(self, body: Mapping[str, Any], *, order_id: str, kind: str, weight_kg: int, weighed_at: str) -> None:
        """Store a signed weighing and this lane's record of it, in one transaction."""
        weighing_id = str(body["weighingId"])

        def put(db: sqlite3.Connection) -> None:
            db.execute("INSERT INTO weighings (weighing_id, body, created_at) VALUES (?, ?, ?)",
                       (weighing_id, json.dumps(body, ensure_ascii=False), _now()))
            db.execute("INSERT INTO local_weighings VALUES (?, ?, ?, ?, ?)",
                       (weighing_id, order_id, kind, weight_kg, weighed_at))

        await self._run(put)

    async def replace_body(self, weighing_id: str, body: Mapping[str, Any]) -> None:
        """Re-signed body of a still pending weighing (it turned offline after it was stored)."""
        await self._run(lambda db: db.execute(
            f"UPDATE weighings SET body = ? WHERE weighing_id = ? AND {_PENDING}",
            (json.dumps(body, ensure_ascii=False), weighing_id)))

    async def pending(self, limit: int = 100) -> list[OutboxRow]:
        return await self._run(lambda db: [_row(r) for r in db.execute(
            f"SELECT * FROM weighings WHERE {_PENDING} ORDER BY rowid LIMIT ?", (limit,))])

    async def row(self, weighing_id: str) -> OutboxRow | None:
        rows = await self._run(lambda db: db.execute(
            "SELECT * FROM weighings WHERE weighing_id = ?", (weighing_id,)).fetchall())
        return _row(rows[0]) if rows else None

    async def note_attempt(self, weighing_id: str, error: str) -> None:
        await self._run(lambda db: db.execute(
            "UPDATE weighings SET attempts = attempts + 1, last_error = ? WHERE weighing_id = ?", (error, weighing_id)))

    async def mark_sent(self, weighing_id: str, answer: Mapping[str, Any]) -> None:
        """The platform's final answer. A refused weighing no longer counts as weighed here."""

        def mark(db: sqlite3.Connection) -> None:
            db.execute("UPDATE weighings SET attempts = attempts + 1, sent_at = ?, answer = ?, last_error = NULL "
                       "WHERE weighing_id = ?", (_now(), json.dumps(answer, ensure_ascii=False), weighing_id))
            if answer.get("accepted") is not True:
                db.execute("DELETE FROM local_weighings WHERE weighing_id = ?", (weighing_id,))

        await self._run(mark)

    async def mark_failed(self, weighing_id: str, error: str) -> None:
        def mark(db: sqlite3.Connection) -> None:
            db.execute("UPDATE weighings SET attempts = attempts + 1, failed_at = ?, last_error = ? "
                       "WHERE weighing_id = ?", (_now(), error, weighing_id))
            db.execute("DELETE FROM local_weighings WHERE weighing_id = ?", (weighing_id,))

        await self._run(mark)

    async def last_kind(self, order_id: str) -> str | None:
        """The kind of this lane's latest weighing of the order, or None if it never weighed it."""
        rows = await self._run(lambda db: db.execute(
            "SELECT kind FROM local_weighings WHERE order_id = ? ORDER BY rowid DESC LIMIT 1", (order_id,)).fetchall())
        return str(rows[0][0]) if rows else None

    async def save_blob(self, name: str, value: bytes) -> None:
        await self._run(lambda db: db.execute(
            "INSERT OR REPLACE INTO cache VALUES (?, ?, ?)", (name, value, _now())))

    async def load_blob(self, name: str) -> bytes | None:
        rows = await self._run(lambda db: db.execute("SELECT value FROM cache WHERE name = ?", (name,)).fetchall())
        return bytes(rows[0][0]) if rows else None

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _row(r: tuple[Any, ...]) -> OutboxRow:
    weighing_id, body, created_at, attempts, last_error, sent_at, failed_at, answer = r
    return OutboxRow(weighing_id, json.loads(body), created_at, attempts, last_error, sent_at, failed_at,
                     None if answer is None else json.loads(answer))
