"""The platform's answers (docs/lane-protocol.md §1, §2) as typed values, and the errors of the link.

A decision made offline from the bundle is a `Decision` too (`offline=True`), so the lane's cycle
does not care where it came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class LinkDown(Exception):
    """The platform could not be reached or could not answer now (network error, timeout, 5xx,
    408, 429): the lane works offline and retries later."""


class PlatformError(Exception):
    """The platform answered the request itself with an error (4xx): retrying the same request will
    not help. `code` is the platform's stable error code."""

    def __init__(self, status: int, code: str, message_zh: str = "", message_en: str = "") -> None:
        super().__init__(f"{status} {code}: {message_en or message_zh}")
        self.status = status
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en


def _str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


def _require_bool(data: Mapping[str, Any], key: str) -> bool:
    value = data.get(key)
    if not isinstance(value, bool):
        raise PlatformError(200, "answer_malformed", message_en=f"answer has no boolean {key!r}")
    return value


@dataclass(frozen=True, slots=True)
class Decision:
    """May this truck weigh, for which order, and is it its tare or its gross."""

    accepted: bool
    code: str
    message_zh: str
    message_en: str = ""
    open_barrier: bool = False
    order_id: str | None = None
    order_no: str | None = None
    plate: str | None = None
    kind: str | None = None  # "tare" | "gross"
    offline: bool = False

    @classmethod
    def from_json(cls, data: object) -> Decision:
        if not isinstance(data, dict):
            raise PlatformError(200, "answer_malformed", message_en="identify answer is not an object")
        accepted = _require_bool(data, "accepted")
        kind = _str(data, "kind")
        if accepted and (kind not in ("tare", "gross") or _str(data, "orderId") is None):
            raise PlatformError(200, "answer_malformed", message_en="accepted without order or kind")
        return cls(
            accepted=accepted, code=_str(data, "code") or ("ok" if accepted else "refused"),
            message_zh=_str(data, "messageZh") or "", message_en=_str(data, "messageEn") or "",
            open_barrier=data.get("openBarrier") is True, order_id=_str(data, "orderId"),
            order_no=_str(data, "orderNo"), plate=_str(data, "plate"), kind=kind,
        )


@dataclass(frozen=True, slots=True)
class WeighingAnswer:
    weighing_id: str
    accepted: bool
    code: str
    message_zh: str
    message_en: str = ""
    kind: str | None = None
    ticket_no: str | None = None
    net_kg: int | None = None
    open_exit: bool = False
    alerts: tuple[str, ...] = ()
    duplicate: bool = False
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_json(cls, data: object, *, weighing_id: str) -> WeighingAnswer:
        if not isinstance(data, dict):
            raise PlatformError(200, "answer_malformed", message_en="weighing answer is not an object")
        accepted = _require_bool(data, "accepted")
        net = data.get("netKg")
        alerts = data.get("alerts")
        return cls(
            weighing_id=_str(data, "weighingId") or weighing_id, accepted=accepted,
            code=_str(data, "code") or ("ok" if accepted else "refused"),
            message_zh=_str(data, "messageZh") or "", message_en=_str(data, "messageEn") or "",
            kind=_str(data, "kind"), ticket_no=_str(data, "ticketNo"),
            net_kg=net if isinstance(net, int) and not isinstance(net, bool) else None,
            open_exit=data.get("openExit") is True,
            alerts=tuple(a for a in alerts if isinstance(a, str)) if isinstance(alerts, list) else (),
            duplicate=data.get("duplicate") is True, raw=data,
        )
