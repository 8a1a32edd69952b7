from __future__ import annotations

from backend.errors import Conflict, NotFound


def key_not_found() -> NotFound:
    return NotFound("密钥", "key")


def org_not_found() -> NotFound:
    return NotFound("机构", "organisation")


def device_not_found(field: str = "deviceId") -> NotFound:
    return NotFound("设备", "device", field=field)


def key_revoked() -> Conflict:
    return Conflict("key_revoked", "密钥已吊销，不能轮换", "The key is revoked and cannot be rotated")
