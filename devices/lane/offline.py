"""Deciding at the lane while the platform is unreachable (docs/lane-protocol.md §4).

Passes are checked with the site's sealed bundle and the platform's public keys (devices.passcode,
the same code the platform runs): the plate the camera read must be the pass's, the pass must be
for this site and valid now, its rolling code current. A plate-only site accepts, offline, only
plates of orders in the bundle. Tare or gross comes from this lane's own record of what it weighed.
Both the bundle and the keys are kept in the outbox's cache, so a lane restarted offline still works.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime

from devices.lane.answers import Decision
from devices.lane.link import PlatformLink
from devices.lane.outbox import Outbox
from devices.lane.states import message
from devices.passcode import OfflineBundle, PassVerifier, normalise_plate, open_bundle, verify, verify_static

log = logging.getLogger(__name__)


class OfflineGate:
    def __init__(self, *, site_id: uuid.UUID, device_secret: str, plate_only_allowed: bool, outbox: Outbox) -> None:
        self.site_id = site_id
        self._secret = device_secret
        self._plate_only = plate_only_allowed
        self._outbox = outbox
        self.verifier: PassVerifier | None = None
        self.bundle: OfflineBundle | None = None

    async def restore(self) -> None:
        """Load the keys and bundle cached by an earlier run (ignored if unreadable)."""
        keys, blob = await self._outbox.load_blob("pass_keys"), await self._outbox.load_blob("pass_bundle")
        try:
            if keys is not None:
                self.verifier = PassVerifier(json.loads(keys))
            if blob is not None:
                self._install(blob)
        except Exception as exc:  # a cache from another key or site: the next refresh replaces it
            log.warning("offline cache unusable: %s", exc)

    async def refresh(self, link: PlatformLink) -> None:
        """Fetch the keys and a new bundle; LinkDown / PlatformError / PassRefused propagate."""
        keys = await link.fetch_pass_keys()
        self.verifier = PassVerifier(keys)
        await self._outbox.save_blob("pass_keys", json.dumps(keys).encode("utf-8"))
        blob = await link.fetch_bundle()
        if self._install(blob):
            await self._outbox.save_blob("pass_bundle", blob)

    def _install(self, blob: bytes) -> bool:
        if self.verifier is None:
            return False
        bundle = open_bundle(blob, device_secret=self._secret, site_id=self.site_id, verifier=self.verifier)
        if self.bundle is not None and bundle.issued_at_s < self.bundle.issued_at_s:
            # An older bundle could bring back an order cancelled since (rollback).
            log.warning("offline bundle older than the one held: ignored")
            return False
        self.bundle = bundle
        return True

    async def decide(self, *, plate: str, code: str | None, at: datetime) -> Decision:
        bundle, verifier = self.bundle, self.verifier
        if bundle is None or verifier is None:
            return _refuse("offline_no_bundle")
        at_s = int(at.timestamp())
        if code is None:
            if not self._plate_only:
                return _refuse("code_required")
            wanted = normalise_plate(plate)
            entries = [e for e in bundle.entries if e.plate == wanted and e.valid_until_s > at_s]
            if not entries:
                return _refuse("plate_unknown")
            # A truck carries one load at a time; with several, the one it started here comes first.
            kinds = [await self._outbox.last_kind(str(e.order_id)) for e in entries]
            started = [e for e, k in zip(entries, kinds, strict=True) if k == "tare"]
            order_id = (started or entries)[0].order_id
        else:
            text = code.strip()
            if text.count(".") == 2:  # a printed static pass: only with the plate read here
                verdict = verify_static(text, verifier=verifier, site_id=self.site_id, plate_seen=plate, at_s=at_s)
            else:
                verdict = verify(text, verifier=verifier, site_id=self.site_id, plate_seen=plate, at_s=at_s,
                                 totp_secret_for=bundle.totp_secret_for)
            if not verdict.ok or verdict.claims is None:
                refusal = verdict.refusal
                zh, en = (refusal.message_zh, refusal.message_en) if refusal else message(verdict.code)
                return Decision(accepted=False, code=verdict.code, message_zh=zh, message_en=en, offline=True)
            order_id = verdict.claims.order_id
            if bundle.entry_for(order_id) is None:  # signed, but no longer an open order of this site
                return _refuse("plate_unknown")
        last = await self._outbox.last_kind(str(order_id))
        if last == "gross":
            return _refuse("weighing_done")
        zh, en = message("offline_ok")
        return Decision(accepted=True, code="ok", message_zh=zh, message_en=en, open_barrier=True,
                        order_id=str(order_id), plate=normalise_plate(plate),
                        kind="gross" if last == "tare" else "tare", offline=True)


def _refuse(code: str) -> Decision:
    zh, en = message(code)
    return Decision(accepted=False, code=code, message_zh=zh, message_en=en, offline=True)
