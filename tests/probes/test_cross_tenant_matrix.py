"""The cross-tenant matrix, generated from the app's route table (issue 12 §11).

Two complete tenants are built (tests/probes/world.py). Every route with a path id is called by every
person of tenant A (driver, carrier admin and dispatcher, mine admin, sales and dispatcher, the
buyer's admin and dispatcher, a regulator of another region) and, for the signed machine interface,
by tenant A's key, with tenant B's ids of the right kind. No answer may be 2xx: 404 (or 403 where a
role guard refuses before any row is read), writes included (each gets a plausible body, BODIES, so
that its refusal is about the id). Afterwards not a row of the database has changed: no write went through, and no read
of B's people was even recorded.

A route whose path id has no foreign-id mapping (PARAM_KINDS) fails the test, so a new route cannot
escape the matrix; the few routes that are public by design are listed in PUBLIC with the reason.
The platform admin is left out: he sees every tenant by design, so no id is foreign to him.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from typing import Any

import httpx
import msgspec
from litestar import Litestar
from sqlalchemy import select

from backend.context import Context
from backend.db.base import Base
from backend.db.unit import unit_of_work
from backend.domain.alerts.service import ROUTING_DEFAULTS
from tests import factories as f
from tests.assays import helpers as ah
from tests.orders import pass_helpers as ph
from tests.pricing.worked import WORKED_BODY
from tests.probes.world import Tenant, settlement_body, tenant
from tests.sites import helpers as sh

# Path parameter → the kinds of tenant B's ids it takes (every one is tried), or one literal value.
PARAM_KINDS: dict[str, list[str]] = {
    "site_id": ["site"], "order_id": ["order"], "ticket_no": ["ticket"], "waybill_no": ["waybill"],
    "contract_id": ["contract"], "device_id": ["device"], "key_id": ["key"], "driver_id": ["driver"],
    "vehicle_id": ["vehicle"], "zone_id": ["zone"], "notice_id": ["notice"], "user_id": ["mine_user"],
    "org_id": ["mine_org", "buyer_org", "carrier_org"], "invitation_id": ["invitation"], "session_id": ["session"],
    "scan_id": ["scan"], "alert_id": ["alert"], "file_id": ["alert_file"], "appeal_id": ["appeal"],
    "region_code": ["region"], "assay_id": ["assay"], "report_no": ["report"], "settlement_id": ["settlement"],
    "settlement_no": ["settlement_no"], "invoice_id": ["invoice"], "payment_id": ["payment"], "invoice_no": ["invoice_no"],
    "flow_no": ["flow_no"],
}
LITERALS: dict[str, str] = {"role": "dispatcher", "sha256": "0" * 64}

# Public by design: anyone holding a ticket's number may verify it (the printed QR); files and the schema.
PUBLIC = {
    "/api/public/tickets/{ticket_no}/verify": "public ticket verification (printed QR), by design",
    "/verify/{ticket_no}": "public ticket verification page, by design",
    "/static/{file_path}": "static files", "/static/vendor/htmx/{file_path}": "static files",
    "/static/vendor/swagger/{file_path}": "static files", "/static/vendor/qrcode/{file_path}": "static files",
    "/static/vendor/chartjs/{file_path}": "static files",
    "/schema/{path}": "the OpenAPI document",
}
# Answer every id with the same redirect, whatever it names (the target page is probed itself).
REDIRECTS = {"/driver/queue/{order_id}": "the address queue notices carry: redirects to /driver/orders/{order_id}"}
PEOPLE = ("driver", "carrier_admin", "carrier_dispatcher", "mine_admin", "mine_sales", "mine_dispatcher",
          "buyer_admin", "buyer_dispatcher", "regulator_elsewhere")
# A write too must be refused for its id: a body refusal (400/422) would prove nothing about access,
# so a new write route needs a plausible body in BODIES.
READ_OK = WRITE_OK = {403, 404}
# Rows that change by themselves while the matrix runs (log-ins' sessions, job bookkeeping).
VOLATILE = {"sessions", "refresh_tokens", "job_runs", "login_attempts", "regions"}
# Columns that move with the clock alone: a key's last use is written at most once a minute, so a
# matrix run longer than that (PostgreSQL beside another test) touches tenant A's own key.
VOLATILE_COLUMNS = {"machine_keys": {"last_used_at", "updated_at"}}

# A plausible body per write, so the refusal is about the id and not a malformed body; {} otherwise.
BODIES: dict[str, Any] = {
    "POST /api/mine/orders/{order_id}/dispatch": {"plate": "蒙K12345", "driverPhone": "13900000001"},
    "POST /api/enterprise/orders/{order_id}/dispatch": {"plate": "蒙K12345", "driverPhone": "13900000001"},
    "POST /api/mine/orders/{order_id}/cancel": {"reason": "矩阵"},
    "POST /api/mine/sites/{site_id}/queue/call": {"line": "mixed_coal", "count": 1},
    "PUT /api/mine/sites/{site_id}/queue-settings": {"nevFirst": True, "callDeadlineS": 1200,
                                                    "appointmentsRequired": False, "hourlyQuota": None},
    "PATCH /api/enterprise/orgs/{org_id}": {"address": "矩阵路 1 号"},
    "POST /api/enterprise/orgs/{org_id}/sites": sh.site_body("矩阵新场"),
    "PATCH /api/enterprise/sites/{site_id}": {"name": "矩阵改名"},
    "POST /api/enterprise/sites/{site_id}/gates": {"name": "矩阵门", "direction": "in"},
    "POST /api/enterprise/sites/{site_id}/lanes": {"name": "矩阵道", "direction": "in"},
    "POST /api/enterprise/sites/{site_id}/devices": {"kind": "led", "code": "LED-MATRIX-X"},
    "POST /api/enterprise/orgs/{org_id}/users": {"phone": "13600000001", "role": "dispatcher"},
    "POST /api/enterprise/orgs/{org_id}/fleet/drivers": {"phone": "13600000002"},
    "POST /api/enterprise/orgs/{org_id}/fleet/vehicles": {"plate": "蒙K99999", "plateColour": "yellow",
                                                          "body": "tractor_semitrailer", "axleCount": 6,
                                                          "energyType": "diesel", "ratedLoadKg": 32000},
    "POST /api/enterprise/orgs/{org_id}/keys": {"name": "矩阵"},
    "PATCH /api/enterprise/contracts/{contract_id}": {"priceFenPerT": 1},
    "POST /api/enterprise/contracts/{contract_id}/terminate": {"reason": "矩阵"},
    "POST /api/regulator/orgs/{org_id}/review": {"decision": "approve"},
    "POST /api/regulator/orgs/{org_id}/status": {"status": "suspended", "reason": "矩阵检查"},
    "POST /api/regulator/drivers/{driver_id}/status": {"status": "blacklisted", "reason": "矩阵检查"},
    "POST /api/driver/orders/{order_id}/check-in": {"lon": 107.5, "lat": 38.2, "accuracyM": 10},
    "POST /api/driver/orders/{order_id}/appointment": {"hourStart": "2030-01-01T02:00:00Z"},
    "POST /open/v1/orders/{order_id}/cancel": {"reason": "矩阵"},
    "POST /open/v1/waybills/{waybill_no}/receipt": {"netKg": 1000, "weighedAt": "2026-01-01T00:00:00+00:00"},
    "POST /open/v1/alerts/{alert_id}/dispose": {"cause": "矩阵检查", "measures": "矩阵检查"},
    "POST /api/alerts/{alert_id}/acknowledge": {},
    "POST /api/alerts/{alert_id}/dispose": {"cause": "矩阵原因", "measures": "矩阵措施"},
    "POST /api/alerts/{alert_id}/review": {"accept": False, "reason": "矩阵退回"},
    "POST /api/alerts/{alert_id}/appeals": {"note": "矩阵申诉"},
    "POST /api/alerts/{alert_id}/appeals/{appeal_id}/decision": {"uphold": True, "reason": "矩阵裁决"},
    "PUT /api/regulator/alert-routing/{region_code}": msgspec.to_builtins(ROUTING_DEFAULTS),
    "POST /api/enterprise/contracts/{contract_id}/price-terms": WORKED_BODY,
    "POST /api/enterprise/contracts/{contract_id}/price-terms/quote": {"qnetArKcalPerKg": 4260, "mtPct": 14},
    "POST /api/enterprise/contracts/{contract_id}/assays": ah.load_body("PD-MATRIX", reportNo="HY-MATRIX"),
    # A report number is each uploader's own: a key names a contract of its own or gets 404 (contractNo).
    "PUT /open/v1/assays/{report_no}": {**{k: v for k, v in ah.load_body("PD-MATRIX").items() if k != "reportNo"},
                                        "contractNo": "HT-MATRIX-NONE"},
    "POST /api/enterprise/settlements/{settlement_id}/versions": settlement_body(
        {"id": "00000000-0000-4000-8000-000000000000", "contractNo": "HT-MATRIX", "priceFenPerT": 68_000}, None,
        30_000, "JS-MATRIX"),
    "PUT /open/v1/settlements/{settlement_no}": settlement_body(
        {"id": "00000000-0000-4000-8000-000000000000", "contractNo": "HT-MATRIX", "priceFenPerT": 68_000}, None,
        30_000, "JS-MATRIX"),
    "PUT /open/v1/transport-invoices/{invoice_no}": {
        "issueDate": "2026-01-02", "kind": "82", "sellerName": "矩阵承运", "sellerCreditCode": "91150000MA0N00001X",
        "buyerName": "矩阵付款", "buyerCreditCode": "91150000MA0N000021", "amountFen": 100, "taxRateBp": 900, "taxFen": 9,
        "totalFen": 109, "lines": [{"lineNo": 1, "origin": "矩阵", "destination": "矩阵", "mode": 2, "plate": "蒙K12345",
                                    "goods": "煤炭", "quantityKg": 1000, "amountFen": 100, "serviceDate": "2026-01-01"}]},
    "PUT /open/v1/payments/{flow_no}": {
        "payerName": "矩阵付款", "payerCreditCode": "91150000MA0N000021", "payeeName": "矩阵承运",
        "payeeCreditCode": "91150000MA0N00001X", "payeeAccount": "6222020200112233445", "bankCode": "102100099996",
        "amountFen": 109, "paidAt": "2026-01-02T00:00:00+00:00", "means": "32", "invoiceNo": "26152000000000000001"},
}


def template(path: str) -> str:
    """/a/{b:uuid} → /a/{b}"""
    return re.sub(r"\{(\w+):[^}]+\}", r"{\1}", path)


def calls_of(app: Litestar, b: Tenant, a: Tenant) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(method, template, url) for every route with a path id, and the routes no mapping covers.

    Every id from tenant B; and where a route takes several ids, also the first from tenant A (the
    caller's own parent: its site, its organisation, its ticket) with the rest from B — a child must
    be looked up under its parent, not merely exist."""
    calls: list[tuple[str, str, str]] = []
    unmapped: list[str] = []
    for route in app.routes:
        path = template(route.path)
        params = re.findall(r"\{(\w+)\}", path)
        if not params or path in PUBLIC:
            continue
        for method in sorted(set(getattr(route, "methods", ())) - {"OPTIONS", "HEAD"}):
            choices: list[list[str]] = []
            for name in params:
                if name in LITERALS:
                    choices.append([LITERALS[name]])
                elif name in PARAM_KINDS:
                    choices.append([v for kind in PARAM_KINDS[name] for v in b.ids.get(kind, [])])
                else:
                    unmapped.append(f"{method} {path} ({name})")
                    choices.append([])
            combos = list(itertools.product(*choices))
            if len(params) > 1 and params[0] in PARAM_KINDS:
                own = [v for kind in PARAM_KINDS[params[0]] for v in a.ids.get(kind, [])]
                combos += list(itertools.product(own, *choices[1:]))
            for values in combos:
                url = path
                for name, value in zip(params, values, strict=True):
                    url = url.replace("{" + name + "}", value)
                calls.append((method, path, url))
    return calls, unmapped


async def _dump(ctx: Context) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    async with unit_of_work(ctx) as session:
        for table in Base.metadata.sorted_tables:
            if table.name not in VOLATILE:
                skip = VOLATILE_COLUMNS.get(table.name, set())
                rows = (await session.execute(select(*[c for c in table.columns if c.name not in skip]))).all()
                out[table.name] = sorted(repr(tuple(r)) for r in rows)
    return out


async def _call(client: httpx.AsyncClient | Any, method: str, url: str, body: Any,
                headers: dict[str, str] | None) -> httpx.Response:
    if headers is None:  # the signed machine client
        coro = client.request(method, url, json=body if method not in ("GET", "DELETE") else None)
    else:
        coro = client.request(method, url, json=body if method not in ("GET", "DELETE") else None, headers=headers)
    # A stream (SSE) answered for a foreign id would never end: that is a leak too.
    return await asyncio.wait_for(coro, timeout=15)


async def test_no_route_answers_a_foreign_id_with_data(ctx: Context, client: httpx.AsyncClient, app: Litestar) -> None:
    a = await tenant(ctx, client, app)
    b = await tenant(ctx, client, app)
    _, a.people["regulator_elsewhere"] = await sh.regulator(ctx, client, "150303")  # Wuhai: neither tenant
    # Administrators and regulators confirm with their code first, so the routes that ask for it again
    # (role grants, key issuance, suspensions) are probed for the id and not stopped at the step-up.
    for who in ("mine_admin", "buyer_admin", "carrier_admin", "regulator_elsewhere"):
        await f.step_up(client, a.people[who])
    calls, unmapped = calls_of(app, b, a)
    assert not unmapped, "routes with a path id the matrix cannot fill (add them to PARAM_KINDS):\n" + "\n".join(unmapped)
    assert a.erp is not None
    machine = ph.machine(app, a.erp)

    before = await _dump(ctx)
    leaks: list[str] = []
    routes: set[str] = set()
    count = 0
    for method, path, url in calls:
        routes.add(f"{method} {path}")
        body = BODIES.get(f"{method} {path}", {})
        callers: list[tuple[str, dict[str, str] | None]] = (
            [("machine", None)] if path.startswith("/open/v1/") else [(p, a.people[p]) for p in PEOPLE])
        for who, headers in callers:
            try:
                r = await _call(machine if headers is None else client, method, url, body, headers)
            except TimeoutError:
                leaks.append(f"{who:20} {method} {url}: a stream was opened")
                continue
            count += 1
            allowed = READ_OK if method == "GET" else WRITE_OK
            if path in REDIRECTS and r.status_code == 302 and r.headers["location"] == url.replace("/queue/", "/orders/"):
                continue
            if r.status_code not in allowed:
                leaks.append(f"{who:20} {method} {url}: {r.status_code} {r.text[:160]}")
    after = await _dump(ctx)
    changed = [name for name in before if before[name] != after[name]]
    print(f"\ncross-tenant matrix: {len(routes)} routes with a path id, {count} calls, {len(PEOPLE)} roles + a machine key,"
          f" {len(PUBLIC)} public routes exempt; leaks: {len(leaks)}; tables changed: {changed}")
    assert not leaks, "\n".join(leaks)
    assert not changed, [(n, sorted(set(before[n]) ^ set(after[n]))[:4]) for n in changed]
