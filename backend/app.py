"""create_app(settings): the one composition root. The only module that imports apps.*."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from apps.driver import messages as driver_messages
from apps.driver.routers import ROUTERS as DRIVER
from apps.enterprise import contract_messages as enterprise_contract_messages
from apps.enterprise import messages as enterprise_messages
from apps.enterprise import quality_messages as enterprise_quality_messages
from apps.enterprise import settlement_messages as enterprise_settlement_messages
from apps.enterprise.routers import ROUTERS as ENTERPRISE
from apps.mine import messages as mine_messages
from apps.mine.routers import ROUTERS as MINE
from apps.open.routers import ROUTERS as OPEN
from apps.regulator import messages as regulator_messages
from apps.regulator.routers import ROUTERS as REGULATOR
from backend.context import Context, build_context
from backend.domain.queue import service as queue
from backend.http import i18n
from backend.http.auth import AuthMiddleware
from backend.http.bodies import BodyRequest
from backend.http.deps import DEPENDENCIES
from backend.http.errors import EXCEPTION_HANDLERS
from backend.http.headers import security_headers
from backend.http.inputs import ControlCharsMiddleware
from backend.http.limits import RateLimitMiddleware
from backend.http.logs import RequestIdMiddleware, configure_logging
from backend.http.routers import ROUTERS as SHARED
from backend.http.swagger import LocalSwagger
from backend.settings import ROOT_DIR, Settings, load_settings
from backend.workers.jt808 import in_app_gateway
from backend.workers.main import in_app_jobs

_HTTP_DIR = Path(__file__).parent / "http"
_APPS_DIR = ROOT_DIR / "apps"
# The apps' UI strings, merged with the shared ones (backend/http) into one catalogue at start-up.
APP_MESSAGES = (driver_messages, mine_messages, enterprise_messages, enterprise_contract_messages, enterprise_quality_messages,
                enterprise_settlement_messages, regulator_messages)


# Something the web process runs beside the platform for its lifetime, given the context
# (the demo of `meitong run`: backend/demo/lifespan.py).
ExtraLifespan = Callable[[Context], AbstractAsyncContextManager[Any]]


def create_app(
    settings: Settings | None = None, *, ctx: Context | None = None, extra_lifespans: Sequence[ExtraLifespan] = (),
) -> Litestar:
    """`extra_lifespans` are entered after the in-app jobs and gateway (so they find them running) and
    left before them; production passes none."""
    settings = settings or (ctx.settings if ctx else load_settings())
    configure_logging(level=settings.log_level, as_json=settings.log_json)
    i18n.load(*APP_MESSAGES)  # DuplicateMessage: two tables define one key
    context = ctx or build_context(settings)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        try:
            # SQL is the queue's source of truth: Redis (fresh, flushed, or embedded) is rebuilt from it.
            await queue.rebuild(context)
            async with contextlib.AsyncExitStack() as stack:
                if settings.in_app_jobs:
                    await stack.enter_async_context(in_app_jobs(context))
                if settings.jt808_in_app:
                    await stack.enter_async_context(in_app_gateway(context, settings))
                for extra in extra_lifespans:
                    await stack.enter_async_context(extra(context))
                yield
        finally:
            await context.redis.aclose()
            await context.engine.dispose()

    node = Path(settings.node_modules_dir)
    static = [
        create_static_files_router(path="/static", directories=[_HTTP_DIR / "static"], name="static",
                                   include_in_schema=False),
        create_static_files_router(path="/static/vendor/htmx", directories=[node / "htmx.org" / "dist"],
                                   name="vendor-htmx", include_in_schema=False),
        create_static_files_router(path="/static/vendor/swagger", directories=[node / "swagger-ui-dist"],
                                   name="vendor-swagger", include_in_schema=False),
        # The driver's pass draws its QR in the browser (qrcode-generator, pinned in package.json).
        create_static_files_router(path="/static/vendor/qrcode", directories=[node / "qrcode-generator" / "dist"],
                                   name="vendor-qrcode", include_in_schema=False),
        # The regulator's alert handling figures draw their chart with Chart.js (its bundled UMD build).
        create_static_files_router(path="/static/vendor/chartjs", directories=[node / "chart.js" / "dist"],
                                   name="vendor-chartjs", include_in_schema=False),
    ]
    openapi = OpenAPIConfig(
        title="meitong 煤通 API",
        version="0.1.0",
        description="数字煤炭产销服务平台 — digital coal production-and-sales service platform. "
        "Apps authenticate with a Bearer access token; machines sign requests (see docs/machine-interface.md).",
        path="/schema",
        render_plugins=[LocalSwagger()],
        components=Components(
            security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")}
        ),
        security=[{"bearer": []}],
    )
    route_handlers: list[Any] = [*SHARED, *DRIVER, *MINE, *ENTERPRISE, *REGULATOR, *OPEN, *static]
    return Litestar(
        route_handlers=route_handlers,
        dependencies=DEPENDENCIES,
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[RequestIdMiddleware(), ControlCharsMiddleware(), AuthMiddleware(), RateLimitMiddleware()],
        # CSP, nosniff, frame and referrer policies, HSTS on https: on every response, 404s included.
        before_send=[security_headers(hsts=settings.public_url.startswith("https://"))],
        openapi_config=openapi,
        template_config=TemplateConfig(
            directory=[_HTTP_DIR / "templates", *sorted(_APPS_DIR.glob("*/web/templates"))],
            engine=JinjaTemplateEngine,
            engine_callback=i18n.install,
        ),
        # Handlers with opt={"skip_compression": True} (event streams) are never gzipped: gzip
        # holds small writes back until its buffer fills, which would stall live messages.
        compression_config=CompressionConfig(backend="gzip", minimum_size=1024, exclude_opt_key="skip_compression"),
        state=State({"ctx": context}),
        lifespan=[lifespan],
        request_max_body_size=25 * 1024 * 1024,
        # Every JSON body is decoded there: depth-limited, UTF-8 only, strictly typed.
        request_class=BodyRequest,
        # Our JSON logging (configure_logging) stays in charge; Litestar would install its own format.
        logging_config=None,
        debug=False,
    )
