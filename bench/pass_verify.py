"""Pass verifications per second: full `verify` (parse + Ed25519 + TOTP), then with the gate's
once-only record (Redis SET NX with a TTL, as backend.domain.orders.gate does), beside bare Ed25519.

The peer is what a gate cannot do without: one Ed25519 verification of a message the size of the
signed part of a pass, with `cryptography` and a preloaded key. Both are measured in the same run,
interleaved, as the median of RUNS runs of N iterations; the ratio says what the pass format,
JSON parsing and the TOTP check cost on top of the signature. The once-only figure talks to the real
Redis at BENCH_REDIS_URL (default redis://127.0.0.1:6379/15) under its own key prefix, one round
trip per pass, and deletes its keys afterwards. Run: `python bench/pass_verify.py`.
"""

from __future__ import annotations

import itertools
import os
import statistics
import time
import uuid
from collections.abc import Callable

import redis
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from devices.passcode import (
    PassClaims,
    PassSigner,
    PassVerifier,
    generate_signing_key,
    new_totp_secret,
    render_qr_text,
    verify,
)

RUNS = 5
N = int(os.environ.get("BENCH_N", "3000"))
AT_S = 1767229200  # 2026-01-01T01:00:00Z
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
PREFIX = f"mt:bench:pass:{os.getpid()}"


def rate_per_s(fn: Callable[[], object], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return n / (time.perf_counter() - start)


def main() -> None:
    private_pem, public_pem = generate_signing_key()
    signer = PassSigner(private_key_pem=private_pem, kid="k2026a")
    verifier = PassVerifier({"k2026a": public_pem})
    order_id, site_id, secret = uuid.uuid4(), uuid.uuid4(), new_totp_secret()
    claims = PassClaims(
        order_id=order_id,
        plate="蒙B12345",
        site_ids=(site_id,),
        valid_from_s=AT_S - 3600,
        valid_until_s=AT_S + 86400,
        kid="k2026a",
    )
    text = render_qr_text(signer.sign(claims), totp_secret=secret, at_s=AT_S)
    secrets = {order_id: secret}

    def full() -> object:
        verdict = verify(
            text, verifier=verifier, site_id=site_id, plate_seen="蒙B12345", at_s=AT_S,
            totp_secret_for=secrets.get,
        )
        assert verdict.ok
        return verdict

    # Same-sized message: the signed bytes of this very pass ("MT1.<payload>").
    message = text.rsplit(".", 2)[0].encode("ascii")
    bare_key = Ed25519PrivateKey.generate()
    bare_signature, bare_public = bare_key.sign(message), bare_key.public_key()

    def bare() -> object:
        bare_public.verify(bare_signature, message)
        return None

    client = redis.Redis.from_url(REDIS_URL)
    uses = itertools.count()

    def once() -> object:
        verdict = full()
        # Each iteration stands for a different pass, so every SET NX is a first use (the gate's path).
        assert client.set(f"{PREFIX}:{verdict.totp_step}:{next(uses)}", b"1", nx=True, ex=120)
        return verdict

    full(), bare(), once()  # warm up
    full_rates, once_rates, bare_rates = [], [], []
    try:
        for _ in range(RUNS):  # interleaved, so a noisy neighbour hurts all alike
            full_rates.append(rate_per_s(full, N))
            once_rates.append(rate_per_s(once, N))
            bare_rates.append(rate_per_s(bare, N))
    finally:
        keys = list(client.scan_iter(f"{PREFIX}:*", count=1000))
        for start in range(0, len(keys), 500):
            client.delete(*keys[start:start + 500])
        client.close()
    full_median, bare_median = statistics.median(full_rates), statistics.median(bare_rates)
    once_median = statistics.median(once_rates)

    print(f"pass verification (devices.passcode.verify), median of {RUNS} x {N}; QR text {len(text)} chars")
    print(f"  {'full verify (parse + Ed25519 + TOTP ±1)':<50} {full_median:>10,.0f} /s")
    print(f"  {'full verify + once-only (Redis SET NX, 1 client)':<50} {once_median:>10,.0f} /s")
    print(f"  {f'bare Ed25519 verify, {len(message)}-byte message':<50} {bare_median:>10,.0f} /s")
    print(f"  {'ratio full / bare':<50} {full_median / bare_median:>10.2f}")
    print(f"  {'ratio full + once-only / bare':<50} {once_median / bare_median:>10.2f}")


if __name__ == "__main__":
    main()
