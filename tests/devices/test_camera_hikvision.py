"""Hikvision ISAPI ANPR pushes, from their bytes: multipart and bare XML, every namespace, refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from devices.camera.hikvision import MAX_BODY_BYTES, AnprRefused, parse_anpr
from devices.sim.camera import PICTURES, anpr_multipart, tiny_jpeg

DATA = Path(__file__).parents[1] / "data" / "cameras"
CST = timezone(timedelta(hours=8))
PLATE_JPEG, SCENE_JPEG = tiny_jpeg("licensePlatePicture"), tiny_jpeg("detectionPicture")


def _sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def _push(xml_name: str) -> tuple[str, bytes]:
    return anpr_multipart(_sample(xml_name), {PICTURES[0]: PLATE_JPEG, PICTURES[1]: SCENE_JPEG})


def _part(headers: str, data: bytes, boundary: str = "MIME_boundary") -> bytes:
    return f"--{boundary}\r\n{headers}\r\n\r\n".encode() + data + b"\r\n"


def test_isapi_namespace_multipart_push() -> None:
    read = parse_anpr(*_push("hikvision_anpr_isapi.xml"))
    assert read is not None
    assert (read.plate, read.colour, read.confidence, read.lane_no) == ("蒙K66888", "yellow", 98, 2)
    assert read.event_id == "6f1c3a52-9b2e-4d7a-8c11-2f0e5d3b7a90"
    assert read.at == datetime(2026, 3, 15, 10, 30, 45, 123000, tzinfo=CST)  # dateTime + absTime ms
    assert read.camera == "192.168.1.64"
    assert read.pictures == {"licensePlatePicture.jpg": PLATE_JPEG, "detectionPicture.jpg": SCENE_JPEG}


def test_hikvision_namespace_multipart_push() -> None:
    read = parse_anpr(*_push("hikvision_anpr_hikvision_ns.xml"))
    assert read is not None
    assert (read.plate, read.colour, read.lane_no) == ("蒙K12345D", "yellow_green", 1)
    assert read.event_id == "0d7e2a44-31c5-4b6f-9e80-5a1c2b3d4e5f"
    assert read.pictures["detectionPicture.jpg"] == SCENE_JPEG


@pytest.mark.parametrize("content_type", ["application/xml; charset=UTF-8", "text/xml", ""])
def test_bare_xml_without_namespace_or_uuid(content_type: str) -> None:
    read = parse_anpr(content_type, _sample("hikvision_anpr_no_ns.xml"))
    assert read is not None
    assert (read.plate, read.colour, read.confidence) == ("蒙K66888", "yellow_green", 87)
    # No UUID: plate + absTime is the key; a dateTime without an offset is China time.
    assert read.event_id == "蒙K66888@20260315111531007"
    assert read.at == datetime(2026, 3, 15, 11, 15, 31, 7000, tzinfo=CST)
    assert read.at.astimezone(UTC).hour == 3
    assert read.pictures == {}


def test_no_plate_is_an_unreadable_read() -> None:
    read = parse_anpr(*_push("hikvision_anpr_no_plate.xml"))
    assert read is not None
    assert (read.plate, read.colour, read.confidence) == ("", "unknown", 0)


@pytest.mark.parametrize("multipart", [False, True])
def test_heartbeat_is_not_a_read(multipart: bool) -> None:
    body = _sample("hikvision_heartbeat.xml")
    assert parse_anpr(*(anpr_multipart(body, {}) if multipart else ("application/xml", body))) is None


def test_other_documents_are_not_reads() -> None:
    status = b'<?xml version="1.0"?><ResponseStatus><statusCode>1</statusCode></ResponseStatus>'
    assert parse_anpr("application/xml", status) is None
    no_anpr = _sample("hikvision_anpr_isapi.xml").replace(b"<ANPR>", b"<X>").replace(b"</ANPR>", b"</X>")
    assert parse_anpr("application/xml", no_anpr) is None


@pytest.mark.parametrize("multipart", [False, True])
def test_entity_declarations_are_refused(multipart: bool) -> None:
    body = _sample("hikvision_entity_bomb.xml")
    with pytest.raises(AnprRefused) as refused:
        parse_anpr(*(anpr_multipart(body, {}) if multipart else ("application/xml", body)))
    assert refused.value.code == "declaration"
    lower_case = body.replace(b"<!DOCTYPE", b"<!doctype").replace(b"<!ENTITY", b"<!entity")
    with pytest.raises(AnprRefused):
        parse_anpr("application/xml", lower_case)


def test_oversize_and_malformed_bodies_are_refused() -> None:
    with pytest.raises(AnprRefused) as refused:
        parse_anpr("application/xml", b"<a/>" + bytes(MAX_BODY_BYTES))
    assert refused.value.code == "too_large"
    with pytest.raises(AnprRefused) as refused:
        parse_anpr("application/xml", _sample("hikvision_anpr_isapi.xml")[:-30])
    assert refused.value.code == "xml"
    with pytest.raises(AnprRefused) as refused:
        parse_anpr("multipart/form-data; boundary=b", b"--b\r\nContent-Type: image/jpeg\r\n\r\n" + PLATE_JPEG)
    assert refused.value.code == "no_xml"
    with pytest.raises(AnprRefused):
        parse_anpr("multipart/form-data", b"no boundary parameter")


def test_parts_are_matched_by_filename_and_content_type_not_field_name() -> None:
    xml = _sample("hikvision_anpr_isapi.xml")
    body = (
        # XML labelled text/plain, no filename: found by its content
        _part('Content-Disposition: form-data; name="MoveDetection.xml"\r\nContent-Type: text/plain', xml)
        + _part(
            'Content-Disposition: form-data; name="image1"; filename="detectionPicture.jpg"\r\n'
            "Content-Type: image/jpeg",
            SCENE_JPEG,
        )
        # a JPEG without a filename takes the pictureInfo name left over
        + _part(
            'Content-Disposition: form-data; name="licensePlatePicture.jpg"\r\nContent-Type: image/jpeg',
            PLATE_JPEG,
        )
        + b"--MIME_boundary--\r\n"
    )
    read = parse_anpr('multipart/form-data; boundary="MIME_boundary"', body)
    assert read is not None and read.plate == "蒙K66888"
    assert read.pictures == {"detectionPicture.jpg": SCENE_JPEG, "licensePlatePicture.jpg": PLATE_JPEG}


def test_bare_lf_line_breaks_and_a_missing_close_delimiter() -> None:
    xml = _sample("hikvision_anpr_isapi.xml")
    body = (
        b'--b\nContent-Disposition: form-data; name="anpr.xml"; filename="anpr.xml"\nContent-Type: text/xml\n\n'
        + xml
        + b'\n--b\nContent-Disposition: form-data; filename="licensePlatePicture.jpg"\n\n'
        + PLATE_JPEG
    )
    read = parse_anpr("multipart/form-data; boundary=b", body)
    assert read is not None
    assert read.pictures == {"licensePlatePicture.jpg": PLATE_JPEG}


def test_at_most_four_pictures_are_kept() -> None:
    pictures = {f"p{n}.jpg": tiny_jpeg(str(n)) for n in range(7)}
    read = parse_anpr(*anpr_multipart(_sample("hikvision_anpr_isapi.xml"), pictures))
    assert read is not None
    assert read.pictures == {f"p{n}.jpg": tiny_jpeg(str(n)) for n in range(4)}
