"""Voice through a Hikvision entrance camera or controller's speaker (ISAPI TTS):

    PUT /ISAPI/Parking/channels/{ch}/voiceBroadcastInfo
    <VoiceBroadcastInfo><TTSInfo><text>[v1]请上磅</text></TTSInfo></VoiceBroadcastInfo>

The reference (devices.md §4.1) gives the route and a TTSInfo carrying "[v1]" + text; the inner
element names are our reading, so they sit in BODY and `tts_prefix` is configuration.
"""

from __future__ import annotations

from devices.display.base import DisplayError
from devices.io.base import IoError
from devices.io.hikvision import ISAPI_NS, IsapiClient, xml_text

BODY = ('<?xml version="1.0" encoding="UTF-8"?><VoiceBroadcastInfo version="2.0" xmlns="{ns}">'
        "<TTSInfo><text>{text}</text></TTSInfo></VoiceBroadcastInfo>")


class IsapiVoice:
    def __init__(self, *, base_url: str, username: str, password: str, channel: int = 1,
                 tts_prefix: str = "[v1]", timeout_s: float = 3.0, name: str = "voice") -> None:
        self.isapi = IsapiClient(base_url=base_url, username=username, password=password,
                                 timeout_s=timeout_s, name=name)
        self.tts_prefix = tts_prefix
        self._path = f"/ISAPI/Parking/channels/{channel}/voiceBroadcastInfo"

    async def say(self, *, text_zh: str) -> None:
        body = BODY.format(ns=ISAPI_NS, text=xml_text(self.tts_prefix + text_zh))
        try:
            await self.isapi.request("PUT", self._path, body)
        except IoError as failed:
            raise DisplayError(str(failed)) from failed

    async def show(self, *, text_zh: str, text_en: str = "", level: str = "info") -> None:
        """A speaker has no screen; showing is the screen's job (LaneDisplay)."""
        return None

    async def aclose(self) -> None:
        await self.isapi.aclose()
