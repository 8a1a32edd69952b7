"""The lane's LED screen and voice: see base.py for the interface, lane.py for the composition."""

from devices.display.base import Display, DisplayError
from devices.display.lane import LaneDisplay, LogDisplay

__all__ = ["Display", "DisplayError", "LaneDisplay", "LogDisplay"]
