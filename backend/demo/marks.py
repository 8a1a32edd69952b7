"""The demo's sites with their equipment, each made once (backend/db/seed_marks.py): what users have
since renamed, retired or revoked stays so when `meitong run` seeds again at its next start."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import seed_marks
from backend.db.unit import savepoint
from backend.domain.identity.schemas import Principal
from backend.domain.sites import service as sites
from backend.domain.sites.schemas import DeviceCreate, GateCreate, LaneCreate, SiteCreate
from backend.errors import Conflict


async def once(session: AsyncSession, key: str, entity_id: uuid.UUID | None = None) -> bool:
    """True the first time the seed asks for `key` (and marks it made): never again after that."""
    if await seed_marks.marked(session, key=key) is not None:
        return False
    await seed_marks.mark(session, key=key, entity_id=entity_id)
    return True


async def made(session: AsyncSession, key: str, make: Callable[[], Awaitable[uuid.UUID | None]]) -> uuid.UUID | None:
    """The id of what the seed made under `key`, made now (or adopted by `make`) if never before.
    Once marked, the object is its users': whatever they renamed, retired or revoked stays so."""
    found = await seed_marks.marked(session, key=key)
    if found is not None:
        return found.entity_id
    entity_id = await make()
    await seed_marks.mark(session, key=key, entity_id=entity_id)
    return entity_id


async def ensure_site(
    session: AsyncSession, *, actor: Principal, org_id: uuid.UUID, spec: dict[str, Any], created: list[str]
) -> uuid.UUID:
    async def make_site() -> uuid.UUID:
        existing = {s.name: s.id for s in await sites.list_org_sites(session, actor=actor, org_id=org_id)}
        if spec["name"] in existing:  # seeded before the seed kept marks: adopt it
            return existing[spec["name"]]
        out = await sites.create_site(
            session, actor=actor, org_id=org_id,
            data=SiteCreate(name=spec["name"], kind=spec["kind"], fence=spec["fence"],
                            checkin_zone=spec.get("checkin_zone")),
        )
        created.append(f"site {spec['name']}")
        return out.id

    site_id = await made(session, f"site:{spec['name']}", make_site)
    assert site_id is not None
    wanted = [f"{kind}:{spec['name']}:{item['name'] if kind != 'device' else item['code']}"
              for kind in ("gate", "lane", "device") for item in spec.get(f"{kind}s", [])]
    done = await seed_marks.marks(session, prefix=f"gate:{spec['name']}:") | \
        await seed_marks.marks(session, prefix=f"lane:{spec['name']}:") | \
        await seed_marks.marks(session, prefix=f"device:{spec['name']}:")
    if all(key in done for key in wanted):
        return site_id  # the usual start: nothing to read further
    site = await sites.get_site(session, actor=actor, site_id=site_id)
    gates = {g.name: g.id for g in site.gates}
    for gate in spec.get("gates", []):
        async def make_gate(gate: dict[str, Any] = gate) -> uuid.UUID:
            if gate["name"] in gates:
                return gates[gate["name"]]
            return (await sites.add_gate(session, actor=actor, site_id=site.id, data=GateCreate(**gate))).id
        gates[gate["name"]] = await made(session, f"gate:{spec['name']}:{gate['name']}", make_gate)  # type: ignore[assignment]
    lanes = {ln.name: ln.id for ln in site.lanes}
    for lane in spec.get("lanes", []):
        async def make_lane(lane: dict[str, Any] = lane) -> uuid.UUID:
            if lane["name"] in lanes:
                return lanes[lane["name"]]
            data = LaneCreate(name=lane["name"], direction=lane["direction"], gate_id=gates[lane["gate"]],
                              has_weighbridge=lane["has_weighbridge"])
            return (await sites.add_lane(session, actor=actor, site_id=site.id, data=data)).id
        lanes[lane["name"]] = await made(session, f"lane:{spec['name']}:{lane['name']}", make_lane)  # type: ignore[assignment]
    codes = {d.code: d.id for d in site.devices}
    for device in spec.get("devices", []):
        async def make_device(device: dict[str, Any] = device) -> uuid.UUID | None:
            if device["code"] in codes:
                return codes[device["code"]]
            data = DeviceCreate(kind=device["kind"], code=device["code"], name=device["name"],
                                vendor=device["vendor"], lane_id=lanes[device["lane"]])
            try:
                async with savepoint(session):
                    return (await sites.add_device(session, actor=actor, site_id=site.id, data=data)).id
            except Conflict:  # seeded before marks and since retired: its code stays taken, and retired
                return None
        await made(session, f"device:{spec['name']}:{device['code']}", make_device)
    return site_id
