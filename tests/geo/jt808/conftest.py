"""The JT808 vectors file (a verbatim copy of shared/vectors/jt808.json): real frames, hand-decoded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

VECTORS_PATH = Path(__file__).parents[2] / "data" / "vectors" / "jt808.json"
VECTORS: list[dict[str, Any]] = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))


def wire_of(vector: dict[str, Any]) -> bytes:
    # "unescaped" frames are Traccar decoder input; the chosen ones hold no 7d/7e, so they are also wire.
    return bytes.fromhex(vector["hex"])


def is_clean(vector: dict[str, Any]) -> bool:
    expect = vector["expect"]
    return bool(expect.get("checksum_valid", True) and expect.get("body_len_valid", True))
