"""The API docs at /schema: Swagger UI from node_modules, started by a static script (no inline script,
so the page keeps the same Content-Security-Policy as every other page)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router
from litestar.openapi.plugins import SwaggerRenderPlugin


class LocalSwagger(SwaggerRenderPlugin):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            js_url="/static/vendor/swagger/swagger-ui-bundle.js",
            css_url="/static/vendor/swagger/swagger-ui.css",
            standalone_preset_js_url="/static/vendor/swagger/swagger-ui-standalone-preset.js",
            path="/",
            # Litestar's default favicon lives on a CDN; nothing may load from outside at run time.
            favicon="<link rel='icon' type='image/png' href='/static/vendor/swagger/favicon-32x32.png'>",
            style="",
            **kwargs,
        )

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        # /static/js/swagger-init.js loads the document from openapi.json beside this page.
        title = str(openapi_schema["info"]["title"]).replace("<", "&lt;")
        return f"""<!DOCTYPE html><html><head><title>{title}</title>{self.favicon}
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link href="{self.css_url}" rel="stylesheet">
<script src="{self.js_url}" defer></script><script src="{self.standalone_preset_js_url}" defer></script>
<script src="/static/js/swagger-init.js" defer></script>
</head><body><div id="swagger-container"></div></body></html>""".encode()

    def receive_router(self, router: Router) -> None:
        """No OAuth2 redirect page: the API uses Bearer tokens, and that page is an inline script."""
