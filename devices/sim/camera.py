"""ANPR camera simulators: the bytes a Hikvision camera POSTs, the stream a Dahua camera serves.

`SimAnprCamera(url).push("蒙K66888")` POSTs what a Hikvision camera POSTs (reference §4.1): a
multipart/form-data body with anpr.xml (EventNotificationAlert, isapi.org namespace by default) and
two JPEGs named by pictureInfo/fileName. `dahua_stream_body` builds an attachFileProc stream
(reference §4.2) for tests. The JPEGs are real: one 8x8 grey baseline frame, built here.
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Sequence
from datetime import datetime
from struct import pack

import httpx

from devices.camera.hikvision import CHINA_TZ

ISAPI_NS = "http://www.isapi.org/ver20/XMLSchema"
HIKVISION_NS = "http://www.hikvision.com/ver20/XMLSchema"
PICTURES = ("licensePlatePicture.jpg", "detectionPicture.jpg")


def _segment(marker: int, payload: bytes) -> bytes:
    """A JPEG marker segment: FF, marker, 2-byte big-endian length (counting itself), payload."""
    return pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def tiny_jpeg(comment: str = "") -> bytes:
    """A valid 8x8 mid-grey baseline JPEG (about 130 bytes); `comment` goes into a COM segment."""
    one_code = bytes([1]) + bytes(15)  # Huffman counts: a single 1-bit code ("0")
    return b"".join(
        [
            b"\xff\xd8",  # SOI
            _segment(0xFE, comment.encode()) if comment else b"",  # COM
            _segment(0xDB, b"\x00" + bytes([1]) * 64),  # DQT: table 0, 8-bit, all ones
            _segment(0xC0, pack(">BHHB", 8, 8, 8, 1) + b"\x01\x11\x00"),  # SOF0: 8x8, 1 component
            _segment(0xC4, b"\x00" + one_code + b"\x00"),  # DHT DC 0: code "0" = category 0
            _segment(0xC4, b"\x10" + one_code + b"\x00"),  # DHT AC 0: code "0" = EOB
            _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00"),  # SOS: 1 component, tables 0/0, 0..63
            b"\x3f",  # DC diff 0 ("0"), EOB ("0"), padded with 1 bits: the block is level 128
            b"\xff\xd9",  # EOI
        ]
    )


def anpr_xml(
    plate: str,
    *,
    colour: str = "yellow",
    at: datetime,
    uuid: str = "",
    namespace: str = ISAPI_NS,
    ip_address: str = "192.168.1.64",
    pictures: Sequence[str] = PICTURES,
) -> bytes:
    """An EventNotificationAlert as a DS-TCG405-E writes it; `uuid` "" leaves the UUID out."""
    abs_time = at.strftime("%Y%m%d%H%M%S") + f"{at.microsecond // 1000:03d}"
    infos = "".join(
        f"<pictureInfo><fileName>{name}</fileName><type>{name.removesuffix('.jpg')}</type>"
        f"<dataType>0</dataType><picRecogMode>1</picRecogMode><absTime>{abs_time}</absTime>"
        f"<plateRect><X>412</X><Y>633</Y><width>98</width><height>31</height></plateRect></pictureInfo>"
        for name in pictures
    )
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    text = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<EventNotificationAlert version="2.0"{xmlns}>'
        f"<ipAddress>{ip_address}</ipAddress><portNo>80</portNo><protocol>HTTP</protocol>"
        f"<macAddress>a4:14:37:5e:0c:21</macAddress><channelID>1</channelID>"
        f"<dateTime>{at.isoformat(timespec='seconds')}</dateTime><activePostCount>1</activePostCount>"
        f"<eventType>ANPR</eventType><eventState>active</eventState><eventDescription>ANPR</eventDescription>"
        f"<channelName>Camera 01</channelName><ANPR><country>3</country><licensePlate>{plate}</licensePlate>"
        f"<line>1</line><direction>forward</direction><confidenceLevel>96</confidenceLevel>"
        f"<plateType>unknown</plateType><plateColor>{colour}</plateColor><licenseBright>0</licenseBright>"
        f"<plateCharBelieve>99,98,97,99,96,99,99</plateCharBelieve><vehicleType>largeCar</vehicleType>"
        f"<detectDir>8</detectDir><barrierGateCtrlType>0</barrierGateCtrlType>"
        f"<vehicleInfo><index>1</index><colorDepth>2</colorDepth><color>white</color></vehicleInfo>"
        f"<pictureInfoList>{infos}</pictureInfoList><originalLicensePlate>{plate}</originalLicensePlate>"
        f"</ANPR>{f'<UUID>{uuid}</UUID>' if uuid else ''}<picNum>{len(pictures)}</picNum>"
        f"<isDataRetransmission>false</isDataRetransmission>"
        f"<VehicleGATInfo><plateColorByGAT>2</plateColorByGAT><vehicleTypeByGAT>H11</vehicleTypeByGAT>"
        f"</VehicleGATInfo><deviceUUID>3b0a5b1c-2a4e-11b2-8044-a414375e0c21</deviceUUID>"
        f"</EventNotificationAlert>"
    )
    return text.encode()


def anpr_multipart(xml: bytes, pictures: dict[str, bytes], boundary: str = "boundary") -> tuple[str, bytes]:
    """(Content-Type, body) of a push: the XML part, then one part per picture, named by file name."""
    parts = [('name="anpr.xml"; filename="anpr.xml"', "application/xml", xml)]
    parts += [(f'name="{name}"; filename="{name}"', "image/jpeg", data) for name, data in pictures.items()]
    body = b"".join(
        f"--{boundary}\r\nContent-Disposition: form-data; {disposition}\r\nContent-Type: {mime}\r\n"
        f"Content-Length: {len(data)}\r\n\r\n".encode()
        + data
        + b"\r\n"
        for disposition, mime, data in parts
    )
    return f"multipart/form-data; boundary={boundary}", body + f"--{boundary}--\r\n".encode()


class SimAnprCamera:
    """A Hikvision camera pushing to `url`; one keep-alive connection per `push`."""

    def __init__(self, url: str, *, ip_address: str = "192.168.1.64", namespace: str = ISAPI_NS) -> None:
        self.url = url
        self.ip_address = ip_address
        self.namespace = namespace

    async def push(
        self,
        plate: str,
        colour: str = "yellow",
        at: datetime | None = None,
        uuid: str | None = None,
        repeat: int = 1,
    ) -> list[int]:
        """POST one event `repeat` times (a re-POST is the same bytes); the HTTP statuses.
        `uuid` None makes a fresh one, "" sends none (older firmware); `at` None is now."""
        at = at or datetime.now(CHINA_TZ)
        at = at.replace(microsecond=at.microsecond // 1000 * 1000)  # absTime carries milliseconds
        event_uuid = str(uuidlib.uuid4()) if uuid is None else uuid
        xml = anpr_xml(
            plate, colour=colour, at=at, uuid=event_uuid, namespace=self.namespace, ip_address=self.ip_address
        )
        pictures = {name: tiny_jpeg(f"{name} {plate}") for name in PICTURES}
        content_type, body = anpr_multipart(xml, pictures)
        return await self.post(content_type, body, repeat=repeat)

    async def post(self, content_type: str, body: bytes, *, repeat: int = 1) -> list[int]:
        async with httpx.AsyncClient(timeout=5.0) as client:
            return [
                (
                    await client.post(self.url, content=body, headers={"Content-Type": content_type})
                ).status_code
                for _ in range(repeat)
            ]


def dahua_event_text(
    plate: str,
    *,
    colour: str = "Yellow",
    utc_s: int,
    utc_ms: int = 0,
    lane: int = 1,
    code: str = "TrafficJunction",
    group_id: int = 1,
) -> str:
    """The text part of one attachFileProc event, key=value lines as the camera writes them."""
    return (
        "\r\n".join(
            [
                f"Events[0].EventBaseInfo.Code={code}",
                "Events[0].EventBaseInfo.Action=Pulse",
                "Events[0].EventBaseInfo.Index=0",
                f"Events[0].GroupID={group_id}",
                "Events[0].CountInGroup=1",
                "Events[0].IndexInGroup=0",
                f"Events[0].Lane={lane}",
                "Events[0].PTS=42949485.000000",
                f"Events[0].UTC={utc_s}",
                f"Events[0].UTCMS={utc_ms}",
                f"Events[0].TrafficCar.PlateNumber={plate}",
                f"Events[0].TrafficCar.PlateColor={colour}",
                "Events[0].TrafficCar.PlateType=Yellow",
                "Events[0].TrafficCar.VehicleColor=White",
                f"Events[0].TrafficCar.Lane={lane}",
                f"Events[0].Object.Text={plate}",
                "Events[0].Object.Confidence=92",
            ]
        )
        + "\r\n"
    )


def dahua_stream_body(parts: Sequence[str | bytes], boundary: str = "myboundary") -> bytes:
    """An attachFileProc body: str parts are text/plain (an event, or "Heartbeat"), bytes image/jpeg."""
    out = bytearray()
    for part in parts:
        data, mime = (part.encode(), "text/plain") if isinstance(part, str) else (part, "image/jpeg")
        out += f"--{boundary}\r\nContent-Type: {mime}\r\nContent-Length: {len(data)}\r\n\r\n".encode()
        out += data + b"\r\n\r\n"
    return bytes(out)
