"""Alarm and status bits of 0x0200 (JT/T 808-2013 tables 24/25). Unnamed bits are kept as values."""

from __future__ import annotations

from enum import IntFlag


class Alarm(IntFlag):
    SOS = 1 << 0
    OVERSPEED = 1 << 1
    FATIGUE = 1 << 2
    DANGER_WARNING = 1 << 3
    GNSS_FAULT = 1 << 4
    GNSS_ANTENNA_CUT = 1 << 5
    GNSS_ANTENNA_SHORT = 1 << 6
    POWER_UNDERVOLTAGE = 1 << 7
    POWER_CUT = 1 << 8
    DISPLAY_FAULT = 1 << 9
    TTS_FAULT = 1 << 10
    CAMERA_FAULT = 1 << 11
    IC_CARD_FAULT = 1 << 12
    OVERSPEED_WARNING = 1 << 13
    FATIGUE_WARNING = 1 << 14
    DAILY_DRIVING_TIMEOUT = 1 << 18
    STOP_TIMEOUT = 1 << 19
    AREA_IN_OUT = 1 << 20
    ROUTE_IN_OUT = 1 << 21
    SEGMENT_TIME = 1 << 22
    ROUTE_DEVIATION = 1 << 23
    VSS_FAULT = 1 << 24
    FUEL_ABNORMAL = 1 << 25
    STOLEN = 1 << 26
    ILLEGAL_IGNITION = 1 << 27
    ILLEGAL_DISPLACEMENT = 1 << 28
    COLLISION = 1 << 29
    ROLLOVER = 1 << 30
    ILLEGAL_DOOR_OPEN = 1 << 31


class Status(IntFlag):
    ACC_ON = 1 << 0
    FIX_VALID = 1 << 1
    SOUTH = 1 << 2
    WEST = 1 << 3
    OUT_OF_SERVICE = 1 << 4
    COORDINATES_ENCRYPTED = 1 << 5
    LOAD_BIT_8 = 1 << 8  # bits 8–9: 00 empty, 01 half, 11 full; see `load`
    LOAD_BIT_9 = 1 << 9
    OIL_CIRCUIT_CUT = 1 << 10
    ELECTRIC_CIRCUIT_CUT = 1 << 11
    DOORS_LOCKED = 1 << 12
    DOOR_1_OPEN = 1 << 13
    DOOR_2_OPEN = 1 << 14
    DOOR_3_OPEN = 1 << 15
    DOOR_4_OPEN = 1 << 16
    DOOR_5_OPEN = 1 << 17
    GPS_USED = 1 << 18
    BEIDOU_USED = 1 << 19
    GLONASS_USED = 1 << 20
    GALILEO_USED = 1 << 21


LOAD_NAMES = {0b00: "empty", 0b01: "half", 0b11: "full"}


def load(status: int) -> str:
    """Status bits 8–9; 0b10 is not defined by the standard."""
    return LOAD_NAMES.get((status >> 8) & 0b11, "undefined")
