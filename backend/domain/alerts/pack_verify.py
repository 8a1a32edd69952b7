"""Re-verifying an evidence pack (packs.py) from its bytes alone: no database, no network.

Every file the manifest lists must be in the zip with that size and SHA-256, and nothing else may
ride along (besides the manifest and its signature). With the platform's settings at hand (the
`meitong evidence verify-pack` command, or a test) the manifest's Ed25519 signature is checked as
well, so a pack whose files AND manifest were rewritten together still fails. Without them, a
regulator's own script recomputes the same hashes (docs/evidence-packs.md shows how).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
import zlib
from typing import Any

from backend.domain.alerts.packs import FORMAT, MANIFEST, SIGNATURE
from backend.domain.alerts.schemas import PackCheck
from backend.domain.evidence import service as evidence
from backend.settings import Settings


def _fail(problem: str, checked: int = 0, manifest_sha256: str | None = None) -> PackCheck:
    return PackCheck(ok=False, files_checked=checked, problems=[problem], signature="unchecked",
                     manifest_sha256=manifest_sha256)


def _signature(archive: zipfile.ZipFile, names: set[str], manifest_sha256: str, settings: Settings | None) -> str:
    if settings is None or SIGNATURE not in names:
        return "unchecked" if SIGNATURE in names else "invalid"
    try:
        sig: dict[str, Any] = json.loads(archive.read(SIGNATURE))
        good = (sig.get("manifestSha256") == manifest_sha256
                and evidence.verify_hash(settings, kid=str(sig.get("kid", "")), hash_hex=manifest_sha256,
                                         signature_hex=str(sig.get("signature", ""))))
    except (ValueError, zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError):
        good = False
    return "valid" if good else "invalid"


def verify_pack(data: bytes, *, settings: Settings | None = None) -> PackCheck:
    """Check a pack's bytes; never raises for a damaged or foreign file (it answers not ok, and why)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return _fail("not a zip file / 不是 zip 文件")
    with archive:
        names = set(archive.namelist())
        if MANIFEST not in names:
            return _fail("manifest.json missing / 缺少清单")
        try:
            manifest_bytes = archive.read(MANIFEST)
            manifest = json.loads(manifest_bytes)
            listed = manifest["files"]
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError, TypeError):
            return _fail("manifest.json unreadable / 清单无法读取")
        if not isinstance(manifest, dict) or not isinstance(listed, list) or not all(isinstance(e, dict) for e in listed):
            return _fail("manifest.json unreadable / 清单无法读取")
        manifest_sha256 = hashlib.sha256(manifest_bytes).hexdigest()
        problems: list[str] = []
        if manifest.get("format") != FORMAT:
            problems.append(f"unknown format {manifest.get('format')!r}")
        checked = 0
        for entry in listed:
            name = str(entry.get("name", ""))
            if name not in names:
                problems.append(f"{name}: missing / 缺失")
                continue
            try:
                content = archive.read(name)
            # A flipped byte fails the zip's CRC, or breaks its deflate stream before that.
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
                problems.append(f"{name}: damaged ({exc}) / 文件损坏")
                continue
            if len(content) != entry.get("size") or hashlib.sha256(content).hexdigest() != entry.get("sha256"):
                problems.append(f"{name}: size or SHA-256 differs / 大小或哈希不符")
                continue
            checked += 1
        extra = names - {str(e.get("name", "")) for e in listed} - {MANIFEST, SIGNATURE}
        problems += [f"{name}: not in the manifest / 清单外文件" for name in sorted(extra)]
        signature = _signature(archive, names, manifest_sha256, settings)
    if signature == "invalid":
        problems.append("manifest signature invalid / 清单签名无效")
    return PackCheck(ok=not problems, files_checked=checked, problems=problems, signature=signature,
                     manifest_sha256=manifest_sha256)
