"""Shared page helpers and the pages no single app owns: the landing page, the language switch,
the per-app web manifests, the offline page and the service worker.

Role apps render through `render(request, template, app=..., **context)`, which adds the language,
the signed-in principal and the app's navigation, and keeps a `?lang=` choice in the mt_lang cookie.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit
from zoneinfo import ZoneInfo

from litestar import Request, Response, Router, get
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from backend.domain.identity.schemas import Principal
from backend.domain.regions.service import region_name
from backend.errors import DomainError, Forbidden, Unauthorized
from backend.http.i18n import CATALOGUE, LANG_COOKIE, LANGS, lang_of, translate

APPS = ("driver", "mine", "enterprise", "regulator")
# The app colours of app.css, for the manifests and the browser chrome.
THEME = {"driver": "#c2410c", "mine": "#0f766e", "enterprise": "#1d4ed8", "regulator": "#9f1239", None: "#1f2937"}
HOME = {"driver": "/driver/profile", "mine": "/mine/sites", "enterprise": "/enterprise/orgs", "regulator": "/regulator/orgs"}
# Bottom tab bar (phones) / top navigation (wider screens): (message key, href, icon name).
NAV: dict[str, list[tuple[str, str, str]]] = {
    "driver": [("nav.driver.orders", "/driver/orders", "ticket"), ("nav.driver.tickets", "/driver/tickets", "receipt"),
               ("nav.driver.waybill", "/driver/waybill", "route"), ("nav.driver.alerts", "/driver/alerts", "bell"),
               ("nav.driver.profile", "/driver/profile", "user"), ("nav.driver.vehicles", "/driver/profile#vehicles", "truck"),
               ("nav.home", "/", "home")],
    "mine": [("nav.mine.alerts", "/mine/alerts", "bell"), ("nav.mine.orders", "/mine/orders", "ticket"), ("nav.mine.issue", "/mine/orders/new", "plus"),
             ("nav.mine.queue", "/mine/queue", "queue"), ("nav.mine.gate", "/mine/gate", "shield"),
             ("nav.mine.weighbridge", "/mine/weighbridge", "scale"), ("nav.mine.tracking", "/mine/tracking", "map"),
             ("nav.mine.sites", "/mine/sites", "site")],
    "enterprise": [("nav.enterprise.alerts", "/enterprise/alerts", "bell"), ("nav.enterprise.orgs", "/enterprise/orgs", "building"),
                   ("nav.enterprise.contracts", "/enterprise/contracts", "contract"),
                   ("nav.enterprise.orders", "/enterprise/orders", "ticket"),
                   ("nav.enterprise.settlements", "/enterprise/settlements", "receipt"),
                   ("nav.enterprise.invoices", "/enterprise/transport-invoices", "invoice"),
                   ("nav.enterprise.payments", "/enterprise/payments", "money"),
                   ("nav.enterprise.reconcile", "/enterprise/reconcile", "chart"),
                   ("nav.enterprise.trace", "/enterprise/trace", "search"), ("nav.home", "/", "home")],
    "regulator": [("nav.regulator.alerts", "/regulator/alerts", "bell"), ("nav.regulator.orgs", "/regulator/orgs", "shield"), ("nav.regulator.reviews", "/regulator/reviews", "building"),
                  ("nav.regulator.tracking", "/regulator/tracking", "map"),
                  ("nav.regulator.waybills", "/regulator/waybills", "route"),
                  ("nav.regulator.reconcile", "/regulator/reconcile", "chart"),
                  ("nav.regulator.trace", "/regulator/trace", "search"),
                  ("nav.regulator.reads", "/regulator/personal-reads", "user"), ("nav.home", "/", "home")],
}
_STATIC = Path(__file__).parent / "static"
# Times are stored in UTC and shown as the coal regions read their clocks.
LOCAL_TZ = ZoneInfo("Asia/Shanghai")
_YEAR_S = 365 * 24 * 3600


# A local equirectangular projection is exact enough for a site fence (a few km across): metres per
# degree of latitude, and of longitude at the equator (scaled by cos(latitude) at the centre).
_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON = 111_320.0


def _rings(geometry: dict[str, Any] | None) -> list[list[list[float]]]:
    if not geometry:
        return []
    if geometry.get("type") == "Feature":
        geometry = geometry.get("geometry") or {}
    coords = geometry.get("coordinates") or []
    polygons = [coords] if geometry.get("type") == "Polygon" else coords if geometry.get("type") == "MultiPolygon" else []
    return [ring for polygon in polygons for ring in polygon if len(ring) >= 3]


def _nice_length_m(target_m: float) -> float:
    """The 1-2-5 length not above `target_m` (give or take rounding), for the scale bar."""
    target_m = max(target_m, 1.0) * 1.001
    power = 10 ** math.floor(math.log10(target_m))
    return float(max(step * power for step in (1, 2, 5) if step * power <= target_m))


def fence_view(
    geometry: dict[str, Any] | None, *, width: int = 360, height: int = 240, pad: int = 28,
    points: list[tuple[float, float, str, bool]] | None = None, decorations: bool = True,
) -> dict[str, Any] | None:
    """A fence as SVG shapes: paths in a metric projection around the fence's centre, fitted to the
    box (gates too), with a scale bar; `points` are (lon, lat, label, designated). None for no fence."""
    rings = _rings(geometry)
    if not rings:
        return None
    lons = [p[0] for ring in rings for p in ring] + [p[0] for p in points or []]
    lats = [p[1] for ring in rings for p in ring] + [p[1] for p in points or []]
    lon0, lat0 = (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
    kx = _M_PER_DEG_LON * math.cos(math.radians(lat0))

    def metres(lon: float, lat: float) -> tuple[float, float]:
        return (lon - lon0) * kx, (lat - lat0) * _M_PER_DEG_LAT

    xs, ys = zip(*(metres(lon, lat) for lon, lat in zip(lons, lats, strict=True)), strict=True)
    span_m = max(max(xs) - min(xs), max(ys) - min(ys), 1.0)
    scale = min((width - 2 * pad) / max(max(xs) - min(xs), 1.0), (height - 2 * pad) / max(max(ys) - min(ys), 1.0))

    def px(lon: float, lat: float) -> tuple[float, float]:
        x, y = metres(lon, lat)
        return round(width / 2 + x * scale, 1), round(height / 2 - y * scale, 1)

    paths = []
    for ring in rings:
        pts = [px(p[0], p[1]) for p in ring]
        paths.append("M" + " L".join(f"{x},{y}" for x, y in pts) + " Z")
    bar_m = _nice_length_m(span_m / 3)
    marks = [(*px(lon, lat), label, designated) for lon, lat, label, designated in points or []]
    return {
        "width": width, "height": height, "paths": " ".join(paths), "decorations": decorations,
        "bar_px": round(bar_m * scale, 1), "bar_label": f"{bar_m / 1000:g} km" if bar_m >= 1000 else f"{bar_m:g} m",
        "points": marks,
    }


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(LOCAL_TZ).strftime(fmt)


def principal(request: Request[Any, Any, Any]) -> Principal | None:
    user = request.scope.get("user")
    return user if isinstance(user, Principal) else None


def js_strings(lang: str) -> str:
    """The "js.*" messages the browser scripts need, as JSON for a <script type="application/json">."""
    strings = {key: translate(key, lang) for key in CATALOGUE if key.startswith("js.")}
    return json.dumps(strings, ensure_ascii=False).replace("</", "<\\/")


def render(
    request: Request[Any, Any, Any], template: str, *, app: str | None = None, status_code: int = 200, **context: Any
) -> Template:
    lang = lang_of(request)
    current = request.url.path
    response = Template(
        template_name=template,
        status_code=status_code,
        context={
            "lang": lang, "me": principal(request), "app": app, "theme": THEME.get(app, THEME[None]),
            "nav": NAV.get(app or "", []), "current": current, "home": HOME.get(app or "", "/"),
            "login_url": f"/{app}/login" if app else "/", "js_strings": js_strings(lang),
            "lang_switch": f"/lang?to={'zh' if lang == 'en' else 'en'}&next={quote(_here(request))}",
            "fence_view": fence_view, "local_time": local_time,
            "region_of": region_name, **context,
        },
        headers={"Cache-Control": "no-store", "Vary": "Cookie"},
    )
    if request.query_params.get("lang") in LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=_YEAR_S, samesite="lax", path="/", httponly=False)
    return response


def _here(request: Request[Any, Any, Any]) -> str:
    """This page's path and query, without a `lang` parameter (the switch sets it)."""
    query = "&".join(f"{quote(k)}={quote(v)}" for k, v in request.query_params.items() if k != "lang")
    return request.url.path + (f"?{query}" if query else "")


def safe_next(target: str | None, default: str) -> str:
    """Only same-origin paths: an open redirect would hand a login to whoever wrote the link.

    Browsers drop tab, CR and LF anywhere in a URL and read "\\" as "/", so "/\t/evil.example" is
    "//evil.example". Such targets are refused, raw or percent-encoded (once or twice), as is any
    control character, a scheme-relative "//host" and an absolute "scheme:" URL."""
    if not target or len(target) > 2000:
        return default
    decoded = target
    for _ in range(3):  # the forms a link may carry, up to double encoding
        if (not decoded.startswith("/") or decoded.startswith("//") or "\\" in decoded
                or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in decoded)):
            return default
        once = unquote(decoded)
        if once == decoded:
            break
        decoded = once
    parsed = urlsplit(target)
    if parsed.scheme or parsed.netloc:
        return default
    return target


def login_redirect(request: Request[Any, Any, Any], app: str) -> Redirect:
    return Redirect(f"/{app}/login?next={quote(_here(request), safe='/')}", status_code=302)


def no_access(request: Request[Any, Any, Any], app: str) -> Template:
    """Signed in, but not as someone this app serves: say so, offer to switch account."""
    return render(request, "no_access.html", app=app, status_code=403, nav=[])


class SignInNeeded(Unauthorized):
    """A page of `app` asked for by someone not signed in: page_error answers with its login page."""

    def __init__(self, app: str) -> None:
        super().__init__("sign_in_needed", "请先登录", "Please log in first")
        self.app = app


class NotForThisApp(Forbidden):
    """A page of `app` asked for by someone it does not serve: page_error answers with no_access."""

    def __init__(self, app: str) -> None:
        super().__init__("not_for_this_app", "当前账号不能使用此应用", "This account cannot use this app")
        self.app = app


def page_user(request: Request[Any, Any, Any], app: str,
              serves: Callable[[Principal], bool] = lambda _: True) -> Principal:
    """The signed-in user a page of `app` serves (`serves` says whom). Anyone else is answered by the
    page routers' page_error: the login page when not signed in, the no-access page otherwise."""
    me = principal(request)
    if me is None:
        raise SignInNeeded(app)
    if not serves(me):
        raise NotForThisApp(app)
    return me


def login_page(request: Request[Any, Any, Any], app: str, *, allowed: bool, sms: bool = False) -> Template | Redirect:
    """The shared login page of `app`; someone already signed in with the right roles goes straight on."""
    target = safe_next(request.query_params.get("next"), HOME[app])
    if principal(request) is not None and allowed:
        return Redirect(target, status_code=302)
    return render(request, "login.html", app=app, next=target, sms_login=sms)


def page_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    """Errors on pages answer as pages (in the reader's language), not as the API's JSON body."""
    if isinstance(exc, SignInNeeded):
        return login_redirect(request, exc.app)
    if isinstance(exc, NotForThisApp):
        return no_access(request, exc.app)
    first = request.url.path.split("/")[1]
    app = first if first in APPS else None
    if isinstance(exc, Unauthorized) and app:
        return login_redirect(request, app)
    message = exc.message_en if lang_of(request) == "en" else exc.message_zh
    response = render(request, "error.html", app=app, status_code=exc.status, message=message)
    response.headers.update(exc.headers)  # a 429's Retry-After holds for a page too
    return response


# Router-level handlers for the apps' page routers: closer than the app's JSON handlers, so they win.
PAGE_ERRORS: dict[Any, Any] = {DomainError: page_error}


@get("/", name="landing")
async def landing(request: Request[Any, Any, Any]) -> Template:
    return render(request, "landing.html", apps=APPS)


@get("/lang", name="language")
async def switch_language(to: FromQuery[str] = "zh", next: FromQuery[str | None] = None) -> Redirect:
    response = Redirect(safe_next(next, "/"), status_code=302)
    response.set_cookie(LANG_COOKIE, to if to in LANGS else "zh", max_age=_YEAR_S, samesite="lax", path="/")
    return response


@get("/offline", name="offline")
async def offline(request: Request[Any, Any, Any]) -> Template:
    return render(request, "offline.html")


def _manifest(request: Request[Any, Any, Any], app: str) -> Response[bytes]:
    lang = lang_of(request)
    body = {
        "name": translate(f"pwa.{app}.name", lang),
        "short_name": translate(f"pwa.{app}.short", lang),
        "description": translate(f"landing.{app}.desc", lang),
        "lang": "en" if lang == "en" else "zh-CN",
        "id": f"/{app}/",
        "start_url": HOME[app],
        "scope": f"/{app}/",
        "display": "standalone",
        "orientation": "any",
        "background_color": "#f3f4f6",
        "theme_color": THEME[app],
        "icons": [{"src": f"/static/icons/{app}.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
    }
    return Response(json.dumps(body, ensure_ascii=False).encode(), media_type="application/manifest+json",
                    headers={"Cache-Control": "no-cache"})


@get([f"/{app}/manifest.webmanifest" for app in APPS], name="manifest", include_in_schema=False)
async def manifest(request: Request[Any, Any, Any]) -> Response[bytes]:
    return _manifest(request, request.url.path.split("/")[1])


def _static_version() -> str:
    """A hash of the static files: any change to the shell makes a new worker that refreshes its cache."""
    digest = hashlib.sha256()
    for path in sorted(_STATIC.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(_STATIC).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:12]


@get("/sw.js", name="service-worker", include_in_schema=False)
async def service_worker() -> Response[bytes]:
    # Served from the root so its scope can be "/"; never cached, so a new version installs promptly.
    return Response((_STATIC / "sw.js").read_text().replace("__VERSION__", _static_version()).encode(), media_type="text/javascript; charset=utf-8",
                    headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"})


router = Router(path="/", route_handlers=[landing, switch_language, offline, manifest, service_worker],
                include_in_schema=False)
