"""One weighing as the platform receives it (docs/lane-protocol.md §2), and its body signature.

The body signature proves that this lane made this weighing at that time, and survives an offline
delay (a request signature is fresh at upload; this one is made at capture):

    signature = hex(HMAC-SHA256(device secret, canonical body without "signature"))
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from devices.io.base import LaneSensors
from devices.weighbridge.stable import StableWeight

# The platform's limits on pictures (names as file names, a few hundred KiB each); a picture beyond
# them is left out rather than have the whole weighing refused.
MAX_PICTURES = 4
MAX_PICTURE_B64_CHARS = 700_000
_PICTURE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")


@dataclass(frozen=True, slots=True)
class Capture:
    """What the scale and sensors gave at the moment of weighing."""

    stable: StableWeight
    trace: list[list[int]]
    on_scale_at: datetime
    weighed_at: datetime
    sensors: LaneSensors


def canonical_body(body: Mapping[str, Any]) -> bytes:
    unsigned = {k: v for k, v in body.items() if k != "signature"}
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def body_signature(body: Mapping[str, Any], secret: str) -> str:
    return hmac.new(secret.encode("utf-8"), canonical_body(body), hashlib.sha256).hexdigest()


def signed(body: Mapping[str, Any], secret: str) -> dict[str, Any]:
    """The body with its `signature` (re)computed over everything else."""
    unsigned = {k: v for k, v in body.items() if k != "signature"}
    return {**unsigned, "signature": body_signature(unsigned, secret)}


def pictures_json(pictures: Mapping[str, bytes]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for name, content in pictures.items():
        encoded = base64.b64encode(content).decode("ascii")
        if _PICTURE_NAME.fullmatch(name) and len(encoded) <= MAX_PICTURE_B64_CHARS and len(out) < MAX_PICTURES:
            out.append({"name": name, "contentB64": encoded})
    return out


def weighing_body(
    *,
    weighing_id: str,
    order_id: str,
    kind: str,
    plate_read: str,
    capture: Capture,
    pictures: Mapping[str, bytes],
    offline: bool,
    secret: str,
) -> dict[str, Any]:
    stable = capture.stable
    body: dict[str, Any] = {
        "weighingId": weighing_id,
        "orderId": order_id,
        "kind": kind,
        "plateRead": plate_read,
        "weightKg": stable.median_kg,
        "stable": {
            "medianKg": stable.median_kg,
            "minKg": stable.min_kg,
            "maxKg": stable.max_kg,
            "samples": stable.samples,
            # Milliseconds are plenty, and a short decimal reads back to the same float anywhere.
            "holdS": round(stable.duration_s, 3),
        },
        "trace": capture.trace,
        "onScaleAt": capture.on_scale_at.isoformat(),
        "weighedAt": capture.weighed_at.isoformat(),
        "gratings": {"inBlocked": capture.sensors.grating_in, "outBlocked": capture.sensors.grating_out},
        "offline": offline,
        "pictures": pictures_json(pictures),
    }
    return signed(body, secret)
