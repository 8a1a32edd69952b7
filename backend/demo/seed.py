"""The demo region: Ordos and Wuhai, with one of each kind of organisation and a login per role.

Idempotent: each object is looked up by its natural key (credit code, phone, site name) before it
is created, so a second `make run` changes nothing. Everything goes through the services, so the
demo data passes the same checks as real data.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import pyotp
from sqlalchemy.ext.asyncio import AsyncSession

from backend.checks.credit_code import make_credit_code
from backend.checks.idcard import make_id_card
from backend.context import Context, build_context
from backend.db import seed_marks
from backend.db.unit import unit_of_work
from backend.demo import alerts as demo_alerts
from backend.demo import invoices as demo_invoices
from backend.demo import onboarding
from backend.demo import quality as demo_quality
from backend.demo import reconcile as demo_reconcile
from backend.demo import road as demo_road
from backend.demo import settlements as demo_settlements
from backend.demo.chain import DEMO_CONTRACT_NO, principal, seed_chain
from backend.demo.marks import ensure_site, made, once
from backend.demo.road import ZoneKind
from backend.domain.drivers import service as drivers
from backend.domain.drivers.schemas import DriverRegister
from backend.domain.identity import service as identity
from backend.domain.identity.schemas import MembershipInfo, Principal, Role
from backend.domain.organisations import service as organisations
from backend.domain.organisations.schemas import OrgCreate
from backend.domain.regions import service as regions
from backend.domain.tracking import service as tracking
from backend.domain.tracking.schemas import ZoneCreate
from backend.domain.vehicles import service as vehicles
from backend.domain.vehicles.schemas import VehicleCreate
from backend.settings import Settings
from backend.sms import ConsoleSmsSender

DEMO_PASSWORD = "Meitong2026"
# Administrators and regulators must use TOTP; the demo accounts come enrolled with these published
# secrets (base32), so a newcomer can add them to any authenticator app or run `meitong totp <phone>`.
DEMO_TOTP = {
    "13800000000": "MEITONGDEMOPLATFORMADMIN",
    "13800000001": "MEITONGDEMOMINEADMINWANG",
    "13800000004": "MEITONGDEMOCARRIERADMINL",
    "13800000006": "MEITONGDEMOCITYREGULATOR",
    "13800000007": "MEITONGDEMOOTOGFRONTBANNER",
    "13800000008": "MEITONGDEMOWASHERADMINSU",
    "13800000009": "MEITONGDEMOPOWERPLANTADM",
}

ORGS: list[dict[str, Any]] = [
    {"key": "platform", "name": "煤通平台运营中心", "kind": "platform", "region": "150600", "serial": "MA0MT0001"},
    {"key": "city_reg", "name": "鄂尔多斯市能源局", "kind": "regulator", "region": "150600", "serial": "110000001"},
    {"key": "otog_reg", "name": "鄂托克前旗能源局", "kind": "regulator", "region": "150623", "serial": "110000002"},
    {"key": "mine", "name": "鄂托克前旗示范煤矿有限公司", "kind": "mine", "region": "150623", "serial": "MA0MT0010"},
    {"key": "carrier", "name": "鄂尔多斯示范运输有限公司", "kind": "carrier", "region": "150623", "serial": "MA0MT0020"},
    {"key": "plant", "name": "准格尔示范电厂", "kind": "consumer_power", "region": "150622", "serial": "MA0MT0030"},
    {"key": "washer", "name": "乌海示范洗煤有限公司", "kind": "washing_plant", "region": "150303", "serial": "MA0MT0040"},
]

USERS: list[dict[str, Any]] = [
    {"phone": "13800000000", "name": "平台管理员", "org": "platform", "role": None, "admin": True},
    {"phone": "13800000001", "name": "王矿长", "org": "mine", "role": Role.ENTERPRISE_ADMIN},
    {"phone": "13800000002", "name": "李销售", "org": "mine", "role": Role.SALES},
    {"phone": "13800000003", "name": "赵调度", "org": "mine", "role": Role.DISPATCHER},
    {"phone": "13800000004", "name": "刘车队", "org": "carrier", "role": Role.CARRIER_ADMIN},
    {"phone": "13800000006", "name": "陈监管(市)", "org": "city_reg", "role": Role.REGULATOR},
    {"phone": "13800000007", "name": "周监管(旗)", "org": "otog_reg", "role": Role.REGULATOR},
    {"phone": "13800000008", "name": "孙财务", "org": "washer", "role": Role.ENTERPRISE_ADMIN},
    {"phone": "13800000009", "name": "吴采购", "org": "plant", "role": Role.ENTERPRISE_ADMIN},
]


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"seeded {len(self.created)} new objects" + (": " + ", ".join(self.created) if self.created else "")

    def banner(self, *, base_url: str) -> str:
        lines = [
            "",
            "=" * 72,
            "  煤通 meitong — demo region seeded " + ("(nothing new)" if not self.created else f"({len(self.created)} new)"),
            "=" * 72,
            f"  Landing page     {base_url}/",
            f"  Driver app       {base_url}/driver/",
            f"  Mine app         {base_url}/mine/",
            f"  Enterprise app   {base_url}/enterprise/",
            f"  Regulator app    {base_url}/regulator/",
            f"  API docs         {base_url}/schema/      health {base_url}/healthz  {base_url}/readyz",
            "",
            f"  Demo logins (password {DEMO_PASSWORD}):",
        ]
        for user in USERS:
            role = user["role"] or Role.PLATFORM_ADMIN
            lines.append(f"    {user['phone']}  {user['name']:<10} {role}")
        lines.append(f"    {DEMO_DRIVER_PHONE}  {DEMO_DRIVER['name']:<10} driver (truck {DEMO_PLATE}); has a fleet invitation")
        lines.append(f"    {onboarding.APPLICANT['phone']}  {onboarding.APPLICANT['name']:<10} admin of "
                     f"{onboarding.PENDING_ORG['name']} (pending: review it at {base_url}/regulator/reviews)")
        lines.append("  Administrators and regulators log in with a TOTP code too (a second factor), and enter it")
        lines.append("  again to suspend, blacklist, issue machine keys or grant roles. Demo secrets (add one to any")
        lines.append("  authenticator app), or print the current code with `meitong totp <phone>`:")
        for phone, secret in DEMO_TOTP.items():
            lines.append(f"    {phone}  {secret:<28} code now: {pyotp.TOTP(secret).now()}")
        lines.append("  SMS codes are printed on this console ([sms → phone] ...).")
        lines.append(f"  Demo chain: contract {DEMO_CONTRACT_NO} (mine → power plant, active) with today's pickup")
        lines.append(f"  orders; one is dispatched to {DEMO_PLATE}. 张师傅 checks in from inside the site's check-in")
        lines.append("  zone (around 107.506 E, 38.200 N; a desktop browser can emulate that position in DevTools),")
        lines.append("  李销售/赵调度 call him on the queue board (/mine/queue) and let him in at /mine/gate (验码).")
        lines.append(f"  Simulated weighbridge lane 1号进场磅道: {SIM_DRIVER['name']}'s truck {SIM_DRIVER['plate']} is weighed")
        lines.append(f"  empty, loads, is weighed loaded and gets an e-weigh ticket, again and again: {base_url}/mine/weighbridge")
        plates = "/".join(t["plate"] for t in DEMO_FLEET)
        lines.append(f"  Demo trucks {plates} (JT/T 808 terminals) take those loads first and drive them out")
        lines.append("  through 北门 to 准格尔示范电厂 (~370 km at 65 km/h) and back; each leaving opens an e-waybill")
        lines.append("  (电子运单). Watch them on the live map and their waybills' tracks and events:")
        lines.append(f"    {base_url}/mine/tracking   {base_url}/mine/waybills   (李销售 13800000002)")
        lines.append(f"    {base_url}/regulator/tracking   {base_url}/regulator/waybills   (陈监管(市) 13800000006)")
        lines.append("  On the road: a checkpoint (10 km), a coverage hole (36–50 km: the trucks go silent and")
        lines.append("  re-upload — no signal_gap), a service area (100 km, a 20-minute rest).")
        lines.append("  Alerts (告警) in every handling state, a driver's appeal and a camera the watchdog found silent:")
        lines.append(f"    {base_url}/mine/alerts   (赵调度 13800000003: acknowledge, dispose with a photo)")
        lines.append(f"    {base_url}/regulator/alerts   {base_url}/regulator/alerts/figures   (周监管(旗) 13800000007)")
        lines.append(f"    {base_url}/driver/alerts   (张师傅, the appeal on 蒙K66888)")
        lines.append("=" * 72)
        return "\n".join(lines)


DEMO_DRIVER = {"name": "张师傅", "id_prefix": "15062319800315051", "licence": "150623198003150512",
               "cert": "NM1506230001", "phone": "13800000005", "plate": "蒙K66888", "terminal": "013800000005"}
# The simulated lane's truck (make run): its own driver, so the demo order of 张师傅 stays for a newcomer.
SIM_DRIVER = {"name": "王师傅", "id_prefix": "15062319790621081", "licence": "150623197906210812",
              "cert": "NM1506230002", "phone": "13800000010", "plate": "蒙K55177", "terminal": "013800000010"}
# make run's demo trucks on the road (backend/demo/fleet.py): drivers of the carrier's fleet, each with a
# JT/T 808 terminal (the header phone its simulated terminal registers with).
DEMO_FLEET: list[dict[str, str]] = [
    {"name": name, "id_prefix": prefix, "licence": make_id_card(prefix), "cert": f"NM15062300{i + 11}",
     "phone": f"138000000{i + 11}", "plate": f"蒙K7000{i + 1}", "terminal": f"01390000000{i + 1}"}
    for i, (name, prefix) in enumerate((("马师傅", "15062319850412031"), ("高师傅", "15062319821108052"),
                                        ("郭师傅", "15062319880720073")))
]
DEMO_DRIVER_PHONE = DEMO_DRIVER["phone"]
DEMO_PLATE = DEMO_DRIVER["plate"]
DEMO_NEV_PLATE = "蒙K68866D"
# The carrier's trucks whose closed waybills the demo's clean freight invoice bills (backend/demo/invoices.py).
DEMO_PLATES = frozenset({DEMO_PLATE, SIM_DRIVER["plate"], *(d["plate"] for d in DEMO_FLEET)})


def _credit_code(org: dict[str, Any]) -> str:
    # 9 = registered with market regulation, 1 = company; 1 + 1 for government bodies.
    prefix = "11" if org["kind"] == "regulator" else "91"
    return make_credit_code(f"{prefix}{org['region']}{org['serial']}")


def _system_actor(user_id: uuid.UUID) -> Principal:
    return Principal(
        user_id=user_id, session_id=None, name="seed", phone="13800000000", is_platform_admin=True,
        driver_id=None, memberships=(), totp_enabled=False, client="seed",
    )


async def _ensure_user(session: AsyncSession, report: SeedReport, user: dict[str, Any]) -> uuid.UUID:
    user_id = await identity.user_id_by_phone(session, phone=user["phone"])
    if user_id is None:
        user_id = await identity.create_user(
            session, phone=user["phone"], name=user["name"], password=DEMO_PASSWORD,
            is_platform_admin=bool(user.get("admin")),
        )
        report.created.append(f"user {user['phone']}")
    return user_id


async def seed_with(ctx: Context) -> SeedReport:
    report = SeedReport()
    async with unit_of_work(ctx) as session:
        added = await regions.seed(session)
        if added:
            report.created.append(f"{added} regions")
        await session.commit()
        admin_id = await _ensure_user(session, report, USERS[0])
        await session.commit()
        actor = _system_actor(admin_id)
        org_ids: dict[str, uuid.UUID] = {}
        for org in ORGS:
            code = _credit_code(org)
            org_id = await organisations.id_by_credit_code(session, credit_code=code)
            if org_id is None:
                out = await organisations.create_org(
                    session, actor=actor,
                    data=OrgCreate(name=org["name"], kind=org["kind"], credit_code=code, region_code=org["region"],
                                   contact_name="演示联系人", contact_phone="13800000099"),
                )
                org_id = out.id
                report.created.append(f"org {org['name']}")
            org_ids[org["key"]] = org_id
        for user in USERS:
            user_id = await _ensure_user(session, report, user)
            # Once only: a role an administrator revoked stays revoked, a second factor the user
            # re-enrolled keeps his own secret.
            if await once(session, f"membership:{user['phone']}"):
                await identity.add_membership(session, user_id=user_id, org_id=org_ids[user["org"]],
                                              role=user["role"] or Role.ENTERPRISE_ADMIN)
            if user["phone"] in DEMO_TOTP and await once(session, f"totp:{user['phone']}"):
                await identity.enrol_totp_with_secret(session, ctx=ctx, user_id=user_id, secret=DEMO_TOTP[user["phone"]])
        await session.commit()
        await seed_registry(session, ctx=ctx, actor=actor, org_ids=org_ids, report=report)
    return report


def _rect(lon: float, lat: float, *, half_w_deg: float, half_h_deg: float) -> dict[str, Any]:
    ring = [
        [lon - half_w_deg, lat - half_h_deg], [lon + half_w_deg, lat - half_h_deg],
        [lon + half_w_deg, lat + half_h_deg], [lon - half_w_deg, lat + half_h_deg],
        [lon - half_w_deg, lat - half_h_deg],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


# The demo mine's sales yard in Otog Front Banner (~700 m x 450 m), its check-in zone reaching out
# along the approach road, and its equipment: two weighbridge lanes behind designated gates.
MINE_SITE: dict[str, Any] = {
    "name": "示范煤矿销售场区",
    "kind": "mine_yard",
    "fence": {"type": "Polygon", "coordinates": [[
        [107.4960, 38.1980], [107.5040, 38.1980], [107.5046, 38.2010], [107.5030, 38.2022],
        [107.4962, 38.2020], [107.4960, 38.1980],
    ]]},
    "checkin_zone": _rect(107.5060, 38.2000, half_w_deg=0.0200, half_h_deg=0.0120),
    "gates": [
        {"name": "东门", "direction": "in", "designated": True, "lon": 107.5043, "lat": 38.1995},
        {"name": "北门", "direction": "out", "designated": True, "lon": 107.5000, "lat": 38.2021},
        {"name": "西侧便门", "direction": "out", "designated": False, "lon": 107.4960, "lat": 38.2000},
    ],
    "lanes": [
        {"name": "1号进场磅道", "direction": "in", "gate": "东门", "has_weighbridge": True},
        {"name": "2号出场磅道", "direction": "out", "gate": "北门", "has_weighbridge": True},
    ],
    "devices": [
        {"kind": "camera", "code": "DEMO-ANPR-01", "name": "1号道车牌识别", "vendor": "Hikvision", "lane": "1号进场磅道"},
        {"kind": "weighbridge", "code": "DEMO-WB-01", "name": "1号地磅仪表", "vendor": "耀华 XK3190-A9", "lane": "1号进场磅道"},
        {"kind": "barrier", "code": "DEMO-BAR-01", "name": "1号道闸", "vendor": "Hikvision", "lane": "1号进场磅道"},
        {"kind": "edge_agent", "code": "DEMO-EDGE-01", "name": "1号道边缘控制器", "vendor": "meitong", "lane": "1号进场磅道"},
        {"kind": "lane_controller", "code": "DEMO-LANE-01", "name": "1号磅道控制器（模拟）", "vendor": "meitong",
         "lane": "1号进场磅道"},
        {"kind": "camera", "code": "DEMO-ANPR-02", "name": "2号道车牌识别", "vendor": "Dahua", "lane": "2号出场磅道"},
        {"kind": "weighbridge", "code": "DEMO-WB-02", "name": "2号地磅仪表", "vendor": "Mettler Toledo", "lane": "2号出场磅道"},
    ],
}
OTHER_SITES: dict[str, dict[str, Any]] = {
    "plant": {"name": "准格尔示范电厂煤场", "kind": "consumer_yard",
              "fence": _rect(111.2400, 39.8600, half_w_deg=0.0040, half_h_deg=0.0030)},
    "washer": {"name": "乌海示范洗煤厂区", "kind": "washing_plant",
               "fence": _rect(106.8200, 39.6700, half_w_deg=0.0030, half_h_deg=0.0025)},
}

async def _ensure_driver(
    session: AsyncSession, *, ctx: Context, carrier_admin: Principal, carrier_id: uuid.UUID, report: SeedReport,
    spec: dict[str, str] = DEMO_DRIVER,
) -> None:
    phone = spec["phone"]
    if await identity.user_id_by_phone(session, phone=phone) is None:
        # A demo driver registers like anyone: with an SMS code (sent quietly) and every check.
        await identity.send_sms_code(ctx=ctx, phone=phone, purpose="register", ip="seed")
        text = ctx.sms.last_to(phone) if isinstance(ctx.sms, ConsoleSmsSender) else None
        code = (text or "").split("验证码 ")[-1][:6]
        await drivers.register(
            session, ctx=ctx, client="seed",
            data=DriverRegister(
                phone=phone, sms_code=code, password=DEMO_PASSWORD, name=spec["name"],
                id_number=make_id_card(spec["id_prefix"]), driving_licence_no=spec["licence"],
                qualification_cert_no=spec["cert"], region_code="150623",
                vehicle=VehicleCreate(plate=spec["plate"], plate_colour="yellow", body="tractor_semitrailer",
                                      axle_count=6, energy_type="diesel", rated_load_kg=32000,
                                      terminal_phone=spec["terminal"]),
            ),
        )
        await onboarding.join_by_invitation(session, ctx=ctx, carrier_admin=carrier_admin, carrier_id=carrier_id,
                                            phone=phone, name=spec["name"])
        report.created.append(f"driver {phone}")
    if spec is not DEMO_DRIVER:
        return

    async def make_nev() -> uuid.UUID:
        fleet = await vehicles.list_fleet(session, actor=carrier_admin, org_id=carrier_id, limit=200)
        known = next((v.id for v in _items(fleet) if v.plate == DEMO_NEV_PLATE), None)
        if known is not None:  # seeded before marks: adopt it, retired or not
            return known
        out = await vehicles.create_for_carrier(
            session, actor=carrier_admin, org_id=carrier_id,
            data=VehicleCreate(plate=DEMO_NEV_PLATE, plate_colour="yellow_green", body="tractor_semitrailer",
                               axle_count=6, energy_type="electric", rated_load_kg=30000,
                               terminal_phone="013800000015"),
        )
        report.created.append(f"vehicle {DEMO_NEV_PLATE}")
        return out.id

    await made(session, f"vehicle:{DEMO_NEV_PLATE}", make_nev)


def _items(listing: Any) -> list[Any]:
    return list(getattr(listing, "items", listing))


async def _ensure_zones(session: AsyncSession, *, ctx: Context, report: SeedReport) -> None:
    """The city regulator's zones along the demo road (checkpoint, coverage hole, service area)."""
    regulator = await principal(session, ctx, "13800000006")
    done = await seed_marks.marks(session, prefix="zone:")
    line = demo_road.Line(demo_road.origin_of(MINE_SITE["fence"]), demo_road.PLANT)
    todo = [(kind, name, geometry) for kind, name, geometry in demo_road.zones(line) if f"zone:{name}" not in done]
    if not todo:
        return
    existing = {z.name: z.id for z in await tracking.list_zones(session, actor=regulator)}
    for kind, name, geometry in todo:
        async def make_zone(kind: ZoneKind = kind, name: str = name, geometry: dict[str, Any] = geometry) -> uuid.UUID:
            if name in existing:  # seeded before marks: adopt it
                return existing[name]
            out = await tracking.create_zone(session, redis=ctx.redis, actor=regulator, data=ZoneCreate(
                kind=kind, name=name, region_code="150623", geometry=geometry))
            report.created.append(f"zone {name}")
            return out.id
        await made(session, f"zone:{name}", make_zone)


async def seed_registry(
    session: AsyncSession, *, ctx: Context, actor: Principal, org_ids: dict[str, uuid.UUID], report: SeedReport
) -> None:
    """Sites with their equipment, the demo driver with his truck, a carrier's new-energy truck."""
    mine_site_id = await ensure_site(session, actor=actor, org_id=org_ids["mine"], spec=MINE_SITE,
                                     created=report.created)
    for key, spec in OTHER_SITES.items():
        await ensure_site(session, actor=actor, org_id=org_ids[key], spec=spec, created=report.created)
    carrier_admin_id = await identity.user_id_by_phone(session, phone="13800000004")
    assert carrier_admin_id is not None
    carrier_admin = Principal(
        user_id=carrier_admin_id, session_id=None, name="刘车队", phone="13800000004", is_platform_admin=False,
        driver_id=None, memberships=(MembershipInfo(org_id=org_ids["carrier"], org_kind="carrier",
                                                    region_code="150623", role=Role.CARRIER_ADMIN),),
        totp_enabled=False, client="seed",
    )
    await _ensure_driver(session, ctx=ctx, carrier_admin=carrier_admin, carrier_id=org_ids["carrier"], report=report)
    for spec in (SIM_DRIVER, *DEMO_FLEET):
        await _ensure_driver(session, ctx=ctx, carrier_admin=carrier_admin, carrier_id=org_ids["carrier"],
                             report=report, spec=spec)
    await _ensure_zones(session, ctx=ctx, report=report)
    await onboarding.ensure_pending(session, ctx=ctx, password=DEMO_PASSWORD, invitee_phone=DEMO_DRIVER_PHONE,
                                    created=report.created)
    await seed_chain(session, ctx=ctx, org_ids=org_ids, site_id=mine_site_id, driver_phone=DEMO_DRIVER_PHONE,
                     plate=DEMO_PLATE, created=report.created)
    await demo_quality.ensure_quality(session, ctx=ctx, created=report.created)
    await demo_settlements.ensure_settlements(session, ctx=ctx, created=report.created)
    await demo_alerts.ensure_alerts(session, actor=actor, org_id=org_ids["mine"], site_id=mine_site_id,
                                    created=report.created, settings=ctx.settings)
    await demo_alerts.ensure_alert_states(session, ctx=ctx, org_ids=org_ids, site_id=mine_site_id,
                                          driver_phone=DEMO_DRIVER_PHONE, created=report.created)
    await demo_invoices.ensure_invoices(session, ctx=ctx, actor=actor, org_ids=org_ids, created=report.created,
                                        plates=set(DEMO_PLATES))
    # Last: the chains of whatever the steps above made (orders, tickets, waybills and later documents).
    await demo_reconcile.ensure_chain_status(session)


async def seed_demo(settings: Settings) -> SeedReport:
    ctx = build_context(settings, sms=ConsoleSmsSender(quiet=True))
    try:
        return await seed_with(ctx)
    finally:
        await ctx.redis.aclose()
        await ctx.engine.dispose()
