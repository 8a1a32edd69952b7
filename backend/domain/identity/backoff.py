"""Password guessing slowed per account without locking the owner out (OWASP "device cookies").

Wrong passwords for a phone (registered or not: the answer must not tell) are counted; once there
are `login_backoff_free_failures` (F) of them, the next attempt must wait 2^(n-F+1) s after the n-th
(2, 4, 8 … s, capped), and an attempt inside the wait is refused before the password is looked at
(it is no guess, so it does not count). A device that once logged in to
the account carries a signed device token (HMAC with the secret key, bound to the user): it skips the
account's wait, so whoever guesses at a regulator's phone slows only himself. A device token that is
itself used for guessing stops exempting after the same number of failures. The per-address login
limit applies to everyone. Counters and deadlines live in Redis and read time from backend.clock.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
import uuid

from redis.asyncio import Redis

from backend import clock, ratelimit
from backend.errors import TooManyRequests
from backend.settings import Settings

# n: failures so far, last: when the last one was (clock s), delay: no attempt before last + delay.
_RECORD_FAILURE = """
local now = tonumber(ARGV[1])
local n = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
local last = tonumber(redis.call('HGET', KEYS[1], 'last') or '0')
if now - last > tonumber(ARGV[4]) then n = 0 end
n = n + 1
local delay = 0
if n >= tonumber(ARGV[2]) then delay = math.min(2 ^ (n - tonumber(ARGV[2]) + 1), tonumber(ARGV[3])) end
redis.call('HSET', KEYS[1], 'n', n, 'last', ARGV[1], 'delay', delay)
redis.call('EXPIRE', KEYS[1], ARGV[4])
return {n, math.ceil(delay)}
"""
_TOKEN = re.compile(r"d1\.([0-9a-f]{32})\.([0-9a-f]{16})\.([0-9]{1,12})\.([0-9a-f]{64})")


def _account_key(phone: str) -> str:
    return f"login:fail:acct:{phone}"


def _device_key(device_id: str) -> str:
    return f"login:fail:dev:{device_id}"


async def check(redis: Redis, settings: Settings, *, phone: str) -> None:
    """429 while the account's wait runs (the password is not looked at)."""
    last, delay = await redis.hmget(_account_key(phone), ["last", "delay"])
    wait_s = float(last) + float(delay) - clock.now_s() if last and delay else 0.0
    if wait_s > 1e-6:  # float noise on a clock stopped exactly at the deadline
        raise _waiting(settings, wait_s)


async def record_failure(redis: Redis, settings: Settings, *, phone: str, device_id: str | None) -> int:
    """Count a wrong password against the device that sent it (a trusted one) or else the account;
    the account's failures so far (0 for a device's)."""
    key = _device_key(device_id) if device_id else _account_key(phone)
    failures, _ = await redis.eval(
        _RECORD_FAILURE, 1, key, repr(clock.now_s()), str(settings.login_backoff_free_failures),
        str(settings.login_backoff_cap_s), str(settings.login_failure_memory_s),
    )
    return 0 if device_id else int(failures)


async def clear(redis: Redis, *, phone: str) -> None:
    """The right password after the wait was honoured: the owner is back, the count starts over."""
    await ratelimit.reset(redis, _account_key(phone))


def _waiting(settings: Settings, wait_s: float) -> TooManyRequests:
    # Said alike for every phone, registered or not; the owner's known devices are not slowed.
    wait = max(math.ceil(wait_s - 1e-6), 1)
    return TooManyRequests(
        "rate_limited", f"该手机号的密码错误次数过多，请 {wait} 秒后再试（已登录过的设备不受影响）",
        f"Too many wrong passwords for this phone number; try again in {wait} s (devices that logged in before are not slowed)",
        limit=settings.login_backoff_free_failures, window_s=settings.login_backoff_cap_s, scope="login_account",
        retry_after_s=wait,
    )


def _mac(settings: Settings, payload: str) -> str:
    return hmac.new(settings.secret_key.encode(), f"device:{payload}".encode(), hashlib.sha256).hexdigest()


def issue_device_token(settings: Settings, *, user_id: uuid.UUID) -> str:
    """A new device's token, bound to the user: `d1.<user>.<device>.<issued s>.<mac>`."""
    payload = f"{user_id.hex}.{secrets.token_hex(8)}.{int(clock.now_s())}"
    return f"d1.{payload}.{_mac(settings, payload)}"


async def trusted_device(redis: Redis, settings: Settings, *, token: str | None, user_id: uuid.UUID | None) -> str | None:
    """The device id of a valid token of this user that has not itself been guessing; else None."""
    match = _TOKEN.fullmatch(token or "")
    if match is None or user_id is None:
        return None
    user_hex, device_id, issued, mac = match.groups()
    if not hmac.compare_digest(mac, _mac(settings, f"{user_hex}.{device_id}.{issued}")):
        return None
    if user_hex != user_id.hex or clock.now_s() - int(issued) > settings.device_token_ttl_s:
        return None
    failures = await redis.hget(_device_key(device_id), "n")
    if failures is not None and int(failures) >= settings.login_backoff_free_failures:
        return None
    return device_id
