"""Where a Modbus weighing indicator keeps its weight, built from the site's configuration.

There is no common map (reference/devices.md §2): CAS CI-600D has gross as int32 at 40008/40009
high word first, Tuna ID551PN a float at 40001/40002 and a status word at 40005 (b12 motion),
Eagle float32 at 0x1000 (0-based), DAT-400 a status word with b1 stable. So every field is config:

    {"device_id": 1, "register": 40008, "type": "int32", "word_order": "big", "scale": 1,
     "status": {"register": 40005, "motion_bit": 12, "overload_bit": 10}}

`address` is the 0-based PDU address pymodbus sends; `register` is the manual's 1-based Modicon
number (4xxxx holding, 3xxxx input), which also fixes the register kind. Give one of the two.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

RegisterKind = Literal["holding", "input"]
ValueType = Literal["int16", "uint16", "int32", "uint32", "float32"]
WordOrder = Literal["big", "little"]

WORDS: dict[ValueType, int] = {"int16": 1, "uint16": 1, "int32": 2, "uint32": 2, "float32": 2}
# Modicon numbering: 4xxxx / 4xxxxx holding registers, 3xxxx / 3xxxxx input registers, 1-based.
_MODICON: tuple[tuple[int, int, RegisterKind], ...] = (
    (40001, 49999, "holding"),
    (400001, 465536, "holding"),
    (30001, 39999, "input"),
    (300001, 365536, "input"),
)


def _modicon(number: int) -> tuple[int, RegisterKind]:
    for first, last, kind in _MODICON:
        if first <= number <= last:
            return number - first, kind
    raise ValueError(f"register {number} is not a 1-based 3xxxx/4xxxx number")


def pdu_address(number: int) -> int:
    """A manual's 1-based register number -> the 0-based PDU address: 40008 -> 7, 30001 -> 0."""
    return _modicon(number)[0]


def _where(config: Mapping[str, Any], what: str, default_kind: RegisterKind) -> tuple[int, RegisterKind]:
    """(PDU address, kind) from `address` (+ optional `kind`) or `register` (kind implied)."""
    if ("address" in config) == ("register" in config):
        raise ValueError(f"{what}: give exactly one of 'address' (0-based) or 'register' (4xxxx)")
    kind = config.get("kind", default_kind)
    if kind not in ("holding", "input"):
        raise ValueError(f"{what}: kind {kind!r} is neither 'holding' nor 'input'")
    if "register" in config:
        address, implied = _modicon(_int(config["register"], f"{what}.register"))
        if "kind" in config and kind != implied:
            raise ValueError(f"{what}: register {config['register']} is a {implied} register, not {kind}")
        return address, implied
    address = _int(config["address"], f"{what}.address")
    if not 0 <= address <= 0xFFFF:
        raise ValueError(f"{what}: address {address} is outside 0..65535")
    return address, kind


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be an integer, not {value!r}")
    return value


def _bit(config: Mapping[str, Any], key: str) -> int | None:
    if config.get(key) is None:
        return None
    bit = _int(config[key], f"status.{key}")
    if not 0 <= bit <= 15:
        raise ValueError(f"status.{key} {bit} is not a bit of a 16-bit register (0..15)")
    return bit


def _unknown(config: Mapping[str, Any], allowed: set[str], what: str) -> None:
    if extra := set(config) - allowed:
        raise ValueError(f"{what}: unknown keys {sorted(extra)} (allowed: {sorted(allowed)})")


@dataclass(frozen=True, slots=True)
class StatusMap:
    """One status register. Exactly one of motion_bit (1 = moving) / stable_bit (1 = stable);
    overload/underload bits (1 = out of range) and ok_bit (1 = data valid) are optional."""

    address: int
    kind: RegisterKind = "holding"
    motion_bit: int | None = None
    stable_bit: int | None = None
    overload_bit: int | None = None
    underload_bit: int | None = None
    ok_bit: int | None = None

    def __post_init__(self) -> None:
        if (self.motion_bit is None) == (self.stable_bit is None):
            raise ValueError("status: give exactly one of motion_bit or stable_bit")

    @classmethod
    def from_config(cls, config: Mapping[str, Any], default_kind: RegisterKind) -> StatusMap:
        bits = ("motion_bit", "stable_bit", "overload_bit", "underload_bit", "ok_bit")
        _unknown(config, {"address", "register", "kind", *bits}, "status")
        address, kind = _where(config, "status", default_kind)
        return cls(address, kind, *(_bit(config, key) for key in bits))


@dataclass(frozen=True, slots=True)
class RegisterMap:
    """The weight (and optional status) registers of one indicator. kg = round(raw × scale)."""

    address: int
    kind: RegisterKind = "holding"
    value_type: ValueType = "int32"
    word_order: WordOrder = "big"
    scale: Decimal = Decimal(1)
    device_id: int = 1
    status: StatusMap | None = None

    def __post_init__(self) -> None:
        if self.value_type not in WORDS:
            raise ValueError(f"type {self.value_type!r} is not one of {sorted(WORDS)}")
        if self.word_order not in ("big", "little"):
            raise ValueError(f"word_order {self.word_order!r} is neither 'big' nor 'little'")
        if not self.scale.is_finite() or self.scale <= 0:
            raise ValueError(f"scale {self.scale} must be a positive number")
        if not 0 <= self.device_id <= 247:
            raise ValueError(f"device_id {self.device_id} is outside 0..247")
        if self.address + self.words > 0x10000:
            raise ValueError(f"the weight at {self.address} runs past address 65535")

    @property
    def words(self) -> int:
        return WORDS[self.value_type]

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> RegisterMap:
        """Validate a plain dict (JSON/TOML config); ValueError names the offending key."""
        keys = {"address", "register", "kind", "type", "word_order", "scale", "device_id", "status"}
        _unknown(config, keys, "register map")
        address, kind = _where(config, "register map", "holding")
        scale = config.get("scale", 1)
        if isinstance(scale, bool) or not isinstance(scale, int | float | str | Decimal):
            raise ValueError(f"scale must be a number, not {scale!r}")
        try:
            scale_dec = Decimal(str(scale))  # str(): 0.001 stays exactly 0.001
        except InvalidOperation as bad:
            raise ValueError(f"scale {scale!r} is not a number") from bad
        status = config.get("status")
        if status is not None and not isinstance(status, Mapping):
            raise ValueError("status must be a mapping")
        return cls(
            address=address,
            kind=kind,
            value_type=config.get("type", "int32"),
            word_order=config.get("word_order", "big"),
            scale=scale_dec,
            device_id=_int(config.get("device_id", 1), "device_id"),
            status=None if status is None else StatusMap.from_config(status, kind),
        )
