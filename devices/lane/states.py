"""The lane's states, what it tells the driver, and the status it reports (`snapshot`).

The display's colour stands in for the lane's traffic light (no light interface exists apart from
the screen): red ("error") means stop and wait, green ("ok") means drive on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Literal

State = Literal[
    "starting",
    "idle",  # red, both barriers closed, waiting for a plate
    "identifying",  # a plate is seen; waiting for the pass code from the scanner
    "deciding",  # asking the platform (or the offline bundle) whether this truck may weigh
    "refused",  # a refusal is on the screen; the barrier never opened
    "entering",  # entry barrier open, waiting for the truck on the scale
    "positioning",  # on the scale with a grating blocked: "车辆位置错误"
    "weighing",  # both gratings clear, waiting for a stable weight
    "submitting",  # the weighing is in the outbox and on its way to the platform
    "exiting",  # exit barrier open, waiting for the scale to be empty
    "returning",  # refused on the scale: entry barrier open, the truck backs off
    "holding",  # overweight: both barriers stay closed until the scale is empty (staff handle it)
    "fault",  # a device failed mid-cycle
    "stopped",
]

RED = "error"
GREEN = "ok"

# code -> (zh, en): what the lane itself says (the platform's answers bring their own messages).
MESSAGES: dict[str, tuple[str, str]] = {
    "idle": ("请停车，扫码过磅", "Stop, scan your pass to weigh"),
    "scan_code": ("请出示提煤单通行码", "Show the pickup order's pass code"),
    "code_timeout": ("未扫到通行码，请重新排队过磅", "No pass code scanned; queue again to weigh"),
    "plate_missing": ("未识别到车牌，请重新进入识别区", "No plate read; drive up to the camera again"),
    "drive_on": ("请上磅", "Drive onto the scale"),
    "position_error": ("车辆位置错误，请正确停车", "Vehicle position wrong: stop fully on the scale"),
    "weighing": ("正在称重，请稍候", "Weighing, please wait"),
    "not_on_scale": ("未检测到车辆上磅，请重新排队", "No truck came onto the scale; queue again"),
    "weigh_timeout": ("称重超时，请倒车下磅", "No stable weight; back off the scale"),
    "back_off": ("请倒车下磅", "Back off the scale"),
    "barrier_fault": ("道闸故障，请联系现场人员", "Barrier fault: call the site staff"),
    "device_fault": ("设备故障，请联系现场人员", "Device fault: call the site staff"),
    "offline_weighed": ("离线称重完成，数据将在联网后上传", "Weighed offline; uploaded when the link returns"),
    "offline_no_bundle": ("网络中断且无离线数据，无法验证，请联系现场人员",
                          "Offline with no pass bundle: cannot verify, call the site staff"),
    "offline_ok": ("离线验证通过，请上磅", "Verified offline: drive onto the scale"),
    "code_required": ("本场站须扫码过磅，请出示通行码", "This site needs the pass code: show it"),
    "plate_unknown": ("本场站没有该车的提煤单", "No open pickup order for this plate here"),
    "weighing_done": ("该提煤单已完成两次称重", "This order has been weighed twice already"),
    "platform_error": ("平台拒绝了请求，请联系现场人员", "The platform refused the request: call the site staff"),
    "holding": ("禁止出场，请联系现场人员", "Exit refused: call the site staff"),
}

KIND_ZH = {"tare": "皮重", "gross": "毛重"}


def message(code: str) -> tuple[str, str]:
    return MESSAGES.get(code, (code, code))


class LaneStatus:
    """What the lane is doing now, for its heartbeat and any observer. `changed` is set at every
    state change (the heartbeat task waits on it); the live weight, read when asked, does not set it."""

    def __init__(self, *, online: Callable[[], bool | None], outbox: Callable[[], int],
                 weight_kg: Callable[[], int | None]) -> None:
        self._online = online
        self._outbox = outbox
        self._weight_kg = weight_kg
        self.state: State = "starting"
        self.plate: str | None = None
        self.order_no: str | None = None
        self.message = ""
        self.changed = asyncio.Event()

    def enter(self, state: State, *, message_zh: str | None = None) -> None:
        self.state = state
        if message_zh is not None:
            self.message = message_zh
        self.changed.set()

    def truck(self, *, plate: str | None, order_no: str | None = None) -> None:
        self.plate, self.order_no = plate, order_no
        self.changed.set()

    def snapshot(self) -> dict[str, object]:
        return {
            "state": self.state,
            "plate": self.plate,
            "weightKg": self._weight_kg(),
            "orderNo": self.order_no,
            "message": self.message,
            "online": bool(self._online()),
            "outbox": self._outbox(),
        }
