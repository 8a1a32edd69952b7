from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from tests.devices.lane.platform import FakePlatform
from tests.devices.lane.rig import KEY_ID, SECRET


@pytest.fixture
async def platform() -> AsyncIterator[FakePlatform]:
    fake = FakePlatform(key_id=KEY_ID, secret=SECRET, site_id=uuid.uuid4())
    await fake.start()
    try:
        yield fake
    finally:
        if fake.running:
            await fake.stop()
    # Every request the lane made carried a valid signature.
    assert fake.auth_failures == []
