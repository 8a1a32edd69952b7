"""The JT/T 808 gateway: an asyncio TCP server for vehicle terminals (issue 6, DESIGN §8).

A terminal registers (0x0100 → 0x8100 with its own auth code, via backend.domain.terminals),
authenticates on every connection (0x0102), then sends heartbeats and positions. Each 0x0200 or
0x0704 becomes one entry of `Position`s on the GPS stream (`settings.gps_stream`, field `p`),
acknowledged with 0x8001 only once Redis holds it. See connection.py for the frame path and the
limits, messages.py for the session rules, server.py for the entry points.
"""

from backend.workers.jt808.downlink import DOWNLINK_CHANNEL, publish_text
from backend.workers.jt808.limits import Limits
from backend.workers.jt808.server import Gateway, in_app_gateway, run_gateway, serve_gateway

__all__ = ["DOWNLINK_CHANNEL", "Gateway", "Limits", "in_app_gateway", "publish_text", "run_gateway", "serve_gateway"]
