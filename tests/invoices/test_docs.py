"""The worked examples of docs/machine-interface.md §11: their bodies pass the checks and their
signatures are what the scheme (§4) gives for them."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import msgspec

from backend.domain.invoices.content import check_invoice
from backend.domain.invoices.schemas import InvoiceIn
from backend.domain.payments.schemas import PaymentIn

DOC = (Path(__file__).parents[2] / "docs" / "machine-interface.md").read_text(encoding="utf-8")
SECRET = b"demo-secret-please-rotate"


def _body(start: str) -> bytes:
    lines = {line for line in DOC.splitlines() if line.startswith(start)}
    assert len(lines) == 1, lines  # the Chinese and English sections show the same bytes
    return lines.pop().encode()


def _signature(path: str, nonce: str, body: bytes) -> str:
    canonical = f"PUT\n{path}\n1767225600\n{nonce}\n{hashlib.sha256(body).hexdigest()}"
    return hmac.new(SECRET, canonical.encode(), hashlib.sha256).hexdigest()


def test_the_invoice_example_is_valid_and_signed() -> None:
    body = _body('{"issueDate"')
    assert len(body) == 521 and hashlib.sha256(body).hexdigest() in DOC
    assert (
        _signature("/open/v1/transport-invoices/26151000000000000123", "n0nce-2026-01-05-0001", body) in DOC
    )
    clean = check_invoice("26151000000000000123", msgspec.json.decode(body, type=InvoiceIn))
    assert clean.lines[0].quantity_kg == 31_200


def test_the_payment_example_is_valid_and_signed() -> None:
    body = _body('{"payerName"')
    assert len(body) == 333 and hashlib.sha256(body).hexdigest() in DOC
    assert _signature("/open/v1/payments/2026011015300012345", "n0nce-2026-01-10-0001", body) in DOC
    assert msgspec.json.decode(body, type=PaymentIn).amount_fen == 457_800
