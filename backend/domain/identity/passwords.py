"""Argon2id password hashing with cost from the settings.

Production keeps argon2-cffi's defaults (RFC 9106 low-memory profile: t=3, 64 MiB). The test suite
lowers the cost through the same settings — still real Argon2id, just cheaper — so hundreds of test
users don't spend minutes hashing. A stored hash made with other parameters is upgraded at the next
successful login.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_state: dict[str, PasswordHasher | str] = {}


def configure(*, time_cost: int, memory_kib: int) -> None:
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
    _state["hasher"] = hasher
    # Unknown phones verify against this, so the response time does not reveal which phones exist.
    _state["decoy"] = hasher.hash("decoy-password-for-timing")


def _hasher() -> PasswordHasher:
    if "hasher" not in _state:
        configure(time_cost=3, memory_kib=65536)
    hasher = _state["hasher"]
    assert isinstance(hasher, PasswordHasher)
    return hasher


def hash_secret(password: str) -> str:
    return _hasher().hash(password)


def verify(stored: str | None, password: str) -> bool:
    hasher = _hasher()
    try:
        return hasher.verify(stored or str(_state["decoy"]), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher().check_needs_rehash(stored)
