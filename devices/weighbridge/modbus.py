"""A Modbus weighing indicator (or transmitter) polled over Modbus TCP, RTU over a TCP serial
server, or RTU on a local serial port; the register layout comes from a `RegisterMap`.

Requests are keyword-only with `device_id=` (pymodbus 3.10+); an exception reply, a timeout or a
dropped link becomes IndicatorError, so the lane never weighs on a stale value. The client does not
reconnect by itself (reconnect_delay=0): the lane calls connect() again, as for every indicator.
"""

from __future__ import annotations

import asyncio
import math
import time
from decimal import ROUND_HALF_UP, Decimal

from pymodbus.client import AsyncModbusSerialClient, AsyncModbusTcpClient
from pymodbus.exceptions import ModbusException
from pymodbus.framer import FramerType

from devices.weighbridge.base import IndicatorError, Sample
from devices.weighbridge.register_map import RegisterKind, RegisterMap, StatusMap, pdu_address

__all__ = ["ModbusIndicator", "RegisterMap", "StatusMap", "decode_kg", "pdu_address"]

Client = AsyncModbusTcpClient | AsyncModbusSerialClient
DATATYPE = AsyncModbusTcpClient.DATATYPE

# Modbus exception codes a reply can carry, for the message the lane logs.
EXCEPTION_CODES = {1: "illegal function", 2: "illegal data address", 3: "illegal data value",
                   4: "device failure", 6: "device busy", 10: "gateway path unavailable",
                   11: "gateway target did not respond"}


def decode_kg(registers: RegisterMap, words: list[int]) -> int:
    """The weight registers' words -> whole kg (raw × scale, rounded half up)."""
    raw = AsyncModbusTcpClient.convert_from_registers(
        words, DATATYPE[registers.value_type.upper()], word_order=registers.word_order
    )
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise IndicatorError(f"weight registers hold {raw}")
        exact = Decimal(repr(raw))
    elif isinstance(raw, int):
        exact = Decimal(raw)
    else:  # pragma: no cover - numeric DATATYPEs only
        raise IndicatorError(f"weight registers decoded to {raw!r}")
    return int((exact * registers.scale).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _bit(word: int, bit: int | None) -> bool:
    return bit is not None and bool(word >> bit & 1)


class ModbusIndicator:
    """Indicator over Modbus. `serial_port` selects RTU on a local port (or a pyserial URL such as
    "socket://host:port"); else `host`/`port` with `rtu_over_tcp` for RTU frames through a TCP
    serial server. Polls at most every `period_s`; weight and status in one request when adjacent."""

    def __init__(self, *, registers: RegisterMap, host: str = "", port: int = 502,
                 rtu_over_tcp: bool = False, serial_port: str | None = None, baudrate: int = 9600,
                 parity: str = "N", stopbits: int = 1, period_s: float = 0.1, timeout_s: float = 1.0,
                 retries: int = 1, name: str = "weighbridge") -> None:
        if serial_port is None and not host:
            raise ValueError("give a host (Modbus TCP) or a serial_port (Modbus RTU)")
        self.registers = registers
        self.name = name
        self.period_s = period_s
        self._host, self._port, self._rtu_over_tcp = host, port, rtu_over_tcp
        self._serial = (serial_port, baudrate, parity, stopbits)
        self._timeout_s, self._retries = timeout_s, retries
        self._client: Client | None = None
        self._next_s = 0.0
        self.requests = self.request_plan(registers)

    @staticmethod
    def request_plan(registers: RegisterMap) -> list[tuple[RegisterKind, int, int]]:
        """(kind, address, count) requests: one when the status word sits right beside the weight."""
        weight = (registers.kind, registers.address, registers.words)
        status = registers.status
        if status is None:
            return [weight]
        if status.kind == registers.kind and status.address == registers.address + registers.words:
            return [(registers.kind, registers.address, registers.words + 1)]
        if status.kind == registers.kind and status.address == registers.address - 1:
            return [(registers.kind, status.address, registers.words + 1)]
        return [weight, (status.kind, status.address, 1)]

    def _new_client(self) -> Client:
        port, baudrate, parity, stopbits = self._serial
        if port is not None:
            return AsyncModbusSerialClient(port, framer=FramerType.RTU, baudrate=baudrate, parity=parity,
                                           stopbits=stopbits, timeout=self._timeout_s,
                                           retries=self._retries, reconnect_delay=0, name=self.name)
        framer = FramerType.RTU if self._rtu_over_tcp else FramerType.SOCKET
        return AsyncModbusTcpClient(self._host, port=self._port, framer=framer, timeout=self._timeout_s,
                                    retries=self._retries, reconnect_delay=0, name=self.name)

    @property
    def where(self) -> str:
        return self._serial[0] or f"{self._host}:{self._port}"

    async def connect(self) -> None:
        if self._client is not None and self._client.connected:
            return
        if self._client is not None:
            self._client.close()
        self._client = self._new_client()
        if not await self._client.connect():
            raise IndicatorError(f"{self.name}: cannot connect to Modbus indicator at {self.where}")

    async def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    async def read(self) -> Sample:
        if (wait_s := self._next_s - time.monotonic()) > 0:
            await asyncio.sleep(wait_s)
        self._next_s = time.monotonic() + self.period_s
        words: dict[tuple[RegisterKind, int], int] = {}
        for kind, address, count in self.requests:
            for offset, word in enumerate(await self._read_registers(kind, address, count)):
                words[(kind, address + offset)] = word
        t_s = time.monotonic()
        regs = self.registers
        kg = decode_kg(regs, [words[(regs.kind, regs.address + i)] for i in range(regs.words)])
        status = regs.status
        if status is None:
            return Sample(t_s=t_s, kg=kg)
        word = words[(status.kind, status.address)]
        if status.ok_bit is not None and not _bit(word, status.ok_bit):
            raise IndicatorError(f"{self.name}: status word {word:#06x} says the data is not valid")
        if _bit(word, status.overload_bit) or _bit(word, status.underload_bit):
            raise IndicatorError(f"{self.name}: status word {word:#06x} flags out of range")
        motion = _bit(word, status.motion_bit) if status.motion_bit is not None else not _bit(
            word, status.stable_bit)
        return Sample(t_s=t_s, kg=kg, motion=motion)

    async def _read_registers(self, kind: RegisterKind, address: int, count: int) -> list[int]:
        client = self._client
        what = f"{self.name}: {kind} registers {address}..{address + count - 1} at {self.where}"
        if client is None or not client.connected:
            raise IndicatorError(f"{what}: not connected")
        call = client.read_holding_registers if kind == "holding" else client.read_input_registers
        try:
            reply = await call(address, count=count, device_id=self.registers.device_id)
        except (TimeoutError, ModbusException, OSError) as failed:
            raise IndicatorError(f"{what}: {failed}") from failed
        if reply.isError():
            code = getattr(reply, "exception_code", 0)
            raise IndicatorError(f"{what}: exception reply {code} ({EXCEPTION_CODES.get(code, 'unknown')})")
        if len(reply.registers) < count:
            raise IndicatorError(f"{what}: short reply of {len(reply.registers)} registers")
        return list(reply.registers[:count])
