"""The lane's screen and voice: TcpTextScreen to a real TCP listener (the serial server an LED
controller hangs on), IsapiVoice to SimIsapiDevice (Digest HTTP), LaneDisplay and LogDisplay."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator

import pytest

from devices.display.base import Display, DisplayError
from devices.display.isapi_voice import IsapiVoice
from devices.display.lane import LaneDisplay, LogDisplay
from devices.display.tcp_screen import TcpTextScreen
from devices.sim.isapi import SimIsapiDevice


class LedController:
    """Collects what each connection sent, as the screen would receive it."""

    def __init__(self) -> None:
        self.received: list[bytes] = []
        self.port = 0
        self._server: asyncio.Server | None = None
        self._got = asyncio.Event()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.received.append(await reader.read())  # until the sender closes
        self._got.set()
        writer.close()

    async def next_message(self) -> bytes:
        await asyncio.wait_for(self._got.wait(), 2.0)
        self._got.clear()
        return self.received[-1]

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()


@pytest.fixture
async def led() -> AsyncIterator[LedController]:
    led = LedController()
    await led.start()
    yield led
    await led.stop()


@pytest.fixture
async def device() -> AsyncIterator[SimIsapiDevice]:
    device = SimIsapiDevice()
    await device.start()
    yield device
    await device.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _voice(device: SimIsapiDevice, *, tts_prefix: str = "[v1]") -> IsapiVoice:
    return IsapiVoice(base_url=device.base_url, username="admin", password="hik12345", timeout_s=1.0,
                      tts_prefix=tts_prefix)


async def test_screen_sends_gb2312_text(led: LedController) -> None:
    screen = TcpTextScreen(host="127.0.0.1", port=led.port)
    await screen.show(text_zh="蒙K66888 请上磅", text_en="drive on")
    assert await led.next_message() == "蒙K66888 请上磅".encode("gb2312") + b"\r\n"
    assert len(led.received) == 1  # one message, one connection


async def test_screen_frame_is_configuration(led: LedController) -> None:
    screen = TcpTextScreen(host="127.0.0.1", port=led.port, prefix=b"\xaa\x01", suffix=b"\x55",
                           level_prefixes={"error": b"\xaa\x02"}, with_english=True)
    await screen.show(text_zh="称重完成", text_en="done", level="ok")
    assert await led.next_message() == b"\xaa\x01" + "称重完成 done".encode("gb2312") + b"\x55"
    await screen.show(text_zh="车辆位置错误🚛", level="error")  # no truck emoji in GB2312
    assert await led.next_message() == b"\xaa\x02" + "车辆位置错误".encode("gb2312") + b"?\x55"


async def test_screen_down_is_a_display_error() -> None:
    screen = TcpTextScreen(host="127.0.0.1", port=_free_port(), timeout_s=0.5)
    with pytest.raises(DisplayError, match="cannot send"):
        await screen.show(text_zh="请上磅")


async def test_voice_through_isapi(device: SimIsapiDevice) -> None:
    voice = _voice(device)
    await voice.say(text_zh="蒙K66888 请上磅 <慢行> & 停稳")
    assert device.spoken == ["[v1]蒙K66888 请上磅 <慢行> & 停稳"]  # escaped on the wire, intact here
    quiet = _voice(device, tts_prefix="")
    await quiet.say(text_zh="称重完成")
    assert device.spoken[-1] == "称重完成"
    await voice.aclose()
    await quiet.aclose()


async def test_voice_refused_is_a_display_error(device: SimIsapiDevice) -> None:
    device.voice_fails = True
    voice = _voice(device)
    with pytest.raises(DisplayError, match="HTTP 403 Invalid Operation notSupport"):
        await voice.say(text_zh="请上磅")
    await voice.aclose()


async def test_lane_display_routes_show_and_say(led: LedController, device: SimIsapiDevice) -> None:
    lane: Display = LaneDisplay(screen=TcpTextScreen(host="127.0.0.1", port=led.port), speaker=_voice(device))
    await lane.show(text_zh="请上磅", level="info")
    await lane.say(text_zh="请上磅")
    assert await led.next_message() == "请上磅".encode("gb2312") + b"\r\n"
    assert device.spoken == ["[v1]请上磅"]


async def test_a_failing_screen_does_not_silence_the_speaker(device: SimIsapiDevice) -> None:
    lane = LaneDisplay(screen=TcpTextScreen(host="127.0.0.1", port=_free_port(), timeout_s=0.5),
                       speaker=_voice(device))
    with pytest.raises(DisplayError, match="cannot send"):
        await lane.announce(text_zh="车辆位置错误,请正确停车", level="warn")
    assert device.spoken == ["[v1]车辆位置错误,请正确停车"]
    with pytest.raises(DisplayError):
        await lane.show(text_zh="x")
    await lane.say(text_zh="请下磅")
    assert device.spoken[-1] == "[v1]请下磅"


async def test_a_failing_speaker_does_not_blank_the_screen(led: LedController, device: SimIsapiDevice) -> None:
    device.voice_fails = True
    lane = LaneDisplay(screen=TcpTextScreen(host="127.0.0.1", port=led.port), speaker=_voice(device))
    with pytest.raises(DisplayError, match="403"):
        await lane.announce(text_zh="称重完成", level="ok")
    assert await led.next_message() == "称重完成".encode("gb2312") + b"\r\n"


async def test_a_part_that_crashes_becomes_a_display_error() -> None:
    class Broken:
        async def show(self, *, text_zh: str, text_en: str = "", level: str = "info") -> None:
            raise RuntimeError("controller firmware")

    with pytest.raises(DisplayError, match="screen: RuntimeError"):
        await LaneDisplay(screen=Broken()).show(text_zh="请上磅")


async def test_log_display(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="devices.display.lane")
    display: Display = LogDisplay(name="lane 2")
    await display.show(text_zh="请上磅", text_en="drive on", level="info")
    await display.say(text_zh="称重完成")
    assert [r.getMessage() for r in caplog.records] == ["lane 2 show [info] 请上磅 drive on", "lane 2 say 称重完成"]
    await LaneDisplay(name="lane 3").announce(text_zh="无屏")  # no parts: logged, not lost
    assert {"lane 3 say 无屏", "lane 3 show [info] 无屏 "} <= {r.getMessage() for r in caplog.records}


async def test_lane_display_from_config(led: LedController, device: SimIsapiDevice) -> None:
    lane = LaneDisplay.from_config({
        "screen": {"host": "127.0.0.1", "port": led.port, "prefix": "aa01", "suffix": "55"},
        "speaker": {"base_url": device.base_url, "username": "admin", "password": "hik12345"},
    })
    await lane.announce(text_zh="请上磅")
    assert await led.next_message() == b"\xaa\x01" + "请上磅".encode("gb2312") + b"\x55"
    assert device.spoken == ["[v1]请上磅"]
    with pytest.raises(ValueError, match="unknown keys"):
        LaneDisplay.from_config({"screen": {}, "voice": {}})
