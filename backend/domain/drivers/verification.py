"""Real-name verification (实名认证), pluggable.

The default verifier accepts a record whose numbers passed every format check (GB 11643 check
digit, age, region). A deployment swaps in a third-party identity service (公安身份核验 through a
licensed provider) behind the same protocol; it receives the number in memory only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol


@dataclass(frozen=True, slots=True)
class RealNameClaim:
    name: str
    id_number: str
    birth_date: date
    driving_licence_no: str
    qualification_cert_no: str


@dataclass(frozen=True, slots=True)
class Verdict:
    status: Literal["verified", "rejected", "submitted"]
    verified_by: str
    note: str = ""


class RealNameVerifier(Protocol):
    async def verify(self, claim: RealNameClaim) -> Verdict: ...


class FormatVerifier:
    """Verified when the format checks passed, which they have by the time this is called."""

    name = "format-check"

    async def verify(self, claim: RealNameClaim) -> Verdict:
        return Verdict(status="verified", verified_by=self.name)


DEFAULT_VERIFIER: RealNameVerifier = FormatVerifier()
