"""The app with the queue's routers, whether or not the composition root mounts them yet."""

from __future__ import annotations

import pytest
from litestar import Litestar

from apps.driver import queue as driver_queue
from apps.mine import queue as mine_queue
from backend.app import create_app
from backend.context import Context


@pytest.fixture
def app(ctx: Context) -> Litestar:
    application = create_app(ctx=ctx)
    mounted = {route.path for route in application.routes}
    for router, probe in ((mine_queue.router, "/api/mine/sites/{site_id:uuid}/queue"),
                          (driver_queue.router, "/api/driver/queue/{order_id:uuid}")):
        if probe not in mounted:
            application.register(router)
    return application
