"""What machines report through /open/v1 (device heartbeats), on behalf of a verified key."""

from __future__ import annotations

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.machines import errors
from backend.domain.machines.schemas import Heartbeat, HeartbeatOut, MachineCaller, PingOut
from backend.domain.organisations import service as organisations
from backend.domain.sites import service as sites
from backend.errors import Invalid

# A device reports its state, not its logs: a few kB is plenty, and the row is read often.
MAX_STATUS_BYTES = 8192


async def ping(session: AsyncSession, *, machine: MachineCaller) -> PingOut:
    names = await organisations.org_names(session, org_ids={machine.org_id})
    return PingOut(key_id=machine.key_id, org_id=machine.org_id, org_name=names.get(machine.org_id),
                   device_id=machine.device_id, server_time=utcnow())


async def heartbeat(session: AsyncSession, *, machine: MachineCaller, data: Heartbeat) -> HeartbeatOut:
    """Touch the device; another organisation's device, or (for a key bound to one device) any
    other device, answers 404 like an unknown code."""
    code = data.device_code.strip()
    status = data.status
    if status is not None and len(msgspec.json.encode(status)) > MAX_STATUS_BYTES:
        raise Invalid("status_too_large", f"状态对象不能超过 {MAX_STATUS_BYTES} 字节",
                      f"The status object must stay under {MAX_STATUS_BYTES} bytes", field="status")
    if machine.device_id is not None and await sites.device_id_by_code(session, code=code) != machine.device_id:
        raise errors.device_not_found("deviceCode")
    if not await sites.touch_device(session, device_code=code, org_id=machine.org_id, status=status):
        raise errors.device_not_found("deviceCode")
    return HeartbeatOut(device_code=code, last_seen_at=utcnow())
