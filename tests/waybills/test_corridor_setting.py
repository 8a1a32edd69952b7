"""The corridor half-width of a waybill nobody planned comes from the settings
(MEITONG_GPS_CORRIDOR_WIDTH_M), here through the out-gate that opens it."""

from __future__ import annotations

import dataclasses

import httpx
import pytest
from litestar import Litestar

from backend.context import Context
from backend.settings import Settings, load_settings
from tests.waybills import helpers as h


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, gps_corridor_width_m=750.0)


def test_the_width_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEITONG_GPS_CORRIDOR_WIDTH_M", "1500.5")
    assert load_settings().gps_corridor_width_m == 1500.5
    monkeypatch.delenv("MEITONG_GPS_CORRIDOR_WIDTH_M")
    assert load_settings().gps_corridor_width_m == 1000.0


async def test_the_gate_opens_the_waybill_with_the_settings_width(ctx: Context, client: httpx.AsyncClient,
                                                                   app: Litestar) -> None:
    lw = await h.ticketed(ctx, client, app)
    await h.gate_out(client, app, lw)
    page = await h.mine_get(client, lw, "/api/mine/waybills")
    assert page["total"] == 1 and page["items"][0]["corridorWidthM"] == 750.0, page
