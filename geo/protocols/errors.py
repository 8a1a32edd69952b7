"""The base of every refused wire frame, whatever the protocol (JT/T 808 here, weighing indicators in
devices/weighbridge): a `ValueError` with a stable `code` per reason and the refused bytes in `raw`.
Each protocol subclasses it once (its own `FrameError`) and once more per reason."""

from __future__ import annotations


class ProtocolFrameError(ValueError):
    code: str = "frame"

    def __init__(self, message: str, raw: bytes = b"") -> None:
        super().__init__(f"{self.code}: {message}")
        self.raw = raw

    def __reduce__(self) -> tuple[type[ProtocolFrameError], tuple[str, bytes]]:
        # Keep the plain message (without the code prefix) and raw bytes across pickling.
        return (type(self), (str(self).split(": ", 1)[1], self.raw))
