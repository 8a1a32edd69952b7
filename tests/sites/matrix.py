"""Machinery for access matrices: who (a role) calls what (an endpoint) on whose rows (own or foreign).

A matrix is a plain-text table, one endpoint a row, one role a column, the expected HTTP status in
each cell ("-" where the role has no such row). `build_world` gives every role an organisation of
its own — rows of each kind — beside a foreign mine in the same banner with the same rows; `run`
calls each endpoint against one side and returns the cells that came out differently. Rows are made
through the services (no logins, no password hashes: the matrix builds many worlds); only the role
under test logs in and calls HTTP.

To cover more endpoints (drivers, vehicles, keys), write another table with the same columns and
more `Endpoint`s in your own test module; add ids to `Side` if your paths need more placeholders.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx

from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.sites import equipment
from backend.domain.sites import service as sites
from backend.domain.sites.schemas import DeviceCreate, GateCreate, LaneCreate, SiteCreate
from tests import factories as f
from tests.sites import helpers as h

# Column order of every table. "driver" is a plain signed-in user with no organisation;
# regulator_elsewhere sits in Wuhai (150302), regulator_here in the world's banner (150623).
ROLES = (
    "enterprise_admin", "sales", "dispatcher", "finance", "carrier_admin", "driver",
    "regulator_elsewhere", "regulator_here",
)
_REGULATOR_REGIONS = {"regulator_elsewhere": "150302", "regulator_here": "150623"}


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str  # placeholders: {org} {site} {device} {user} {role}
    body: dict[str, Any] | None = None

    def placeholders(self) -> set[str]:
        return {p for p in ("org", "site", "device", "user", "role") if "{" + p + "}" in self.path}


@dataclass
class Side:
    """One organisation's rows; None where the organisation has no such row."""

    org: uuid.UUID | str | None = None
    site: str | None = None
    device: str | None = None
    user: uuid.UUID | str | None = None  # a person whose role `role` may be revoked
    role: str | None = None

    def url(self, endpoint: Endpoint) -> str | None:
        values = {p: getattr(self, p) for p in endpoint.placeholders()}
        if any(v is None for v in values.values()):
            return None
        return endpoint.path.format(**values)

    def randomised(self) -> Side:
        """The same shape with ids that exist nowhere: missing rows must answer like foreign ones."""
        fresh = str(uuid.uuid4())
        return Side(org=fresh, site=fresh, device=fresh, user=fresh, role=self.role)


@dataclass
class World:
    role: str
    headers: dict[str, str]
    own: Side
    foreign: Side


def parse_table(text: str) -> dict[str, dict[str, int | None]]:
    """Rows "name  200 403 - ..." under a header line of role columns (the header is for the reader)."""
    lines = [line.split() for line in text.strip().splitlines() if line.strip() and not line.lstrip().startswith("#")]
    table: dict[str, dict[str, int | None]] = {}
    for name, *cells in lines[1:]:
        assert len(cells) == len(ROLES), f"row {name!r} has {len(cells)} cells for {len(ROLES)} roles"
        table[name] = {role: None if cell == "-" else int(cell) for role, cell in zip(ROLES, cells, strict=True)}
    return table


async def furnish_mine(ctx: Context, org_id: uuid.UUID, tag: str) -> Side:
    """A mine's rows, made through the services by a backstage admin: a site with a gate, a lane and
    a device, and a dispatcher whose role can be revoked."""
    _, admin = await h.backstage_member(ctx, role="enterprise_admin", org_id=org_id)
    colleague, _ = await h.backstage_member(ctx, role="dispatcher", org_id=org_id)
    async with unit_of_work(ctx) as session:
        site = await sites.create_site(session, actor=admin, org_id=org_id, data=SiteCreate(
            name=f"{tag}煤场", kind="mine_yard", fence=h.SITE_FENCE))
        gate = await equipment.add_gate(session, actor=admin, site_id=site.id, data=GateCreate(name=f"{tag}门", direction="both"))
        await equipment.add_lane(session, actor=admin, site_id=site.id, data=LaneCreate(
            name=f"{tag}道", direction="in", gate_id=gate.id))
        device = await equipment.add_device(session, actor=admin, site_id=site.id, data=DeviceCreate(
            kind="camera", code=f"CAM-{uuid.uuid4().hex[:8]}"))
    return Side(org=org_id, site=str(site.id), device=str(device.id), user=colleague, role="dispatcher")


async def build_world(ctx: Context, client: httpx.AsyncClient, role: str) -> World:
    world = await _build_world(ctx, client, role)
    # Whoever has a second factor re-enters it, so the table shows the access rules behind the
    # step-up guard (role grants, status changes); the others meet the guard itself (403).
    if (await client.get("/api/auth/me", headers=world.headers)).json()["totpEnabled"]:
        await f.step_up(client, world.headers)
    return world


async def _build_world(ctx: Context, client: httpx.AsyncClient, role: str) -> World:
    foreign = await furnish_mine(ctx, await h.new_org(ctx), "他家")
    if role in _REGULATOR_REGIONS:
        org_id, headers = await h.regulator(ctx, client, _REGULATOR_REGIONS[role])
        me = (await client.get("/api/auth/me", headers=headers)).json()["userId"]
        # A regulator organisation has no sites; its one person stands in as the revocable member.
        return World(role, headers, Side(org=org_id, user=me, role="regulator"), foreign)
    if role == "driver":
        _, number = await f.make_user(ctx, name="司机")
        return World(role, await f.login(client, number), Side(), foreign)
    if role == "carrier_admin":
        _, org_id, headers = await h.member(ctx, client, role="carrier_admin", kind="carrier")
        colleague, _ = await h.backstage_member(ctx, role="dispatcher", org_id=org_id)
        return World(role, headers, Side(org=org_id, user=colleague, role="dispatcher"), foreign)
    org_id = await h.new_org(ctx)
    own = await furnish_mine(ctx, org_id, "自家")
    _, _, headers = await h.member(ctx, client, role=role, org_id=org_id)
    return World(role, headers, own, foreign)


async def call(client: httpx.AsyncClient, endpoint: Endpoint, url: str, headers: dict[str, str]) -> httpx.Response:
    return await client.request(endpoint.method, url, json=endpoint.body, headers=headers)


async def run(
    client: httpx.AsyncClient, world: World, endpoints: Iterable[Endpoint], expected: dict[str, dict[str, int | None]],
    *, side: str,
) -> list[str]:
    """Call every endpoint on one side ("own" or "foreign"); return the cells that disagree.

    On the foreign side a 404 (and a guard's 403) must also equal the answer for ids that exist
    nowhere, so that the refusal tells nothing about whether the row exists.
    """
    rows = world.own if side == "own" else world.foreign
    problems: list[str] = []
    for endpoint in endpoints:
        want = expected[endpoint.name][world.role]
        url = rows.url(endpoint)
        if url is None or want is None:
            if (url is None) != (want is None):
                problems.append(f"{endpoint.name}: table says {want}, but the world has{' no' if url is None else ''} such row")
            continue
        response = await call(client, endpoint, url, world.headers)
        if response.status_code != want:
            problems.append(f"{endpoint.name}: {endpoint.method} {url} -> {response.status_code}, want {want}: {response.text[:160]}")
            continue
        # A guard's 403 (role_required) and a 404 must not depend on the row; a 403 "forbidden" on a
        # row the role may legitimately see (a regulator of its region) is allowed to.
        if side == "foreign" and want >= 400 and response.json()["code"] in ("not_found", "role_required"):
            twin = await call(client, endpoint, rows.randomised().url(endpoint) or url, world.headers)
            if (twin.status_code, twin.json()["code"]) != (response.status_code, response.json()["code"]):
                problems.append(f"{endpoint.name}: foreign row answers {response.status_code} {response.json()['code']}, "
                                f"a missing one {twin.status_code} {twin.json()['code']}: existence leaks")
    return problems
