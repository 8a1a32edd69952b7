"""Verification of signed machine requests (`/open/v1`), exactly as docs/machine-interface.md says.

Order of checks: headers present → well-formed → timestamp fresh → key known → signature → nonce
unused. The nonce is recorded only after the signature matched, so unsigned junk cannot burn the
nonces of a real client. Every refusal is a 401 with a stable code; never a 500 for bad input.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.handlers import BaseRouteHandler
from litestar.types import Scope
from sqlalchemy.ext.asyncio import AsyncSession

from backend import clock, ratelimit
from backend.context import Context
from backend.db.base import utcnow
from backend.db.unit import unit_of_work
from backend.domain.identity.schemas import Principal
from backend.domain.machines import service as machines
from backend.domain.machines.schemas import MachineCaller
from backend.errors import Unauthorized
from backend.http.auth import client_label
from devices.signing import (
    HEADER_KEY,
    HEADER_NONCE,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    NONCE_PATTERN,
    sign,
    signatures_match,
    timestamp_is_fresh,
)

_KEY_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,40}")
_TIMESTAMP_RE = re.compile(r"[0-9]{1,12}")
_SIGNATURE_RE = re.compile(r"[0-9a-f]{64}")
_STATE_KEY = "machine"

_MESSAGES = {
    "signature_missing": ("缺少签名请求头（X-MT-Key、X-MT-Timestamp、X-MT-Nonce、X-MT-Signature）",
                          "Signature headers missing (X-MT-Key, X-MT-Timestamp, X-MT-Nonce, X-MT-Signature)"),
    "signature_malformed": ("签名请求头格式不正确", "Signature headers are malformed"),
    "signature_stale": ("请求时间戳超出允许范围", "Request timestamp is out of range"),
    "signature_replayed": ("该 nonce 已使用过，请生成新的 nonce 重新签名", "Nonce already used; sign again with a new nonce"),
    "signature_key_unknown": ("密钥不存在或已吊销", "Key unknown or revoked"),
    "signature_invalid": ("签名不正确", "Signature does not match"),
}


def refusal(code: str) -> Unauthorized:
    zh, en = _MESSAGES[code]
    return Unauthorized(code, zh, en, headers={"WWW-Authenticate": 'MT-HMAC-SHA256 realm="open"'})


def request_target(scope: Scope) -> str:
    """Path plus "?query" as the client sent them (percent-encoded), which is what it signed.

    ASGI puts the query string beside raw_path; some test transports leave it inside raw_path too.
    """
    raw = scope.get("raw_path") or scope["path"].encode("utf-8")
    path = bytes(raw).split(b"?", 1)[0]
    query = scope.get("query_string") or b""
    target = path + (b"?" + query if query else b"")
    try:
        return target.decode("ascii")
    except UnicodeDecodeError:
        raise refusal("signature_malformed") from None


def _headers(request: Request[Any, Any, Any]) -> tuple[str, str, str, str]:
    values = [request.headers.get(name) for name in (HEADER_KEY, HEADER_TIMESTAMP, HEADER_NONCE, HEADER_SIGNATURE)]
    if any(not v for v in values):
        raise refusal("signature_missing")
    key_id, timestamp, nonce, signature = (v.strip() for v in values if v)
    if not (_KEY_ID_RE.fullmatch(key_id) and _TIMESTAMP_RE.fullmatch(timestamp)
            and NONCE_PATTERN.fullmatch(nonce) and _SIGNATURE_RE.fullmatch(signature)):
        raise refusal("signature_malformed")
    return key_id, timestamp, nonce, signature


async def verify_request(request: Request[Any, Any, Any]) -> MachineCaller:
    ctx: Context = request.app.state.ctx
    key_id, timestamp, nonce, signature = _headers(request)
    timestamp_s = int(timestamp)
    if not timestamp_is_fresh(timestamp_s, now_s=clock.now_s(), max_skew_s=ctx.settings.signature_max_skew_s):
        raise refusal("signature_stale")
    target = request_target(request.scope)
    body = await request.body()
    now = utcnow()
    async with ctx.sessions() as session:
        key = await machines.signing_key(session, ctx=ctx, key_id=key_id, now=now)
    if key is None:
        raise refusal("signature_key_unknown")
    try:
        expected = [sign(secret=s, method=request.method, path=target, timestamp_s=timestamp_s, nonce=nonce, body=body)
                    for s in key.secrets]
    except ValueError:  # a target the canonical form cannot carry (a space, a newline)
        raise refusal("signature_malformed") from None
    # Compare against every live secret (no early exit), so timing does not tell which one matched.
    matches = [signatures_match(e, signature) for e in expected]
    if not any(matches):
        raise refusal("signature_invalid")
    # The key's budget is spent only once the signature is proven (junk cannot spend a real key's),
    # and before the nonce is recorded: a refused request may be sent again as it is.
    await ratelimit.take(ctx.redis, scope="machine_key", subject=key.key_id,
                         limit=ctx.settings.rate_per_machine_key, window_s=ctx.settings.rate_window_s)
    fresh = await ctx.redis.set(f"sig:nonce:{key_id}:{nonce}", b"1", nx=True, ex=ctx.settings.signature_nonce_ttl_s)
    if not fresh:
        raise refusal("signature_replayed")
    if machines.needs_touch(key.last_used_at, now):
        async with unit_of_work(ctx) as session:
            await machines.mark_used(session, key_id=key_id, now=now)
    return MachineCaller(key_id=key.key_id, org_id=key.org_id, device_id=key.device_id)


async def signed_machine(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard for every /open/v1 route: verifies the signature before any input is parsed."""
    request = connection if isinstance(connection, Request) else Request(connection.scope, connection.receive)
    connection.scope.setdefault("state", {})[_STATE_KEY] = await verify_request(request)


async def provide_machine(request: Request[Any, Any, Any]) -> MachineCaller:
    caller = request.scope.get("state", {}).get(_STATE_KEY)
    if not isinstance(caller, MachineCaller):
        # A route without the guard: refuse rather than trust an unsigned call.
        raise refusal("signature_missing")
    return caller


# Handler parameter type: `machine: Machine`.
Machine = NamedDependency[MachineCaller]


async def provide_machine_actor(request: Request[Any, Any, Any], db: NamedDependency[AsyncSession]) -> Principal:
    """The signing organisation's system as its sales desk (see backend.domain.machines.acting)."""
    acting = await machines.as_principal(db, machine=await provide_machine(request), client=client_label(request.scope))
    # The route template names where a machine read personal data (audit.record_reads), as for people.
    route = f"{request.method} {request.scope.get('path_template') or request.url.path}"
    return msgspec.structs.replace(acting, route=route[:200])


# Handler parameter type: `caller: MachineActor` (routes that act on contracts and orders).
MachineActor = NamedDependency[Principal]
