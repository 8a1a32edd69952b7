"""Hikvision ISAPI ANPR push: the body a camera POSTs, parsed into a `PlateRead`.

The camera POSTs multipart/form-data: an XML part (anpr.xml, root `EventNotificationAlert`) and JPEG
parts named by `ANPR/pictureInfoList/pictureInfo/fileName` (licensePlatePicture.jpg,
detectionPicture.jpg); some firmware sends the XML alone. Parts are matched by filename or content
type: form field names differ between firmware. The XML namespace is isapi.org, hikvision.com or
none, so elements are matched by local name. Heartbeats (eventType videoloss/heartBeat) and other
events give None. See reference/devices.md §4.1.
"""

from __future__ import annotations

import re
from contextlib import suppress
from datetime import UTC, datetime, timedelta, timezone
from xml.etree import ElementTree

from devices.camera.base import PlateRead
from devices.camera.multipart import MultipartError, MultipartReader, Part, content_type_params
from devices.camera.plates import normalise_plate, plate_colour

MAX_BODY_BYTES = 8 << 20
MAX_XML_BYTES = 256 << 10
MAX_PICTURES = 4
MAX_PARTS = 12
# Cameras on a Chinese site keep local time; a dateTime without an offset is taken as this zone.
CHINA_TZ = timezone(timedelta(hours=8), "CST")
# Entity declarations allow expansion bombs and external fetches; an ANPR push never needs them.
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_XML_TYPES = frozenset({"application/xml", "text/xml"})


class AnprRefused(ValueError):
    """The body is not a push we accept; `code` is too_large | declaration | xml | multipart | no_xml."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


def parse_anpr(
    content_type: str, body: bytes, *, camera: str = "", tz: timezone = CHINA_TZ
) -> PlateRead | None:
    """The read in one push, None for heartbeats and other events; raises AnprRefused.

    `camera` names the source; when "" the XML's ipAddress (else macAddress) is used.
    """
    if len(body) > MAX_BODY_BYTES:
        raise AnprRefused("too_large", f"{len(body)} bytes")
    mime, params = content_type_params(content_type) if content_type else ("", {})
    if mime.startswith("multipart/"):
        xml, files = _split(body, params.get("boundary", ""))
    else:
        xml, files = body, []
    root = parse_xml(xml)
    if _local(root.tag) != "EventNotificationAlert" or _text(root, "eventType").lower() != "anpr":
        return None
    anpr = _child(root, "ANPR")
    if anpr is None:
        return None
    plate = normalise_plate(_text(anpr, "licensePlate"))
    infos = _children(_child(anpr, "pictureInfoList"), "pictureInfo")
    abs_time = next((t for t in (_text(i, "absTime") for i in infos) if t), "") or _text(anpr, "absTime")
    date_time = _text(root, "dateTime")
    return PlateRead(
        plate=plate,
        colour=plate_colour(_text(anpr, "plateColor")),
        event_id=_text(root, "UUID") or f"{plate}@{abs_time or date_time}",
        at=_event_time(date_time, abs_time, tz),
        camera=camera or _text(root, "ipAddress") or _text(root, "macAddress"),
        confidence=_int(_text(anpr, "confidenceLevel"), 0, 100),
        lane_no=_int(_text(anpr, "laneNo") or _text(anpr, "line"), 0, 99),
        pictures=_pictures(files, [_text(i, "fileName") for i in infos]),
    )


def parse_xml(xml: bytes) -> ElementTree.Element:
    """Parse a small XML document, refusing DOCTYPE/ENTITY declarations (raises AnprRefused)."""
    if len(xml) > MAX_XML_BYTES:
        raise AnprRefused("too_large", "XML part")
    if _DECLARATION.search(xml):
        raise AnprRefused("declaration", "DOCTYPE/ENTITY declarations are refused")
    try:
        return ElementTree.fromstring(xml)
    except (ElementTree.ParseError, ValueError, LookupError) as exc:  # LookupError: unknown encoding
        raise AnprRefused("xml", str(exc)) from None


def _split(body: bytes, boundary: str) -> tuple[bytes, list[Part]]:
    """(the XML part's body, the other parts)."""
    try:
        reader = MultipartReader(boundary, max_part_bytes=MAX_BODY_BYTES)
        parts = reader.feed(body) + reader.finish()
    except MultipartError as exc:
        raise AnprRefused("multipart", str(exc)) from None
    if len(parts) > MAX_PARTS:
        raise AnprRefused("multipart", f"{len(parts)} parts")
    for i, part in enumerate(parts):
        if part.content_type in _XML_TYPES or part.filename.lower().endswith(".xml"):
            return part.body, parts[:i] + parts[i + 1 :]
    for i, part in enumerate(parts):  # firmware that labels the XML part text/plain or not at all
        if part.body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") and not _is_jpeg(part):
            return part.body, parts[:i] + parts[i + 1 :]
    raise AnprRefused("no_xml", "no XML part")


def _pictures(parts: list[Part], names: list[str]) -> dict[str, bytes]:
    """JPEG parts by file name; a part without a filename takes the next unused pictureInfo name."""
    pictures: dict[str, bytes] = {}
    jpegs = [part for part in parts if _is_jpeg(part)]
    spare = iter(n for n in names if n and n not in {p.filename for p in jpegs})
    for n, part in enumerate(jpegs[:MAX_PICTURES], start=1):
        pictures.setdefault(part.filename or next(spare, f"picture{n}.jpg"), part.body)
    return pictures


def _is_jpeg(part: Part) -> bool:
    return part.content_type in ("image/jpeg", "image/jpg") or part.body.startswith(b"\xff\xd8\xff")


def _event_time(date_time: str, abs_time: str, tz: timezone) -> datetime:
    """dateTime (ISO 8601, with an offset on most firmware), refined to the millisecond by the picture's
    absTime (local yyyyMMddHHmmssSSS) when both name the same second; either alone; else now."""
    at = abs_at = None
    with suppress(ValueError):
        at = datetime.fromisoformat(date_time)
        at = at if at.tzinfo else at.replace(tzinfo=tz)
    with suppress(ValueError):
        abs_at = _abs_time(abs_time)
    if at is None:
        return abs_at.replace(tzinfo=tz) if abs_at else datetime.now(UTC)
    if abs_at is not None and abs_at.replace(microsecond=0) == at.replace(tzinfo=None, microsecond=0):
        return at.replace(microsecond=abs_at.microsecond)
    return at


def _abs_time(text: str) -> datetime:
    """absTime: local time to the millisecond, e.g. 20260315103045123."""
    at = datetime.strptime(text[:14], "%Y%m%d%H%M%S")
    return at.replace(microsecond=1000 * int(text[14:17])) if text[14:17].isdigit() else at


def _int(text: str, low: int, high: int) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and low <= int(text) <= high else None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: ElementTree.Element | None, name: str) -> list[ElementTree.Element]:
    return [] if element is None else [c for c in element if _local(c.tag) == name]


def _child(element: ElementTree.Element | None, name: str) -> ElementTree.Element | None:
    return next(iter(_children(element, name)), None)


def _text(element: ElementTree.Element | None, name: str) -> str:
    child = _child(element, name)
    return (child.text or "").strip() if child is not None else ""
