"""Access matrix of the registry endpoints (organisations, sites, equipment, staff, audit).

Read each table as: the role in the column calls the endpoint in the row — on its OWN
organisation's rows, then on a FOREIGN mine's rows in the same banner. On foreign rows every cell is
404, except the regulator routes' guard (403 role_required, decided before any row is read) and
users.add (a role grant: the step-up guard asks for a TOTP code before any row is read; only
administrators and regulators have one, and they step up first, tests/sites/matrix.py) and
regulator_here, who legitimately sees its banner: it reads (200), may change an organisation's
status (200), and is refused every other write with 403. Each foreign 404 is also compared with the
answer for ids that exist nowhere, and the foreign mine's audit trail must not grow by a single
entry beyond the writes the table allows. Machinery: tests/sites/matrix.py.
"""

from __future__ import annotations

import pytest

from backend.db.unit import unit_of_work
from backend.domain.sites import overview
from tests.sites import helpers as h
from tests.sites.matrix import ROLES, Endpoint, build_world, parse_table, run

ENDPOINTS = [
    Endpoint("org.get", "GET", "/api/enterprise/orgs/{org}"),
    Endpoint("org.patch", "PATCH", "/api/enterprise/orgs/{org}", {"address": "矩阵路 1 号"}),
    Endpoint("org.sites", "GET", "/api/enterprise/orgs/{org}/sites"),
    Endpoint("site.create", "POST", "/api/enterprise/orgs/{org}/sites", h.site_body("矩阵新场")),
    Endpoint("site.get", "GET", "/api/enterprise/sites/{site}"),
    Endpoint("site.patch", "PATCH", "/api/enterprise/sites/{site}", {"name": "矩阵改名"}),
    Endpoint("gate.create", "POST", "/api/enterprise/sites/{site}/gates", {"name": "矩阵门", "direction": "in"}),
    Endpoint("lane.create", "POST", "/api/enterprise/sites/{site}/lanes", {"name": "矩阵道", "direction": "in"}),
    Endpoint("device.create", "POST", "/api/enterprise/sites/{site}/devices", {"kind": "led", "code": "LED-MATRIX-1"}),
    Endpoint("device.retire", "DELETE", "/api/enterprise/sites/{site}/devices/{device}"),
    Endpoint("users.list", "GET", "/api/enterprise/orgs/{org}/users"),
    Endpoint("users.add", "POST", "/api/enterprise/orgs/{org}/users",
             {"phone": "13600000001", "role": "dispatcher"}),  # an invitation
    Endpoint("role.revoke", "DELETE", "/api/enterprise/orgs/{org}/users/{user}/roles/{role}"),
    Endpoint("org.audit", "GET", "/api/enterprise/orgs/{org}/audit"),
    Endpoint("org.scans", "GET", "/api/enterprise/orgs/{org}/scans"),
    Endpoint("reg.org.get", "GET", "/api/regulator/orgs/{org}"),
    Endpoint("reg.org.review", "POST", "/api/regulator/orgs/{org}/review", {"decision": "refuse", "reason": "矩阵检查"}),
    # Last: when allowed it suspends the organisation, which ends its staff's powers.
    Endpoint("reg.org.status", "POST", "/api/regulator/orgs/{org}/status", {"status": "suspended", "reason": "矩阵检查"}),
]

# On its own rows. "-": the role's organisation has no such row (carriers and regulators own no
# sites; a plain user has no organisation). A regulator organisation's staff are appointed by the
# platform, and sites cannot be registered for carriers or regulators (422 org_kind_no_sites).
OWN = parse_table("""
                 ent_admin  sales  dispatcher  finance  carrier_admin  driver  reg_elsewhere  reg_here
org.get             200      200      200        200        200          -         200          200
org.patch           200      403      403        403        200          -         403          403
org.sites           200      200      200        200        200          -         200          200
site.create         201      403      403        403        422          -         422          422
site.get            200      200      200        200         -           -          -            -
site.patch          200      403      403        403         -           -          -            -
gate.create         201      403      403        403         -           -          -            -
lane.create         201      403      403        403         -           -          -            -
device.create       201      403      403        403         -           -          -            -
device.retire       204      403      403        403         -           -          -            -
users.list          200      403      403        403        200          -         403          403
users.add           201      403      403        403        201          -         403          403
role.revoke         204      403      403        403        204          -         403          403
org.audit           200      403      403        403        200          -         403          403
org.scans           200      200      200        200        200          -         200          200
reg.org.get         403      403      403        403        403          -         200          200
reg.org.review      403      403      403        403        403          -         403          403
reg.org.status      403      403      403        403        403          -         403          403
""")

# On a foreign mine's rows (in 150623, the banner of regulator_here).
FOREIGN = parse_table("""
                 ent_admin  sales  dispatcher  finance  carrier_admin  driver  reg_elsewhere  reg_here
org.get             404      404      404        404        404         404        404          200
org.patch           404      404      404        404        404         404        404          403
org.sites           404      404      404        404        404         404        404          200
site.create         404      404      404        404        404         404        404          403
site.get            404      404      404        404        404         404        404          200
site.patch          404      404      404        404        404         404        404          403
gate.create         404      404      404        404        404         404        404          403
lane.create         404      404      404        404        404         404        404          403
device.create       404      404      404        404        404         404        404          403
device.retire       404      404      404        404        404         404        404          403
users.list          404      404      404        404        404         404        404          403
users.add           404      403      403        403        404         403        404          403
role.revoke         404      404      404        404        404         404        404          403
org.audit           404      404      404        404        404         404        404          403
org.scans           404      404      404        404        404         404        404          200
reg.org.get         403      403      403        403        403         403        404          200
reg.org.review      403      403      403        403        403         403        404          409
reg.org.status      403      403      403        403        403         403        404          200
""")


def _table_covers_every_endpoint() -> None:
    names = [e.name for e in ENDPOINTS]
    assert list(OWN) == names and list(FOREIGN) == names


_table_covers_every_endpoint()


@pytest.mark.parametrize("role", ROLES)
async def test_own_rows(client, ctx, role):
    world = await build_world(ctx, client, role)
    problems = await run(client, world, ENDPOINTS, OWN, side="own")
    assert problems == [], f"{role} on its own rows:\n" + "\n".join(problems)


@pytest.mark.parametrize("role", ROLES)
async def test_foreign_rows(client, ctx, role):
    world = await build_world(ctx, client, role)
    before = await _trail(ctx, world.foreign.org)
    problems = await run(client, world, ENDPOINTS, FOREIGN, side="foreign")
    assert problems == [], f"{role} on a foreign organisation's rows:\n" + "\n".join(problems)
    # Nothing changed but what the table allows (regulator_here's status change): the trail says so.
    allowed = [e.name for e in ENDPOINTS if e.method != "GET" and (FOREIGN[e.name][role] or 500) < 300]
    after = await _trail(ctx, world.foreign.org)
    assert after[: len(after) - len(before)] == [_ACTION[name] for name in allowed]


_ACTION = {"reg.org.status": "org.status"}


async def _trail(ctx, org_id) -> list[str]:
    async with unit_of_work(ctx) as session:
        return [e.action for e in await overview.org_audit(session, actor=h.PLATFORM, org_id=org_id, limit=500)]


LISTS = [
    # (path, key of the foreign id it must never contain)
    ("/api/enterprise/orgs", "org"),
    ("/api/mine/sites", "site"),
    ("/api/regulator/orgs", "org"),
    ("/api/regulator/sites", "site"),
]


@pytest.mark.parametrize("role", [r for r in ROLES if r != "regulator_here"])
async def test_lists_never_show_foreign_rows(client, ctx, role):
    world = await build_world(ctx, client, role)
    for path, key in LISTS:
        response = await client.get(path, headers=world.headers)
        assert response.status_code in (200, 403), (path, response.status_code)
        if response.status_code == 200:
            body = response.json()
            items = body["items"] if isinstance(body, dict) else body
            assert str(getattr(world.foreign, key)) not in {str(i["id"]) for i in items}, (role, path)
