"""docs/machine-interface.md's assay example holds: its signature matches its body (both languages), the
body decodes as the route's type, and the example's load prices as the text says under the worked terms."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import msgspec

from backend.domain.assays.schemas import AssayPut
from backend.domain.pricing import service as pricing
from backend.domain.pricing.schemas import Quality
from devices.signing import sign
from tests.pricing.worked import terms

DOC = Path(__file__).resolve().parents[2] / "docs" / "machine-interface.md"
BLOCK = re.compile(
    r"PUT (/open/v1/assays/\S+)\nX-MT-Key: \S+\nX-MT-Timestamp: (\d+)\nX-MT-Nonce: (\S+)\n"
    r"X-MT-Signature: ([0-9a-f]{64})\nContent-Type: application/json\n\n(.+)\n"
)


def test_the_assay_example_is_signed_and_priced_as_written() -> None:
    text = DOC.read_text(encoding="utf-8")
    blocks = BLOCK.findall(text)
    assert len(blocks) == 2  # Chinese and English
    for path, timestamp, nonce, signature, body in blocks:
        raw = body.encode("utf-8")
        assert f"SHA-256 `{hashlib.sha256(raw).hexdigest()}`" in text
        assert (
            sign(
                secret="demo-secret-please-rotate",
                method="PUT",
                path=path,
                timestamp_s=int(timestamp),
                nonce=nonce,
                body=raw,
            )
            == signature
        )
        data = msgspec.json.decode(raw, type=AssayPut)
        priced = pricing.price_load(
            terms=terms(), quality=Quality(qnet_ar_kcal_per_kg=data.qnet_ar_kcal_per_kg, mt_pct=data.mt_pct)
        )
        assert priced.quality.qnet_ar_kcal_per_kg == 4264 and priced.unit_price_fen_per_t == 30200
