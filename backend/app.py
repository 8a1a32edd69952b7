"""create_app(settings): the one composition root. The only module that imports apps.*."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from apps.driver import orders as driver_orders
from apps.driver import pages as driver_pages
from apps.driver import passes as driver_passes
from apps.driver import positions as driver_positions
from apps.driver import queue as driver_queue
from apps.driver import routes as driver_routes
from apps.driver import ticket_pages as driver_ticket_pages
from apps.driver import tickets as driver_tickets
from apps.driver import waybill_pages as driver_waybill_pages
from apps.driver import waybills as driver_waybills
from apps.enterprise import contracts as enterprise_contracts
from apps.enterprise import fleet as enterprise_fleet
from apps.enterprise import keys as enterprise_keys
from apps.enterprise import orders as enterprise_orders
from apps.enterprise import pages as enterprise_pages
from apps.enterprise import routes as enterprise_routes
from apps.mine import carriers as mine_carriers
from apps.mine import gate as mine_gate
from apps.mine import orders as mine_orders
from apps.mine import pages as mine_pages
from apps.mine import queue as mine_queue
from apps.mine import routes as mine_routes
from apps.mine import tracking as mine_tracking
from apps.mine import tracking_pages as mine_tracking_pages
from apps.mine import weighing as mine_weighing
from apps.mine import weighing_pages as mine_weighing_pages
from apps.open import business as open_business
from apps.open import passes as open_passes
from apps.open import routes as open_routes
from apps.open import waybills as open_waybills
from apps.open import weighing as open_weighing
from apps.regulator import pages as regulator_pages
from apps.regulator import routes as regulator_routes
from apps.regulator import tracking as regulator_tracking
from apps.regulator import tracking_pages as regulator_tracking_pages
from backend.context import Context, build_context
from backend.demo_fleet import demo_fleet
from backend.demo_lane import demo_lane
from backend.domain.queue import service as queue
from backend.http import i18n, verify_pages
from backend.http import pages as shared_pages
from backend.http.auth import AuthMiddleware
from backend.http.deps import DEPENDENCIES
from backend.http.errors import EXCEPTION_HANDLERS
from backend.http.inputs import ControlCharsMiddleware
from backend.http.logs import RequestIdMiddleware, configure_logging
from backend.http.routes import auth as auth_routes
from backend.http.routes import common as common_routes
from backend.http.routes import health
from backend.http.routes import notices as notices_routes
from backend.settings import ROOT_DIR, Settings, load_settings
from backend.workers.jt808 import in_app_gateway
from backend.workers.main import in_app_jobs

_HTTP_DIR = Path(__file__).parent / "http"
_APPS_DIR = ROOT_DIR / "apps"


def create_app(settings: Settings | None = None, *, ctx: Context | None = None) -> Litestar:
    settings = settings or (ctx.settings if ctx else load_settings())
    configure_logging(level=settings.log_level, as_json=settings.log_json)
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
                fleet = None
                if settings.jt808_in_app and settings.demo_trucks > 0 and settings.demo_lane_url:
                    fleet = await stack.enter_async_context(demo_fleet(context))
                if settings.demo_lane_url:
                    await stack.enter_async_context(demo_lane(context, fleet=fleet))
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
    ]
    openapi = OpenAPIConfig(
        title="meitong 煤通 API",
        version="0.1.0",
        description="数字煤炭产销服务平台 — digital coal production-and-sales service platform. "
        "Apps authenticate with a Bearer access token; machines sign requests (see docs/machine-interface.md).",
        path="/schema",
        render_plugins=[
            SwaggerRenderPlugin(
                js_url="/static/vendor/swagger/swagger-ui-bundle.js",
                css_url="/static/vendor/swagger/swagger-ui.css",
                standalone_preset_js_url="/static/vendor/swagger/swagger-ui-standalone-preset.js",
                path="/",
                # Litestar's default favicon lives on a CDN; nothing may load from outside at run time.
                favicon="<link rel='icon' type='image/png' href='/static/vendor/swagger/favicon-32x32.png'>",
            )
        ],
        components=Components(
            security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")}
        ),
        security=[{"bearer": []}],
    )
    route_handlers: list[Any] = [
        health.router, auth_routes.router, common_routes.router, notices_routes.router,
        driver_routes.router, mine_routes.router, enterprise_routes.router, regulator_routes.router,
        enterprise_fleet.router, enterprise_keys.router, enterprise_contracts.router, enterprise_orders.router,
        mine_orders.router, mine_carriers.router, mine_queue.router, mine_gate.router, mine_weighing.router,
        driver_orders.router, driver_passes.router, driver_queue.router, driver_tickets.router,
        open_routes.router, open_business.router, open_passes.router, open_weighing.router,
        shared_pages.router, driver_pages.router, mine_pages.router, enterprise_pages.router, regulator_pages.router,
        verify_pages.router, mine_weighing_pages.router, driver_ticket_pages.router,
        mine_tracking_pages.router, regulator_tracking_pages.router, driver_waybill_pages.router,
        driver_positions.router, driver_waybills.router, mine_tracking.router, regulator_tracking.router, open_waybills.router,
        *static,
    ]
    return Litestar(
        route_handlers=route_handlers,
        dependencies=DEPENDENCIES,
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[RequestIdMiddleware(), ControlCharsMiddleware(), AuthMiddleware()],
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
        # Our JSON logging (configure_logging) stays in charge; Litestar would install its own format.
        logging_config=None,
        debug=False,
    )
