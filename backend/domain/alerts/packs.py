"""Evidence packs (证据包, issue 13 point 5): every alert downloads as one zip of what proves it.

What proves an alert is named by its catalogue kind (`AlertKind.evidence`: "lane_trace", "positions",
"ticket"...). The features that hold those records sit above alerts in the layers (weighing, waybills),
so alerts cannot import them: each registers a collector for the names it can answer, in its
`alert_evidence.py` plug-in (backend/features.py loads them), the same way subscribers plug in:

    @alerts.evidence_collector("lane_trace")
    async def lane_trace(session, ctx, alert) -> list[PackFile]: ...

A collector reads only (never writes, never flushes) and answers [] when the alert is not its kind
of record (a weighing collector asked about a GPS alert). Several collectors may answer one name.

The zip holds alert.json, timeline.json (steps, appeals, attached files), the attachments, every
collected file, manifest.json (each file's name, size, SHA-256 and media type; which evidence was
found and which not) and manifest.sig.json (the platform's Ed25519 signature over the manifest's
SHA-256, with the evidence chain's key): the hashes re-verify offline, and the signature shows the
manifest itself was not rewritten (pack_verify.py, `meitong evidence verify-pack`).
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import uuid
import zipfile
from collections.abc import Awaitable, Callable
from datetime import UTC
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend import files
from backend.context import Context
from backend.db.base import utcnow
from backend.domain.alerts import catalogue
from backend.domain.alerts.access import access_alert
from backend.domain.alerts.models import AlertAppeal, AlertFile, AlertStep
from backend.domain.alerts.rows import appeal_out, file_out, out, step_out
from backend.domain.alerts.schemas import AlertOut, EvidencePack, PackFile
from backend.domain.audit import service as audit
from backend.domain.audit.schemas import Reader, Subject
from backend.domain.evidence import service as evidence
from backend.domain.identity.schemas import Principal, Role

FORMAT = "meitong.alert-pack.v1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig.json"
# Every entry carries the same time, so one pack's bytes depend on its contents only.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

Collector = Callable[[AsyncSession, Context, AlertOut], Awaitable[list[PackFile]]]
_COLLECTORS: dict[str, list[Collector]] = {}


def evidence_collector(name: str) -> Callable[[Collector], Collector]:
    """Register a collector for one evidence name of the catalogue (a typo is refused at import)."""
    known = {e for k in catalogue.KINDS.values() for e in k.evidence}
    if name not in known:
        raise ValueError(f"no alert kind names evidence {name!r}")

    def register(fn: Collector) -> Collector:
        if fn not in _COLLECTORS.setdefault(name, []):
            _COLLECTORS[name].append(fn)
        return fn
    return register


def collectors() -> dict[str, list[Collector]]:
    return {name: list(fns) for name, fns in _COLLECTORS.items()}


def ref_id(alert: AlertOut, prefix: str) -> uuid.UUID | None:
    """The record id of a ref "<prefix>:<uuid>" ("weighing:…", "gps_event:…"); None for any other ref."""
    head, _, tail = alert.ref.partition(":")
    if head != prefix:
        return None
    try:
        return uuid.UUID(tail)
    except ValueError:
        return None


def json_file(name: str, value: Any, *, personal: tuple[Subject, ...] = ()) -> PackFile:
    """A JSON file of the pack: UTF-8, keys as given, indented for a person reading it."""
    data = json.dumps(msgspec.to_builtins(value), ensure_ascii=False, indent=2, sort_keys=False).encode() + b"\n"
    return PackFile(name=name, data=data, media_type="application/json", personal=personal)


async def stored_file(ctx: Context, name: str, sha256: str, media_type: str) -> PackFile | None:
    """A file of the content-addressed store, re-checked against its name (None when it is gone)."""
    store = files.store(ctx.settings)
    try:
        data = await asyncio.to_thread(store.get, sha256)
    except (FileNotFoundError, ValueError):
        return None
    if hashlib.sha256(data).hexdigest() != sha256:  # a damaged store file is no evidence
        return None
    return PackFile(name=name, data=data, media_type=media_type)


async def _timeline(session: AsyncSession, ctx: Context, alert_id: uuid.UUID) -> tuple[dict[str, Any], list[PackFile]]:
    steps = (await session.execute(select(AlertStep).where(AlertStep.alert_id == alert_id)
                                   .order_by(AlertStep.at, AlertStep.id))).scalars().all()
    appeals = (await session.execute(select(AlertAppeal).where(AlertAppeal.alert_id == alert_id)
                                     .order_by(AlertAppeal.filed_at, AlertAppeal.id))).scalars().all()
    # Attached files only: an upload nobody submitted yet is the uploader's draft, not evidence.
    rows = (await session.execute(select(AlertFile).where(AlertFile.alert_id == alert_id, AlertFile.step_id.is_not(None))
                                  .order_by(AlertFile.uploaded_at, AlertFile.id))).scalars().all()
    attachments: list[PackFile] = []
    for i, row in enumerate(rows, start=1):
        stored = await stored_file(ctx, f"attachments/{i:02d}-{row.purpose}-{_safe(row.name)}", row.sha256,
                                   row.media_type)
        if stored is not None:
            attachments.append(stored)
    timeline = {"steps": [step_out(s) for s in steps], "appeals": [appeal_out(a) for a in appeals],
                "files": [file_out(f) for f in rows]}
    return timeline, attachments


def _safe(name: str) -> str:
    """A name safe inside a zip: no directories, no control characters."""
    cleaned = "".join(c if c.isprintable() and c not in "/\\:" else "_" for c in name).strip(". ")
    return cleaned[:80] or "file"


def _reader(actor: Principal, org_id: uuid.UUID) -> Reader:
    """The capacity the actor read the pack in: the handling organisation, a regulator's region, the platform."""
    found = (next((m for m in actor.memberships if m.org_id == org_id), None)
             or next((m for m in actor.memberships if m.role == Role.REGULATOR), None)
             or (actor.memberships[0] if actor.memberships else None))
    role = found.role if found else (Role.PLATFORM_ADMIN if actor.is_platform_admin else "")
    who = actor.actor
    return Reader(user_id=who.user_id, name=actor.name if actor.machine_key is None else who.label, label=who.label,
                  org_id=found.org_id if found else None, role=str(role), client=actor.client, route=actor.route)


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


async def build_pack(session: AsyncSession, *, ctx: Context, actor: Principal, alert_id: uuid.UUID) -> EvidencePack:
    """The alert's evidence pack for a reader of the alert (404 for anyone else, as the alert).
    Reads only, except the audited read of personal data (a truck's track names its driver)."""
    row = await access_alert(session, actor, alert_id)
    alert = out(row)
    kind = catalogue.KINDS.get(alert.kind)
    timeline, attachments = await _timeline(session, ctx, alert.id)
    collected: dict[str, PackFile] = {}
    evidence_index: list[dict[str, Any]] = []
    for name in kind.evidence if kind else ():
        names: list[str] = []
        for collect in _COLLECTORS.get(name, []):
            for f in await collect(session, ctx, alert):
                if f.name not in collected and f.name not in (MANIFEST, SIGNATURE, "alert.json", "timeline.json"):
                    collected[f.name] = f
                    names.append(f.name)
        evidence_index.append({"name": name, "found": bool(names), "files": names})
    evidence_index.append({"name": "attachments", "found": bool(attachments), "files": [a.name for a in attachments]})
    pack_files = [json_file("alert.json", alert), json_file("timeline.json", timeline), *attachments,
                  *sorted(collected.values(), key=lambda f: f.name)]
    generated_at = utcnow()
    manifest = {
        "format": FORMAT, "alertId": str(alert.id), "kind": alert.kind, "grade": alert.grade.value, "ref": alert.ref,
        "raisedAt": alert.raised_at.astimezone(UTC).isoformat(), "generatedAt": generated_at.astimezone(UTC).isoformat(),
        "evidence": evidence_index,
        "files": [{"name": f.name, "size": len(f.data), "sha256": hashlib.sha256(f.data).hexdigest(),
                   "mediaType": f.media_type} for f in pack_files],
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode() + b"\n"
    manifest_sha256 = hashlib.sha256(manifest_bytes).hexdigest()
    kid, signature = evidence.sign_hash(ctx.settings, manifest_sha256)
    sig_bytes = json.dumps({"alg": "Ed25519", "kid": kid, "manifestSha256": manifest_sha256,
                            "signature": signature}, indent=2).encode() + b"\n"
    entries = [(f.name, f.data) for f in pack_files] + [(MANIFEST, manifest_bytes), (SIGNATURE, sig_bytes)]
    data = await asyncio.to_thread(_zip, entries)
    subjects = list(dict.fromkeys(s for f in pack_files for s in f.personal))
    if subjects and actor.route:  # a person (or system) asking through a route looks; the platform's own work does not
        await audit.record_reads(session, reader=_reader(actor, row.org_id), subjects=subjects,
                                 channel="interface" if actor.machine_key is not None else "app")
    return EvidencePack(alert_id=alert.id, filename=f"alert-{alert.id}.zip", data=data, manifest_sha256=manifest_sha256,
                        files=len(pack_files), generated_at=generated_at)
