"""Real adapters from the config's adapter sections, imported lazily by "kind".

Adapter wiring lives here and only here: when an adapter's constructor changes, adjust this file.

Each section is {"kind": ..., <keyword arguments of the adapter>}. Importing by name at build time
keeps `devices.lane` importable (and testable with fakes) on a machine without pymodbus or before
an adapter module exists.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from devices.lane.config import LaneConfig
from devices.lane.intake import CodeSource, QueueCodes, TcpScanner

# kind -> "module:Class"
INDICATORS = {
    "modbus": "devices.weighbridge.modbus:ModbusIndicator",
    "serial": "devices.weighbridge.serial_line:StreamIndicator",
    "fake": "devices.weighbridge.fake:FakeIndicator",
}
CAMERAS = {"hikvision_receiver": "devices.camera.receiver:HikvisionReceiver", "fake": "devices.camera.fake:FakeCamera"}
BARRIERS = {"modbus": "devices.io.modbus_io:ModbusBarrier", "isapi": "devices.io.hikvision:IsapiBarrier",
            "fake": "devices.io.fake:FakeBarrier"}
DISPLAYS = {"lane": "devices.display:LaneDisplay", "log": "devices.display:LogDisplay",
            "fake": "devices.display.fake:FakeDisplay"}


def _class(table: Mapping[str, str], section: Mapping[str, Any], what: str) -> Any:
    kind = section.get("kind")
    if not isinstance(kind, str) or kind not in table:
        raise ValueError(f"{what}.kind must be one of {sorted(table)}, not {kind!r}")
    module, name = table[kind].split(":")
    return getattr(importlib.import_module(module), name)


def _kwargs(section: Mapping[str, Any], *drop: str) -> dict[str, Any]:
    return {k: v for k, v in section.items() if k not in ("kind", *drop)}


@dataclass(slots=True)
class Adapters:
    indicator: Any
    camera: Any
    codes: CodeSource
    entry_barrier: Any
    exit_barrier: Any
    sensors: Any
    display: Any
    camera_listen: tuple[str, int] | None  # where a push receiver must listen (started by the agent)


def build(config: LaneConfig) -> Adapters:
    sections = config.adapters
    for name in ("indicator", "camera", "io", "display"):
        if name not in sections:
            raise ValueError(f"missing config section: {name}")
    ind = sections["indicator"]
    ind_args = _kwargs(ind)
    if ind.get("kind") == "modbus" and isinstance(ind_args.get("registers"), Mapping):
        from devices.weighbridge.register_map import RegisterMap

        ind_args["registers"] = RegisterMap.from_config(ind_args["registers"])
    indicator = _class(INDICATORS, ind, "indicator")(**ind_args)

    cam = sections["camera"]
    camera = _class(CAMERAS, cam, "camera")(**_kwargs(cam, "host", "port"))
    listen = (str(cam.get("host", "0.0.0.0")), int(cam["port"])) if "port" in cam else None

    io = sections["io"]
    module = None
    if io.get("kind") == "modbus":
        from devices.io.modbus_io import ModbusIoModule, ModbusSensors

        module = ModbusIoModule(**dict(io["module"]))
        sensors: Any = ModbusSensors(module=module, **dict(io["sensors"]))
    elif io.get("kind") == "fake":
        from devices.io.fake import FakeSensors

        sensors = FakeSensors()
    else:
        raise ValueError(f"io.kind must be 'modbus' or 'fake', not {io.get('kind')!r}")
    barriers = []
    for which in ("entry_barrier", "exit_barrier"):
        section = {"kind": io.get("kind"), **dict(io.get(which, {}))}
        extra = {"module": module} if section["kind"] == "modbus" else {}
        barriers.append(_class(BARRIERS, section, f"io.{which}")(**extra, **_kwargs(section)))

    disp = sections["display"]
    if disp.get("kind") == "lane":  # a screen and a speaker, each from its own sub-section
        from devices.display import LaneDisplay
        display: Any = LaneDisplay.from_config(_kwargs(disp))
    else:
        display = _class(DISPLAYS, disp, "display")(**_kwargs(disp))

    scan = dict(sections.get("scanner", {"kind": "none"}))
    if scan.get("kind") == "tcp":
        codes: CodeSource = TcpScanner(host=str(scan["host"]), port=int(scan["port"]))
    elif scan.get("kind") == "none":
        codes = QueueCodes(asyncio.Queue())  # plate-only lane: no scanner
    else:
        raise ValueError(f"scanner.kind must be 'tcp' or 'none', not {scan.get('kind')!r}")
    return Adapters(indicator=indicator, camera=camera, codes=codes, entry_barrier=barriers[0],
                    exit_barrier=barriers[1], sensors=sensors, display=display, camera_listen=listen)
