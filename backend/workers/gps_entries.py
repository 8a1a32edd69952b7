"""Stream entries of the GPS worker: an XREADGROUP reply read as entries, their positions decoded."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from geo.position import Position, decode_positions

log = logging.getLogger("meitong.gps")
Entry = tuple[bytes, dict[bytes, bytes]]


def decode(entries: list[Entry]) -> list[Position]:
    out: list[Position] = []
    for entry_id, fields in entries:
        raw = (fields or {}).get(b"p")
        if raw is None:
            continue  # trimmed from the stream meanwhile, or not ours
        try:
            out.extend(decode_positions(raw))
        except Exception:  # a malformed entry is acknowledged with its batch: it would never decode
            log.warning("undecodable stream entry", extra={"entry": entry_id.decode()})
    return out


def entries_of(reply: Any) -> list[Entry]:
    """Stream entries from an XREADGROUP reply, RESP2 ([[stream, entries]]) or RESP3 ({stream: [entries]})."""
    if not reply:
        return []
    groups = list(reply.values()) if isinstance(reply, dict) else [r[1] for r in reply]
    out: list[Entry] = []
    for group in groups:
        if group and isinstance(group[0], list) and (not group[0] or isinstance(group[0][0], list | tuple)):
            group = [e for part in group for e in part]  # RESP3 nests one list deeper
        for item in group:
            entry_id, fields = item[0], item[1]
            out.append((entry_id if isinstance(entry_id, bytes) else str(entry_id).encode(), dict(fields or {})))
    return out


def is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
