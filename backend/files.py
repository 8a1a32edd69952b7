"""Content-addressed file store (contract PDFs, scans, photos): a file is named by the sha256 of its
bytes, under <root>/ab/cd/<sha256>.

Naming by content means the same scan stored twice is kept once, a stored file can be re-checked
against its name at any time, and a name held in the database never points at different bytes.
Writes go to a temporary file in the target directory and are renamed into place, so a reader never
sees half a file, even when the process dies mid-write or two processes store the same bytes.

The methods block (disk I/O): async callers run them with `asyncio.to_thread`.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO

from backend.settings import Settings

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class FileStore:
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        """Where the file named `sha256` lives (whether or not it is stored yet)."""
        if not _SHA256.match(sha256):
            # Never build a path from anything but a digest: no "..", no separators.
            raise ValueError("not a sha256 hex digest")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        """Store `data`; returns its sha256 (hex). Storing bytes already present is a no-op."""
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path(sha256)
        if target.exists():
            return sha256
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)  # atomic on POSIX: the name appears with all its bytes or not at all
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        """The stored file opened for reading; FileNotFoundError when it is not stored."""
        return self.path(sha256).open("rb")

    def get(self, sha256: str) -> bytes:
        with self.open(sha256) as stored:
            return stored.read()


# Scans, photos and attachments are accepted by their magic number, never by the name or header sent.
DOCUMENT_MAGIC = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


def document_type(data: bytes) -> str | None:
    """The media type of a PDF, JPEG or PNG by its first bytes; None for anything else."""
    return next((kind for magic, kind in DOCUMENT_MAGIC if data.startswith(magic)), None)


def store(settings: Settings) -> FileStore:
    return FileStore(settings.files_dir)
