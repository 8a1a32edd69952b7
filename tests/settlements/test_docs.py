"""docs/machine-interface.md's settlement example is right: its body hashes and signs as stated, and its
figures are the worked example's (half-even, tax on the sum, the total in Chinese capitals)."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from pathlib import Path

from backend.domain.settlements import service as settlements
from tests.settlements import helpers as h

DOC = Path(__file__).resolve().parents[2] / "docs" / "machine-interface.md"


def test_the_documented_settlement_example_checks_out() -> None:
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"PUT /open/v1/settlements/(\S+)\n(.*?)\n\n(\{.*?\})\n```", text, re.S)
    assert block is not None
    number, headers, body = (
        block.group(1),
        dict(line.split(": ", 1) for line in block.group(2).splitlines()),
        block.group(3).encode(),
    )
    sha = hashlib.sha256(body).hexdigest()
    assert (
        f"请求体 {len(body)} 字节，SHA-256 `{sha}`" in text
        and f"A body of {len(body)} bytes, SHA-256 `{sha}`" in text
    )
    canonical = "\n".join(
        ["PUT", f"/open/v1/settlements/{number}", headers["X-MT-Timestamp"], headers["X-MT-Nonce"], sha]
    )
    assert (
        headers["X-MT-Signature"]
        == hmac.new(b"demo-secret-please-rotate", canonical.encode(), hashlib.sha256).hexdigest()
    )
    data = json.loads(body)
    assert [x["amountFen"] for x in data["lines"]] == [h.amount(30_000, 30400), h.amount(25_000, 28300)]
    assert (
        data["taxFen"] == h.tax(data["amountFen"]) and data["totalFen"] == data["amountFen"] + data["taxFen"]
    )
    assert "人民币" + settlements.yuan_capitals(data["totalFen"]) in text
