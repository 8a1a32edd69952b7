"""ModbusIndicator against the pymodbus 3.16 server (SimWeighbridge) on 127.0.0.1: register maps,
the vectors' Modbus examples, word order, scale, status bits, exception replies, a dead server."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from devices.sim.weighbridge import SimWeighbridge
from devices.weighbridge.base import IndicatorError
from devices.weighbridge.modbus import ModbusIndicator, RegisterMap, StatusMap, pdu_address

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "data" / "vectors" / "weighing.json").read_text(encoding="utf-8"))


async def _sim(registers: RegisterMap, **kwargs: Any) -> SimWeighbridge:
    sim = SimWeighbridge(registers=registers, **kwargs)
    await sim.start()
    return sim


async def _indicator(sim: SimWeighbridge, registers: RegisterMap | None = None, **kwargs: Any) -> ModbusIndicator:
    indicator = ModbusIndicator(registers=registers or sim.registers, host="127.0.0.1", port=sim.port,
                                period_s=0.0, timeout_s=0.5, retries=0, **kwargs)
    await indicator.connect()
    return indicator


@pytest.fixture
async def sim() -> AsyncIterator[SimWeighbridge]:
    sim = await _sim(RegisterMap.from_config({"register": 40001, "status": {"register": 40003, "motion_bit": 12}}))
    yield sim
    await sim.stop()


# --- register maps from config --------------------------------------------------------------------


def test_pdu_address_of_manual_numbers() -> None:
    assert pdu_address(40008) == 7  # CAS CI-600D gross, high word
    assert pdu_address(40001) == 0
    assert pdu_address(30001) == 0
    assert pdu_address(400001) == 0
    with pytest.raises(ValueError):
        pdu_address(7)


def test_register_map_from_config() -> None:
    cas = RegisterMap.from_config({"register": 40008, "type": "int32", "scale": 10})
    assert (cas.address, cas.kind, cas.value_type, cas.word_order, cas.scale) == (7, "holding", "int32", "big", 10)
    eagle = RegisterMap.from_config({"address": 0x1000, "kind": "input", "type": "float32", "scale": "0.001"})
    assert (eagle.address, eagle.kind, eagle.scale) == (4096, "input", Decimal("0.001"))
    tuna = RegisterMap.from_config({"register": 40003, "type": "float32", "word_order": "little",
                                    "status": {"register": 40005, "motion_bit": 12, "overload_bit": 10}})
    assert tuna.status == StatusMap(address=4, kind="holding", motion_bit=12, overload_bit=10)
    assert RegisterMap.from_config({"register": 30002}).kind == "input"


@pytest.mark.parametrize(
    ("config", "complaint"),
    [
        ({}, "exactly one of 'address'"),
        ({"address": 0, "register": 40001}, "exactly one of 'address'"),
        ({"address": -1}, "outside 0..65535"),
        ({"address": "7"}, "must be an integer"),
        ({"register": 40008, "kind": "input"}, "is a holding register"),
        ({"address": 0, "kind": "coil"}, "neither 'holding' nor 'input'"),
        ({"address": 0, "type": "int64"}, "type 'int64'"),
        ({"address": 0, "word_order": "middle"}, "word_order"),
        ({"address": 0, "scale": 0}, "positive"),
        ({"address": 0, "scale": "ten"}, "not a number"),
        ({"address": 0, "scale": True}, "must be a number"),
        ({"address": 0, "slave": 1}, "unknown keys ['slave']"),
        ({"address": 0, "device_id": 300}, "device_id"),
        ({"address": 65535}, "runs past"),
        ({"address": 0, "status": {"address": 2}}, "exactly one of motion_bit or stable_bit"),
        ({"address": 0, "status": {"address": 2, "motion_bit": 1, "stable_bit": 2}}, "exactly one of motion_bit"),
        ({"address": 0, "status": {"address": 2, "motion_bit": 16}}, "0..15"),
        ({"address": 0, "status": [2, 12]}, "status must be a mapping"),
    ],
)
def test_register_map_refuses_bad_config(config: dict[str, Any], complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint.replace("[", r"\[").replace("(", r"\(")):
        RegisterMap.from_config(config)


# --- reading through a real Modbus server ---------------------------------------------------------


@pytest.mark.parametrize("example", VECTORS["modbus"]["examples"], ids=lambda e: f"{e['type']}:{e['value']}")
async def test_vector_examples(example: dict[str, Any]) -> None:
    # A float32 display in tonnes (25.48 t) reads as whole kg with scale 1000.
    scale = 1000 if example["type"] == "float32" else 1
    registers = RegisterMap.from_config({"address": 0, "type": example["type"],
                                         "word_order": example["word_order"], "scale": scale})
    kg = round(Decimal(str(example["value"])) * scale)
    sim = await _sim(registers)
    try:
        await sim.set_weight(kg)
        assert await sim.get_values(3, 0, 2) == example["registers"]  # the sim encodes as the vector
        indicator = await _indicator(sim)
        sample = await indicator.read()
        assert sample.kg == kg and sample.motion is None
        await indicator.close()
    finally:
        await sim.stop()


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ({"type": "int32", "word_order": "little"}, [25480, 0]),
        ({"type": "float32", "word_order": "little", "scale": 1000}, [0xD70A, 0x41CB]),
        ({"type": "int32", "scale": 10}, [0, 2548]),  # a display in 10 kg units
        ({"type": "uint32", "scale": "0.001"}, [0x0184, 0xCB40]),  # grams: 25,480,000
        ({"type": "int16", "scale": 10}, [2548]),
        ({"type": "uint16", "scale": 20}, [1274]),
        ({"type": "float32", "kind": "input"}, [0x46C7, 0x1000]),  # 25480.0 in input registers
    ],
)
async def test_word_order_scale_and_types(config: dict[str, Any], words: list[int]) -> None:
    registers = RegisterMap.from_config({"address": 4, **config})
    sim = await _sim(registers)
    try:
        await sim.set_weight(25480)
        assert await sim.get_values(4 if registers.kind == "input" else 3, 4, len(words)) == words
        indicator = await _indicator(sim)
        assert (await indicator.read()).kg == 25480
        if registers.words == 2:  # the other word order reads nonsense: the order is configuration
            other = "big" if registers.word_order == "little" else "little"
            wrong = await _indicator(sim, RegisterMap.from_config({"address": 4, **config, "word_order": other}))
            assert (await wrong.read()).kg != 25480
            await wrong.close()
        await indicator.close()
    finally:
        await sim.stop()


async def test_rounding_to_whole_kg() -> None:
    registers = RegisterMap.from_config({"address": 0, "type": "float32"})
    sim = await _sim(registers)
    sim.publishing = False  # the registers hold exactly what the test writes
    try:
        indicator = await _indicator(sim)
        await sim.set_values(3, 0, [0x46C7, 0x1100])  # 25480.5 exactly -> half up
        assert (await indicator.read()).kg == 25481
        await sim.set_values(3, 0, [0x7FC0, 0x0000])  # NaN: no weight
        with pytest.raises(IndicatorError, match="nan"):
            await indicator.read()
        await indicator.close()
    finally:
        await sim.stop()


async def test_motion_bit_follows_the_truck(sim: SimWeighbridge) -> None:
    indicator = await _indicator(sim)
    await sim.drive_on(30000, ramp_s=0.4, settle_s=0.2, noise_kg=80)
    moving = await indicator.read()
    assert moving.motion is True and 0 <= moving.kg < 30000
    await sim.wait_steady()
    steady = [await indicator.read() for _ in range(5)]
    assert all(s.motion is False and abs(s.kg - 30000) <= 10 for s in steady)
    await sim.jump(500)  # a remote-control box: a step, and the indicator reports no motion
    jumped = await indicator.read()
    assert jumped.motion is False and abs(jumped.kg - 30500) <= 10
    await indicator.close()


async def test_stable_bit_in_a_separate_request() -> None:
    registers = RegisterMap.from_config({"address": 10, "kind": "input", "type": "float32",
                                         "status": {"address": 3, "kind": "holding", "stable_bit": 1}})
    sim = await _sim(registers)
    try:
        indicator = await _indicator(sim)
        assert indicator.requests == [("input", 10, 2), ("holding", 3, 1)]
        await sim.set_weight(14020)
        sample = await indicator.read()
        assert (sample.kg, sample.motion) == (14020, False)
        await sim.drive_on(20000, ramp_s=5.0)
        assert (await indicator.read()).motion is True
        await indicator.close()
    finally:
        await sim.stop()


async def test_status_before_the_weight_is_one_request() -> None:
    registers = RegisterMap.from_config({"address": 1, "status": {"address": 0, "motion_bit": 0}})
    assert ModbusIndicator.request_plan(registers) == [("holding", 0, 3)]
    sim = await _sim(registers)
    try:
        indicator = await _indicator(sim)
        await sim.set_weight(-120)
        assert (await indicator.read()).kg == -120
        await indicator.close()
    finally:
        await sim.stop()


async def test_overload_bit_refuses_the_reading() -> None:
    registers = RegisterMap.from_config({"address": 0, "status": {"address": 2, "motion_bit": 12, "overload_bit": 10}})
    sim = await _sim(registers)
    try:
        indicator = await _indicator(sim)
        await sim.set_weight(90000)
        assert (await indicator.read()).kg == 90000
        sim.overload = True
        await sim.set_weight(90000)
        with pytest.raises(IndicatorError, match="out of range"):
            await indicator.read()
        await indicator.close()
    finally:
        await sim.stop()


async def test_polls_at_period(sim: SimWeighbridge) -> None:
    indicator = ModbusIndicator(registers=sim.registers, host="127.0.0.1", port=sim.port, period_s=0.1)
    await indicator.connect()
    started = time.monotonic()
    samples = [await indicator.read() for _ in range(4)]
    assert time.monotonic() - started >= 0.3
    assert all(b.t_s - a.t_s >= 0.09 for a, b in zip(samples, samples[1:], strict=False))
    await indicator.close()


async def test_exception_reply_is_an_indicator_error(sim: SimWeighbridge) -> None:
    indicator = await _indicator(sim, RegisterMap.from_config({"address": 1000}))
    with pytest.raises(IndicatorError, match=r"exception reply 2 \(illegal data address\)"):
        await indicator.read()
    await indicator.close()


async def test_no_server_is_an_indicator_error(sim: SimWeighbridge) -> None:
    port = sim.port
    await sim.stop()
    indicator = ModbusIndicator(registers=sim.registers, host="127.0.0.1", port=port, timeout_s=0.5)
    with pytest.raises(IndicatorError, match="cannot connect"):
        await indicator.connect()
    with pytest.raises(IndicatorError, match="not connected"):
        await indicator.read()


async def test_server_drop_then_reconnect(sim: SimWeighbridge) -> None:
    indicator = await _indicator(sim)
    await sim.set_weight(15240)
    assert (await indicator.read()).kg == 15240
    await sim.stop()
    with pytest.raises(IndicatorError):
        await indicator.read()
    await sim.start()  # same port, as after a power cycle
    await sim.set_weight(15260)
    await indicator.connect()
    assert (await indicator.read()).kg == 15260
    await indicator.close()


async def test_rtu_over_tcp_and_serial_url() -> None:
    sim = await _sim(RegisterMap.from_config({"address": 0, "status": {"address": 2, "motion_bit": 3}}), rtu=True)
    try:
        await sim.set_weight(32100)
        over_tcp = await _indicator(sim, rtu_over_tcp=True)
        assert (await over_tcp.read()).kg == 32100
        await over_tcp.close()
        # The serial client (RTU) through pyserial's socket:// URL: the same class a COM port uses.
        serial = ModbusIndicator(registers=sim.registers, serial_port=f"socket://127.0.0.1:{sim.port}",
                                 timeout_s=0.5, retries=0)
        await serial.connect()
        sample = await serial.read()
        assert (sample.kg, sample.motion) == (32100, False)
        await serial.close()
    finally:
        await sim.stop()


def test_constructor_needs_a_link() -> None:
    with pytest.raises(ValueError):
        ModbusIndicator(registers=RegisterMap(address=0))
