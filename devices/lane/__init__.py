"""The lane controller: the edge agent of an unattended weighbridge lane (DESIGN §7, issue 5).

It follows the published unattended sequence (identify → platform decision → barrier → both
gratings clear → stable weight → submit → display/voice → exit) and talks to the platform only over
the signed machine interface, as docs/lane-protocol.md lays down. Offline it verifies passes with
the site's sealed bundle, decides tare/gross from its own record, and keeps signed weighings in a
SQLite outbox that is uploaded exactly once when the link returns.

    controller  LaneController: the state machine, its helper tasks, snapshot() and heartbeat
    cycle       one truck, step by step (identify, weigh, finish hold the steps)
    link        PlatformLink: identify / submit / heartbeat / bundle, failures classified
    offline     OfflineGate: decisions from the bundle and the lane's own record
    outbox      Outbox: SQLite weighings, local tare/gross, cached bundle; uploader drains it
    config      LaneConfig from JSON; factory builds the real adapters from it

Run it with `python -m devices.lane --config lane.json`; a config::

    {
      "platform_url": "https://mt.example.com", "key_id": "mk_...", "secret_env": "MT_LANE_SECRET",
      "device_code": "WB-01", "site_id": "6f1c...uuid", "lane_id": "lane-1",
      "plate_only_allowed": false,
      "stability": {"division_kg": 20, "on_scale_kg": 500, "k_divisions": 2, "hold_s": 3.0},
      "empty_kg": 200,
      "timeouts": {"barrier_s": 10, "position_wait_s": 120, "weigh_s": 180, "request_s": 5,
                   "code_window_s": 30, "message_hold_s": 5, "gone_hold_s": 1,
                   "retry_min_s": 1, "retry_max_s": 60},
      "bundle_refresh_s": 300, "heartbeat_s": 5,
      "outbox_path": "var/lane-outbox.sqlite",
      "indicator": {"kind": "modbus", "host": "10.0.0.20", "registers": {"address": 40001}},
      "camera": {"kind": "hikvision_receiver", "host": "0.0.0.0", "port": 8081},
      "io": {"kind": "modbus", "module": {"host": "10.0.0.30"},
             "sensors": {"grating_in": 0, "grating_out": 1},
             "entry_barrier": {"open_coil": 0, "close_coil": 1, "opened_input": 4, "closed_input": 5},
             "exit_barrier": {"kind": "isapi", "base_url": "http://10.0.0.41", "username": "admin",
                              "password": "..."}},
      "display": {"kind": "lane", "host": "10.0.0.50"},
      "scanner": {"kind": "tcp", "host": "10.0.0.60", "port": 4001}
    }
"""

from devices.lane.answers import Decision, LinkDown, PlatformError, WeighingAnswer
from devices.lane.config import LaneConfig, Timeouts
from devices.lane.controller import LaneController
from devices.lane.intake import CodeSource, QueueCodes, TcpScanner
from devices.lane.link import PlatformLink
from devices.lane.outbox import Outbox

__all__ = [
    "CodeSource",
    "Decision",
    "LaneConfig",
    "LaneController",
    "LinkDown",
    "Outbox",
    "PlatformError",
    "PlatformLink",
    "QueueCodes",
    "TcpScanner",
    "Timeouts",
    "WeighingAnswer",
]
