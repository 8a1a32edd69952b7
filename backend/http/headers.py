"""Security headers on every response: pages get a Content-Security-Policy without inline script, the
API the subset that still means something for JSON.

Registered as the app's `before_send` hook rather than a route middleware: Litestar runs middleware
only on matched routes, while this sees every response start (404s, 405s and errors included).

Styles: the templates carry `style="…"` attributes (spacing, the progress bars' computed widths), so
`style-src-attr 'unsafe-inline'` allows attributes only; `<style>` elements and stylesheets stay 'self'
(style-src-elem), and script never runs inline. htmx is told not to inject its indicator styles or
evaluate strings (base.html's htmx-config meta).
"""

from __future__ import annotations

import re
from typing import Any

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

PAGE_CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "style-src-elem 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "media-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])
# A JSON or file response never needs to load anything, nor to be framed.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
_FEATURES = ("accelerometer", "autoplay", "bluetooth", "camera", "display-capture", "fullscreen", "geolocation",
             "gyroscope", "hid", "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get",
             "screen-wake-lock", "serial", "usb", "xr-spatial-tracking")
# Only the pages that use a feature may ask for it: the guard's code scanner the camera, the driver's
# order (check-in) and waybill (sharing his position) pages the location.
_ALLOWED: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = (
    (re.compile(r"^/mine/gate/?$"), frozenset({"camera"})),
    (re.compile(r"^/driver/waybill/?$"), frozenset({"geolocation"})),
    (re.compile(r"^/driver/orders/[^/]+/?$"), frozenset({"geolocation"})),
)
HSTS = "max-age=31536000; includeSubDomains"


def permissions_policy(path: str) -> str:
    allowed = next((features for pattern, features in _ALLOWED if pattern.match(path)), frozenset())
    return ", ".join(f"{name}=(self)" if name in allowed else f"{name}=()" for name in _FEATURES)


def _policy(content_type: str) -> str | None:
    media = content_type.split(";")[0].strip().lower()
    # Scripts take the page's policy: a service worker's is the one its script is served with (sw.js
    # fetches and caches the shell); for other scripts the page's own policy already governs.
    if media in ("text/html", "text/javascript", "application/javascript"):
        return PAGE_CSP
    if media.endswith("json"):
        return API_CSP
    return None  # files (a contract's PDF, a ticket's photo): a policy would only hamper the browser's viewer


def security_headers(*, hsts: bool) -> Any:
    """The before_send hook; `hsts` when the public URL is https (never on plain http: it would stick)."""

    async def hook(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        policy = _policy(headers.get("content-type") or "")
        defaults = {
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "strict-origin-when-cross-origin",
            "X-Frame-Options": "DENY",
            "Cross-Origin-Opener-Policy": "same-origin",
            "Permissions-Policy": permissions_policy(scope.get("path", "")),
        }
        if policy is not None:
            defaults["Content-Security-Policy"] = policy
        if hsts:
            defaults["Strict-Transport-Security"] = HSTS
        for name, value in defaults.items():
            if name not in headers:  # a route may set its own (the API docs' page does)
                headers[name] = value

    return hook
