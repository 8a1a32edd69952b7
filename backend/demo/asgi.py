"""ASGI entry point of `meitong run`: the platform with the demo switched on (backend.asgi without it)."""

from backend.app import create_app
from backend.demo.lifespan import demo_lifespan

app = create_app(extra_lifespans=[demo_lifespan])
