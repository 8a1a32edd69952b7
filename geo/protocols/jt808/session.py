"""Session messages: 0x0100 register, 0x8100 its reply, 0x0102 authenticate, 0x8001/0x0001 replies.

Strings are GBK; fixed-width id fields are NUL-padded on the right.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from geo.protocols.jt808.errors import FrameFormatError

# Widths of manufacturer id, model and terminal id per layout (reference §5).
REGISTRATION_WIDTHS = {"2011": (5, 8, 7), "2013": (5, 20, 7), "2019": (11, 30, 30)}
# A 2013 body is at least 2+2+5+20+7+1 = 37 bytes; shorter ones are 2011 (yezhihao's rule).
MIN_2013_REGISTRATION_BYTES = 37


def _text(raw: bytes) -> str:
    try:
        return raw.rstrip(b"\x00").decode("gbk")
    except UnicodeDecodeError:
        raise FrameFormatError("string is not GBK", raw) from None


def _fixed(text: str, width: int) -> bytes:
    raw = text.encode("gbk")
    if len(raw) > width:
        raise ValueError(f"{text!r} longer than {width} bytes")
    return raw.ljust(width, b"\x00")


@dataclass(frozen=True, slots=True)
class Registration:
    province_id: int  # GB/T 2260
    city_id: int
    maker_id: str
    model: str
    terminal_hw_id: str
    plate_color: int  # 0 unplated (plate holds the VIN), 1 blue, 2 yellow, 3 black, 4 white, 9 other
    plate: str
    layout: str = "2013"  # "2011", "2013" or "2019"


def decode_registration(body: bytes, *, version_2019: bool) -> Registration:
    layout = "2019" if version_2019 else "2013" if len(body) >= MIN_2013_REGISTRATION_BYTES else "2011"
    maker_w, model_w, hw_w = REGISTRATION_WIDTHS[layout]
    fixed = 4 + maker_w + model_w + hw_w + 1
    if len(body) < fixed:
        raise FrameFormatError(f"registration needs {fixed} bytes, got {len(body)}", body)
    province_id, city_id = struct.unpack_from(">HH", body)
    maker_end = 4 + maker_w
    model_end = maker_end + model_w
    hw_end = model_end + hw_w
    return Registration(
        province_id=province_id,
        city_id=city_id,
        maker_id=_text(body[4:maker_end]),
        model=_text(body[maker_end:model_end]),
        terminal_hw_id=_text(body[model_end:hw_end]),
        plate_color=body[hw_end],
        plate=_text(body[hw_end + 1 :]),
        layout=layout,
    )


def encode_registration(reg: Registration) -> bytes:
    maker_w, model_w, hw_w = REGISTRATION_WIDTHS[reg.layout]
    return (
        struct.pack(">HH", reg.province_id, reg.city_id)
        + _fixed(reg.maker_id, maker_w)
        + _fixed(reg.model, model_w)
        + _fixed(reg.terminal_hw_id, hw_w)
        + bytes([reg.plate_color])
        + reg.plate.encode("gbk")
    )


@dataclass(frozen=True, slots=True)
class RegistrationReply:
    reply_seq: int
    result: int  # 0 ok, 1 vehicle registered, 2 no vehicle, 3 terminal registered, 4 no terminal
    auth_code: str | None = None  # only on success


def decode_registration_reply(body: bytes) -> RegistrationReply:
    if len(body) < 3:
        raise FrameFormatError("registration reply needs 3 bytes", body)
    reply_seq, result = struct.unpack_from(">HB", body)
    return RegistrationReply(reply_seq, result, _text(body[3:]) if result == 0 else None)


def encode_registration_reply(reply: RegistrationReply) -> bytes:
    code = (reply.auth_code or "").encode("gbk") if reply.result == 0 else b""
    return struct.pack(">HB", reply.reply_seq, reply.result) + code


@dataclass(frozen=True, slots=True)
class Authentication:
    auth_code: str
    imei: str | None = None  # 2019: BYTE[15]
    software_version: str | None = None  # 2019: BYTE[20]


def decode_authentication(body: bytes, *, version_2019: bool) -> Authentication:
    if not version_2019:
        return Authentication(_text(body))
    if not body or len(body) != 1 + body[0] + 15 + 20:
        raise FrameFormatError("2019 authentication is code length, code, IMEI[15], version[20]", body)
    end = 1 + body[0]
    return Authentication(_text(body[1:end]), _text(body[end : end + 15]), _text(body[end + 15 :]))


def encode_authentication(auth: Authentication, *, version_2019: bool) -> bytes:
    code = auth.auth_code.encode("gbk")
    if not version_2019:
        return code
    if len(code) > 0xFF:
        raise ValueError("auth code longer than 255 bytes")
    return bytes([len(code)]) + code + _fixed(auth.imei or "", 15) + _fixed(auth.software_version or "", 20)


@dataclass(frozen=True, slots=True)
class GeneralReply:
    """0x8001 (platform) and 0x0001 (terminal) share this body."""

    reply_seq: int
    reply_msg_id: int
    result: int  # 0 ok, 1 fail, 2 bad message, 3 unsupported, 4 alarm handled (0x8001 only)


def decode_general_reply(body: bytes) -> GeneralReply:
    if len(body) != 5:
        raise FrameFormatError(f"general reply is 5 bytes, got {len(body)}", body)
    return GeneralReply(*struct.unpack(">HHB", body))


def encode_general_reply(reply: GeneralReply) -> bytes:
    return struct.pack(">HHB", reply.reply_seq, reply.reply_msg_id, reply.result)
