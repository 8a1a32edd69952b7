"""ANPR cameras: what the lane needs of them is a stream of plate reads.

Hikvision cameras push (ISAPI HTTP POST, multipart anpr.xml + JPEGs); Dahua cameras are read from
their long-lived event stream. Both become `PlateRead`s with the plate normalised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class PlateRead:
    """One recognised plate.

    plate       normalised (upper case, no spaces or separators, 蒙K66888); "" when unreadable
    colour      yellow | blue | green | yellow_green | white | black | unknown
    event_id    the camera's UUID, else plate + time: the de-duplication key
    at          when the camera saw it (aware datetime)
    pictures    file name -> JPEG bytes (plate close-up, scene), kept as evidence
    """

    plate: str
    colour: str
    event_id: str
    at: datetime
    camera: str = ""
    confidence: int | None = None
    direction: str | None = None
    lane_no: int | None = None
    pictures: dict[str, bytes] = field(default_factory=dict)


class PlateSource(Protocol):
    async def next_read(self) -> PlateRead:
        """Wait for the next (de-duplicated) read."""
        ...
