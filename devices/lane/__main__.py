"""The lane agent: `python -m devices.lane --config lane.json`.

Builds the lane's adapters from the config (devices.lane.factory), links to the platform and runs
the controller until SIGINT/SIGTERM. An example config is in devices/lane/__init__.py.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import logging
import signal
from pathlib import Path
from typing import Any

from devices.lane.config import LaneConfig
from devices.lane.controller import LaneController
from devices.lane.factory import build
from devices.lane.link import PlatformLink

log = logging.getLogger("devices.lane")


async def _call_if_present(obj: Any, name: str, *args: Any) -> None:
    method = getattr(obj, name, None)
    if callable(method):
        result = method(*args)
        if inspect.isawaitable(result):
            await result


async def serve(config: LaneConfig) -> None:
    adapters = build(config)
    if adapters.camera_listen is not None:
        await _call_if_present(adapters.camera, "start", *adapters.camera_listen)
    link = PlatformLink.from_config(config)
    controller = LaneController(
        config, indicator=adapters.indicator, camera=adapters.camera, codes=adapters.codes,
        entry_barrier=adapters.entry_barrier, exit_barrier=adapters.exit_barrier, sensors=adapters.sensors,
        display=adapters.display, platform=link,
    )
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, controller.stop)
    log.info("lane %s (device %s) of site %s starting", config.lane_id, config.device_code, config.site_id)
    try:
        await controller.run()
    finally:
        await _call_if_present(adapters.camera, "stop")
        await link.aclose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m devices.lane", description="Unattended weighbridge lane agent")
    parser.add_argument("--config", required=True, type=Path, help="the lane's JSON config file")
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = LaneConfig.from_file(args.config)
    except (OSError, ValueError) as exc:
        parser.exit(2, f"config {args.config}: {exc}\n")
    asyncio.run(serve(config))


if __name__ == "__main__":
    main()
