"""A fake platform for the lane: docs/lane-protocol.md implemented minimally as a raw ASGI app,
served by uvicorn on a loopback port, checking every request signature (devices.signing) and every
weighing's body signature as the platform must.

It issues real passes (PassSigner, TOTP secrets) and real sealed bundles (seal_bundle), so the
lane's offline checks run against the same bytes the real platform would send.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import socket
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

import uvicorn

from devices.passcode import (
    BundleEntry,
    PassClaims,
    PassSigner,
    PassVerifier,
    generate_signing_key,
    new_totp_secret,
    normalise_plate,
    render_qr_text,
    seal_bundle,
    verify,
)
from devices.signing import sign, signatures_match, timestamp_is_fresh

KID = "k1"
WEIGHING_KEYS = {"weighingId", "orderId", "kind", "plateRead", "weightKg", "stable", "trace", "onScaleAt",
                 "weighedAt", "gratings", "offline", "pictures", "signature"}


@dataclass
class Order:
    id: uuid.UUID
    no: str
    plate: str
    totp_secret: str
    token: str
    called: bool = True
    max_gross_kg: int = 49_000
    tare_kg: int | None = None
    gross_kg: int | None = None


def _canonical(body: dict[str, Any]) -> bytes:
    # Written out here rather than imported from the lane: the test checks the lane against the doc.
    unsigned = {k: v for k, v in body.items() if k != "signature"}
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class FakePlatform:
    def __init__(self, *, key_id: str, secret: str, site_id: uuid.UUID, plate_only: bool = False) -> None:
        self.key_id, self.secret, self.site_id, self.plate_only = key_id, secret, site_id, plate_only
        private_pem, public_pem = generate_signing_key()
        self.signer = PassSigner(private_key_pem=private_pem, kid=KID)
        self.public_pem = public_pem
        self.verifier = PassVerifier({KID: public_pem})
        self.orders: dict[uuid.UUID, Order] = {}
        self.weighings: dict[str, dict[str, Any]] = {}
        self.answers: dict[str, dict[str, Any]] = {}
        self.posts: Counter[str] = Counter()  # weighings taken in (duplicates included)
        self.attempts: Counter[str] = Counter()  # every POST /weighings, valid or not
        self.identifies: list[dict[str, Any]] = []
        self.heartbeats: list[dict[str, Any]] = []
        self.auth_failures: list[str] = []
        self.fail_weighings_with: int | None = None  # answer POST /weighings with this status
        self._nonces: set[str] = set()
        self.port = 0
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    # -- orders and passes ---------------------------------------------------------------------
    def add_order(self, plate: str, *, called: bool = True) -> Order:
        order_id = uuid.uuid4()
        now = int(time.time())
        claims = PassClaims(order_id=order_id, plate=plate, site_ids=(self.site_id,), valid_from_s=now - 3600,
                            valid_until_s=now + 86_400, kid=KID)
        order = Order(id=order_id, no=f"TM{len(self.orders) + 1:08d}", plate=normalise_plate(plate),
                      totp_secret=new_totp_secret(), token=self.signer.sign(claims), called=called)
        self.orders[order_id] = order
        return order

    def qr(self, order: Order) -> str:
        return render_qr_text(order.token, totp_secret=order.totp_secret, at_s=int(time.time()))

    # -- serving --------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Serve (again, on the same port after `stop`)."""
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        sock.listen()
        self.port = sock.getsockname()[1]
        self._server = uvicorn.Server(uvicorn.Config(self, lifespan="off", log_level="warning",
                                                     timeout_graceful_shutdown=1))
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]))
        for _ in range(2000):  # uvicorn starts in milliseconds; 10 s means it never will
            if self._server.started:
                return
            await asyncio.sleep(0.005)
        raise RuntimeError("the fake platform did not start")

    @property
    def running(self) -> bool:
        return self._server is not None

    async def stop(self) -> None:
        """Stop answering: from now on the lane's requests get connection errors."""
        assert self._server is not None and self._task is not None
        self._server.should_exit = True
        await self._task
        self._server = self._task = None

    # -- ASGI -----------------------------------------------------------------------------------
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":  # the client went away mid-request (a killed agent)
                return
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        status, answer = self._route(scope, body)
        payload = answer if isinstance(answer, bytes) else json.dumps(answer, ensure_ascii=False).encode("utf-8")
        kind = b"application/octet-stream" if isinstance(answer, bytes) else b"application/json"
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", kind)]})
        await send({"type": "http.response.body", "body": payload})

    def _authentic(self, scope: dict[str, Any], body: bytes) -> str | None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        key, ts, nonce, signature = (headers.get(f"x-mt-{h}") for h in ("key", "timestamp", "nonce", "signature"))
        if not (key and ts and nonce and signature):
            return "signature_missing"
        if key != self.key_id:
            return "signature_key_unknown"
        if not timestamp_is_fresh(int(ts), now_s=time.time()):
            return "signature_stale"
        if nonce in self._nonces:
            return "signature_replayed"
        target = scope["raw_path"].decode("ascii")
        if scope["query_string"]:
            target += "?" + scope["query_string"].decode("ascii")
        expected = sign(secret=self.secret, method=scope["method"], path=target, timestamp_s=int(ts), nonce=nonce,
                        body=body)
        if not signatures_match(expected, signature):
            return "signature_invalid"
        self._nonces.add(nonce)
        return None

    def _route(self, scope: dict[str, Any], body: bytes) -> tuple[int, Any]:
        method, path = scope["method"], scope["path"]
        if (method, path) == ("GET", "/api/public/pass-keys"):  # public: no signature needed
            return 200, {"keys": [{"kid": KID, "alg": "Ed25519", "publicKeyPem": self.public_pem, "current": True}]}
        failure = self._authentic(scope, body)
        if failure is not None:
            self.auth_failures.append(f"{method} {path}: {failure}")
            return 401, {"code": failure, "message_zh": "签名错误", "message_en": failure, "field": None}
        data = json.loads(body) if body else None
        if (method, path) == ("GET", f"/open/v1/sites/{self.site_id}/pass-bundle"):
            entries = [BundleEntry(order_id=o.id, plate=o.plate, totp_secret=o.totp_secret,
                                   valid_until_s=int(time.time()) + 86_400) for o in self.orders.values()]
            return 200, seal_bundle(entries=entries, site_id=self.site_id, device_secret=self.secret,
                                    issued_at_s=int(time.time()), signer=self.signer)
        if (method, path) == ("POST", "/open/v1/devices/heartbeat"):
            self.heartbeats.append(data)
            return 200, {"ok": True}
        if (method, path) == ("POST", "/open/v1/lane/identify"):
            self.identifies.append(data)
            return 200, self._identify(data)
        if (method, path) == ("POST", "/open/v1/weighings"):
            return self._weighing(data)
        return 404, {"code": "not_found", "message_zh": "", "message_en": "not found", "field": None}

    def _identify(self, data: dict[str, Any]) -> dict[str, Any]:
        def refuse(code: str, zh: str) -> dict[str, Any]:
            return {"accepted": False, "code": code, "messageZh": zh, "messageEn": code, "openBarrier": False}

        plate, code = normalise_plate(data["plateRead"]), data["code"]
        if code:
            verdict = verify(code, verifier=self.verifier, site_id=self.site_id, plate_seen=plate,
                             at_s=int(time.time()),
                             totp_secret_for=lambda oid: self.orders[oid].totp_secret if oid in self.orders else None)
            if not verdict.ok or verdict.claims is None:
                return refuse(verdict.code, verdict.refusal.message_zh if verdict.refusal else verdict.code)
            order = self.orders[verdict.claims.order_id]
        elif not self.plate_only:
            return refuse("code_required", "请扫码")
        else:
            found = [o for o in self.orders.values() if o.plate == plate]
            if not found:
                return refuse("plate_unknown", "无提煤单")
            order = found[0]
        if not order.called:
            return refuse("order_not_called", "尚未叫号，请在排队区等候叫号后入场")
        if order.gross_kg is not None:
            return refuse("weighing_done", "已完成称重")
        return {"accepted": True, "code": "ok", "messageZh": "验证通过，请上磅", "messageEn": "ok",
                "orderId": str(order.id), "orderNo": order.no, "plate": order.plate,
                "kind": "tare" if order.tare_kg is None else "gross", "openBarrier": True}

    def _weighing(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if isinstance(body, dict):
            self.attempts[str(body.get("weighingId"))] += 1
        if self.fail_weighings_with is not None:
            return self.fail_weighings_with, {"code": "boom", "message_zh": "", "message_en": "boom", "field": None}
        if not isinstance(body, dict) or set(body) != WEIGHING_KEYS or len(body["trace"]) > 2000:
            return 422, {"code": "validation_failed", "message_zh": "请求无效", "message_en": "bad body", "field": None}
        weighing_id = body["weighingId"]
        self.posts[weighing_id] += 1
        if weighing_id in self.answers:
            return 200, {**self.answers[weighing_id], "duplicate": True}
        expected = hmac.new(self.secret.encode(), _canonical(body), hashlib.sha256).hexdigest()
        base = {"weighingId": weighing_id, "kind": body["kind"], "alerts": [], "duplicate": False}
        order = self.orders.get(uuid.UUID(body["orderId"]))
        weight = body["weightKg"]
        if not hmac.compare_digest(expected, body["signature"]):
            answer = {**base, "accepted": False, "code": "signature_invalid", "messageZh": "签名无效", "openExit": False}
        elif order is None or (body["kind"] == "gross" and order.tare_kg is None):
            answer = {**base, "accepted": False, "code": "order_not_weighable", "messageZh": "不可称重",
                      "openExit": False}
        elif body["kind"] == "tare":
            order.tare_kg = weight
            answer = {**base, "accepted": True, "code": "ok", "messageZh": "皮重已记录", "openExit": True}
        elif weight > order.max_gross_kg:
            answer = {**base, "accepted": False, "code": "overweight", "messageZh": "超载，禁止出场",
                      "openExit": False}
        else:
            order.gross_kg = weight
            answer = {**base, "accepted": True, "code": "ok", "messageZh": "称重完成", "openExit": True,
                      "ticketNo": f"BD{len(self.weighings):06d}", "netKg": weight - (order.tare_kg or 0),
                      "verifyUrl": "/verify/x"}
        self.weighings[weighing_id] = body
        self.answers[weighing_id] = answer
        return 200, answer
