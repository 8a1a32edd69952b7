"""The lane agent's configuration: one JSON file per lane, validated whole at start-up.

A mistake in this file stops the agent before it touches a barrier, with the offending key named:
a lane that starts with a typo ("hold_S") would weigh with a default nobody chose. The adapter
sections ("indicator", "camera", "io", "display", "scanner") are passed through to `factory`
untouched; each names its adapter with "kind".
"""

from __future__ import annotations

import json
import math
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any

from devices.weighbridge.stable import StabilityConfig

_ADAPTERS = ("indicator", "camera", "io", "display", "scanner")
_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Timeouts:
    """How long the lane waits for each thing before it gives up on it, in seconds."""

    barrier_s: float = 10.0  # an open/close not confirmed by then is a barrier fault
    position_wait_s: float = 120.0  # barrier open → the truck is on the scale
    weigh_s: float = 180.0  # on the scale → a stable weight (else the truck is sent back)
    request_s: float = 5.0  # one platform request; beyond it the link counts as down
    code_window_s: float = 30.0  # a plate and a scanned code belong to one truck within this
    message_hold_s: float = 5.0  # a refusal stays on the screen this long before idle
    gone_hold_s: float = 1.0  # "empty and clear" must last this long: a bouncing reading is not a departure
    retry_min_s: float = 1.0  # the outbox uploader's first back-off
    retry_max_s: float = 60.0  # and its ceiling

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
                raise ValueError(f"timeouts.{f.name} must be a positive number of seconds")
        if self.retry_max_s < self.retry_min_s:
            raise ValueError("timeouts.retry_max_s must be >= timeouts.retry_min_s")


@dataclass(frozen=True, slots=True)
class LaneConfig:
    platform_url: str
    key_id: str
    secret: str  # the device key's secret: signs requests and weighings, and opens the pass bundle
    device_code: str
    site_id: uuid.UUID
    lane_id: str
    stability: StabilityConfig
    empty_kg: int  # below this (and gratings clear) the scale is empty: the truck has gone
    outbox_path: Path
    plate_only_allowed: bool = False
    timeouts: Timeouts = field(default_factory=Timeouts)
    bundle_refresh_s: float = 300.0
    heartbeat_s: float = 5.0
    adapters: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: _EMPTY)

    def __post_init__(self) -> None:
        if not self.platform_url.startswith(("http://", "https://")):
            raise ValueError("platform_url must be an http(s) URL")
        for name in ("key_id", "secret", "device_code", "lane_id"):
            if not getattr(self, name):
                raise ValueError(f"{name} must not be empty")
        if not 0 < self.empty_kg <= self.stability.on_scale_kg:
            # Gone must be lighter than "on the scale", or a truck could be both at once.
            raise ValueError("empty_kg must be > 0 and <= stability.on_scale_kg")
        for name in ("bundle_refresh_s", "heartbeat_s"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive number of seconds")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, base_dir: Path | None = None) -> LaneConfig:
        """Validate a parsed JSON object. `secret_env` names an environment variable holding the
        secret, so the file itself can be world-readable; a relative outbox path is taken from
        `base_dir` (the config file's folder)."""
        known = {f.name for f in fields(cls)} - {"adapters", "stability", "timeouts", "outbox_path", "site_id"}
        allowed = known | set(_ADAPTERS) | {"stability", "timeouts", "outbox_path", "site_id", "secret_env"}
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise ValueError(f"unknown config keys: {', '.join(unknown)}")
        values = {k: data[k] for k in known if k in data}
        if "secret" not in values and "secret_env" in data:
            values["secret"] = os.environ.get(str(data["secret_env"]), "")
        for name in ("platform_url", "key_id", "secret", "device_code", "lane_id", "empty_kg"):
            if name not in values:
                raise ValueError(f"missing config key: {name}")
        _check_types(values)
        try:
            site_id = uuid.UUID(str(data["site_id"]))
        except (KeyError, ValueError):
            raise ValueError("site_id must be a UUID") from None
        outbox = Path(str(data.get("outbox_path", "lane-outbox.sqlite")))
        if base_dir is not None and not outbox.is_absolute():
            outbox = base_dir / outbox
        return cls(
            **values,
            site_id=site_id,
            outbox_path=outbox,
            stability=_section(StabilityConfig, data.get("stability"), "stability", required=True),
            timeouts=_section(Timeouts, data.get("timeouts"), "timeouts", required=False),
            adapters=MappingProxyType({k: MappingProxyType(dict(data[k])) for k in _ADAPTERS if k in data}),
        )

    @classmethod
    def from_file(cls, path: Path | str) -> LaneConfig:
        path = Path(path)
        with path.open(encoding="utf-8") as f:
            data = json.load(f)
        if not isinstance(data, dict):
            raise ValueError(f"{path}: the config must be a JSON object")
        return cls.from_dict(data, base_dir=path.parent)


def _check_types(values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        if name in ("plate_only_allowed",):
            ok = isinstance(value, bool)
        elif name == "empty_kg":
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif name in ("bundle_refresh_s", "heartbeat_s"):
            ok = isinstance(value, int | float) and not isinstance(value, bool)
        else:
            ok = isinstance(value, str)
        if not ok:
            raise ValueError(f"config key {name} has the wrong type: {value!r}")


def _section(kind: Any, raw: object, name: str, *, required: bool) -> Any:
    if raw is None and not required:
        return kind()
    if not isinstance(raw, dict):
        raise ValueError(f"{name} must be an object")
    allowed = {f.name for f in fields(kind)}
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise ValueError(f"unknown keys in {name}: {', '.join(unknown)}")
    try:
        return kind(**raw)
    except TypeError as exc:  # a required key missing
        raise ValueError(f"{name}: {exc}") from None
