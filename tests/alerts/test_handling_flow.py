"""Handling an alert to its close over HTTP (issue 13, second "done when"): the lane raises a red alert;
a named dispatcher acknowledges it (two pressing at once: one wins, the other hears 409); he disposes
with a photo; the district's regulator sends it back with a reason (none: 422); he disposes again;
accepted, it closes as resolved. Every step is on the timeline with its person, and people's steps
in the audit trail; a step the alert's state does not allow is 409 with the reason in both languages.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import httpx
from litestar import Litestar
from sqlalchemy import select

from backend.context import Context
from backend.domain.audit.models import AuditEntry
from devices.sim.camera import tiny_jpeg
from tests.alerts import flow
from tests.alerts import helpers as ah


async def _audit(ctx: Context, alert_id: uuid.UUID) -> list[tuple[str, uuid.UUID | None, dict]]:
    async with ctx.sessions() as session:
        rows = (await session.execute(select(AuditEntry).where(AuditEntry.entity == "alert",
                                                               AuditEntry.entity_id == str(alert_id))
                                      .order_by(AuditEntry.at, AuditEntry.id))).scalars().all()
    return [(r.action, r.actor_user_id, r.after or {}) for r in rows]


def _refused(r: httpx.Response, status: int, code: str, zh: str, en: str) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["code"] == code and zh in body["message_zh"] and en in body["message_en"], body


async def test_raise_acknowledge_dispose_reject_dispose_accept(ctx: Context, client: httpx.AsyncClient,
                                                              app: Litestar) -> None:
    raised = flow.now_minus(1)
    fw = await flow.world(ctx, client, app, tare_at=raised - timedelta(minutes=30))
    alert_id = await flow.raise_jump(ctx, fw, at=raised)
    admin, dispatcher, district = fw.people["mine_admin"], fw.people["mine_dispatcher"], fw.people["district"]
    url = f"/api/alerts/{alert_id}"

    # Not yet acknowledged: nothing else may happen to it, and the answer says why.
    _refused(await client.post(f"{url}/dispose", json={"cause": "原因说明", "measures": "措施说明"}, headers=dispatcher),
             409, "alert_state", "「待确认」，不能处置", "cannot be disposed")
    _refused(await client.post(f"{url}/review", json={"accept": True}, headers=district),
             409, "alert_state", "不能审核", "\u201cto acknowledge\u201d: it cannot be reviewed")
    d = await flow.detail(client, alert_id, dispatcher)
    assert (d["canAcknowledge"], d["canDispose"], d["canReview"]) == (True, False, False)

    # The admin and the dispatcher press at the same moment: one takes it, the other hears who was first.
    answers = await asyncio.gather(client.post(f"{url}/acknowledge", headers=dispatcher),
                                   client.post(f"{url}/acknowledge", headers=admin))
    assert sorted(r.status_code for r in answers) == [200, 409], [r.text for r in answers]
    [won] = [who for who, r in zip(("mine_dispatcher", "mine_admin"), answers, strict=True) if r.status_code == 200]
    [lost] = [r for r in answers if r.status_code == 409]
    _refused(lost, 409, "alert_state", "「处置中」，不能确认", "\u201cbeing handled\u201d: it cannot be acknowledged")
    handler = fw.people[won]

    # A disposal with a real photo; an attachment that is not a photo or PDF is refused.
    bad = await client.put(f"{url}/files", params={"purpose": "disposal"}, content=b"GIF89a not a photo", headers=handler)
    _refused(bad, 422, "file_invalid", "JPEG", "JPEG")
    photo = await flow.upload(client, alert_id, handler)
    assert (await client.get(f"{url}/files/{photo}", headers=district)).status_code == 404  # not attached yet
    r = await client.post(f"{url}/dispose", json={"cause": "地磅传感器被加装遥控装置", "measures": "已拆除并报警",
                                                  "fileIds": [photo]}, headers=handler)
    assert r.status_code == 200 and r.json()["status"] == "disposed", r.text
    d = await flow.detail(client, alert_id, district)
    assert (d["canReview"], d["canDispose"]) == (True, False) and [f["id"] for f in d["files"]] == [photo]
    got = await client.get(f"{url}/files/{photo}", headers=district)
    assert got.status_code == 200 and got.content == flow.JPEG and got.headers["content-type"] == "image/jpeg"

    # Sent back: a reason is required.
    for body in ({"accept": False}, {"accept": False, "reason": "  "}):
        _refused(await client.post(f"{url}/review", json=body, headers=district), 422, "reason_required",
                 "须写明原因", "needs a reason")
    reason = "照片看不清车牌，请补拍"
    r = await client.post(f"{url}/review", json={"accept": False, "reason": reason}, headers=district)
    assert r.status_code == 200 and r.json()["status"] == "acknowledged", r.text
    second = await flow.upload(client, alert_id, handler, data=tiny_jpeg("second photo"), name="补拍.jpg")
    r = await client.post(f"{url}/dispose", json={"cause": "地磅传感器被加装遥控装置", "measures": "已拆除，补拍车牌照片",
                                                  "fileIds": [second]}, headers=handler)
    assert r.status_code == 200, r.text
    r = await client.post(f"{url}/review", json={"accept": True, "reason": "处置到位"}, headers=district)
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["outcome"]) == ("closed", "resolved") and r.json()["closedAt"]

    # Closed: every step is refused, attachments too.
    _refused(await client.post(f"{url}/acknowledge", headers=handler), 409, "alert_state", "「已关闭」，不能确认",
             "\u201cclosed\u201d: it cannot be acknowledged")
    _refused(await client.put(f"{url}/files", content=flow.JPEG, headers=handler), 409, "alert_state", "不能添加附件",
             "cannot be given attachments")

    d = await flow.detail(client, alert_id, admin)
    assert flow.actions(d) == ["raised", "acknowledged", "disposed", "rejected", "disposed", "accepted"], d["steps"]
    steps = d["steps"]
    assert steps[0]["actor"] is None and steps[1]["actor"].startswith(fw.names[won] + " (")
    assert d["alert"]["ackedBy"] == steps[1]["actor"]
    assert all(s["actor"] == steps[1]["actor"] for s in (steps[2], steps[4]))
    assert steps[3]["actor"].startswith(fw.names["district"]) and steps[3]["note"] == reason
    assert steps[2]["data"]["fileIds"] == [photo] and steps[4]["data"]["fileIds"] == [second]
    assert sorted(f["id"] for f in d["files"]) == sorted([photo, second]) and all(f["attached"] for f in d["files"])
    assert not any((d["canAcknowledge"], d["canDispose"], d["canReview"]))

    trail = await _audit(ctx, alert_id)
    assert [(a, u) for a, u, _ in trail] == [
        ("alert.acknowledge", fw.users[won]), ("alert.dispose", fw.users[won]), ("alert.review", fw.users["district"]),
        ("alert.dispose", fw.users[won]), ("alert.review", fw.users["district"])]
    assert trail[2][2] == {"accept": False, "reason": reason, "status": "acknowledged"}
    assert trail[4][2]["status"] == "closed" and trail[1][2]["files"] == 1

    # The handlers heard of the rejection and of the close; the district of each disposal to review.
    told = await ah.alert_notices(ctx)
    assert [k for k, a, _ in told[fw.users["district"]] if a == str(alert_id)] == [
        "alert_weight_jump", "alert_review_due", "alert_review_due"]
    assert [k for k, a, _ in told[fw.users["mine_dispatcher"]] if a == str(alert_id)] == [
        "alert_weight_jump", "alert_reviewed", "alert_reviewed"]
