from __future__ import annotations

from backend.structs import Out


class PassKeyOut(Out):
    kid: str
    alg: str
    public_key_pem: str
    current: bool


class PassKeysOut(Out):
    """What any gate of any enterprise needs to verify a platform code offline."""

    keys: list[PassKeyOut]
