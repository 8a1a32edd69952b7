"""Property-based fuzzing of every API operation from the served OpenAPI document: no input,
however odd, may produce a 500. Runs against a real server process on the demo data, signed in as
the platform admin (who may reach every registry row) and, separately, anonymously."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pyotp
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from backend.demo.seed import DEMO_TOTP
from backend.settings import Settings
from tests.fuzz import hostile
from tests.live import live_server

# Operations that would end the fuzzing session itself, not probe the registry.
_SKIP = {("POST", "/api/auth/logout"), ("POST", "/api/auth/refresh")}
EXAMPLES_PER_OPERATION = int(os.environ.get("MEITONG_FUZZ_EXAMPLES", "25"))
_LOGS: dict[str, Path] = {}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> str:
    var_dir: Path = tmp_path_factory.mktemp("fuzz")
    # A fuzzer is one machine-speed client: lift the request budgets it would otherwise spend (and
    # then probe 429s instead of the operations).
    env = {"MEITONG_LOGIN_ATTEMPTS_PER_IP": "100000", "MEITONG_LOGIN_ATTEMPTS_PER_PHONE": "100000",
           "MEITONG_RATE_PER_USER": "1000000", "MEITONG_RATE_PER_IP": "1000000", "MEITONG_RATE_VERIFY_PER_IP": "1000000"}
    # On PostgreSQL and Redis: this worker's databases (the tests that follow empty them again).
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = settings.database_url
    else:
        env["DATABASE_URL"] = f"sqlite+aiosqlite:///{var_dir / 'fuzz.db'}"
    if not settings.redis_url.startswith("memory://"):
        env["REDIS_URL"] = settings.redis_url
    with live_server(var_dir=var_dir, env=env) as base:
        _LOGS[base] = var_dir / "server.log"
        yield base


@pytest.fixture(scope="module")
def admin_headers(server: str) -> dict[str, str]:
    """The demo platform administrator, through his TOTP step (the demo's published secret), once for
    the module: a code is good once, and the fuzzing itself spends his second-factor attempts (it posts
    random codes to the step-up), so a later login could be refused for a while."""
    base = server
    r = httpx.post(f"{base}/api/auth/login", json={"phone": "13800000000", "password": "Meitong2026"})
    assert r.status_code == 200 and r.json()["status"] == "totp_required", r.text
    code = pyotp.TOTP(DEMO_TOTP["13800000000"]).now()
    r = httpx.post(f"{base}/api/auth/login/totp", json={"mfaToken": r.json()["mfaToken"], "totpCode": code})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['accessToken']}"}


def _fuzz(base: str, headers: dict[str, str]) -> list[str]:
    schema = schemathesis.openapi.from_url(f"{base}/schema/openapi.json")
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in _SKIP:
            continue
        operations += 1

        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def probe(case: schemathesis.Case) -> None:
            response = case.call(base_url=base, headers=headers, timeout=20)
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}"
            )

        try:
            probe()
        except AssertionError as exc:
            failures.append(str(exc).splitlines()[0])
    assert operations >= 20, f"only {operations} operations in the schema: is the API mounted?"
    return failures


def test_no_operation_answers_500_to_the_platform_admin(server: str, admin_headers: dict[str, str]) -> None:
    assert _fuzz(server, admin_headers) == []


def test_no_operation_answers_500_anonymously(server: str) -> None:
    assert _fuzz(server, {}) == []


def _tracebacks(base: str) -> list[str]:
    return [line[:300] for line in _LOGS[base].read_text(encoding="utf-8", errors="replace").splitlines()
            if "unhandled error" in line]


@pytest.mark.parametrize("who", ["anonymous", "platform admin"])
def test_hostile_bodies_are_a_4xx_on_every_operation(server: str, admin_headers: dict[str, str], who: str) -> None:
    # Deep, invalid-UTF-8 and surrogate bodies used to answer 500 with a traceback logged.
    sent, failures = hostile.probe(server, admin_headers if who == "platform admin" else {})
    print(f"{who}: {sent} hostile bodies sent")
    assert sent > 500
    assert failures == []
    assert _tracebacks(server) == []
