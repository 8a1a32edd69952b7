"""An alert's evidence pack (证据包, issue 13 point 5), for everyone who may read the alert.

    GET /api/alerts/{id}/evidence.zip    one zip: alert.json, timeline.json, the attachments, what the
                                         alert's kind names as its evidence, manifest.json (every file's
                                         size and SHA-256) and manifest.sig.json (the platform's signature)

Anyone who cannot read the alert gets the alert's own 404. The pack is built fresh on each request
(it shows the alert as it stands); `X-Manifest-SHA256` names its manifest, so a recipient can tell
two downloads of the same state apart from a changed one. Verify with `meitong evidence verify-pack`.
"""

from __future__ import annotations

import uuid

from litestar import Response, Router, get
from litestar.params import FromPath

from backend.domain.alerts import service as alerts
from backend.http.auth import signed_in
from backend.http.deps import Ctx, Db, Me


@get("/alerts/{alert_id:uuid}/evidence.zip", summary="The alert's evidence pack: one zip with a SHA-256 manifest",
     media_type="application/zip")
async def evidence_pack(me: Me, db: Db, ctx: Ctx, alert_id: FromPath[uuid.UUID]) -> Response[bytes]:
    pack = await alerts.build_pack(db, ctx=ctx, actor=me, alert_id=alert_id)
    return Response(content=pack.data, media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{pack.filename}"',
        "X-Manifest-SHA256": pack.manifest_sha256, "Cache-Control": "no-store"})


router = Router(path="/api", route_handlers=[evidence_pack], guards=[signed_in], tags=["alerts"])
