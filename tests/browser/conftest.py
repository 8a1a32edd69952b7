"""Browser tests: a real server in a subprocess (the demo command, embedded SQLite and Redis under
a temporary var dir, SMS codes appended to a file), driven by Debian's Chromium through Playwright
at phone size. Chromium missing is a failure, not a skip."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import re
import time
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.live import live_server

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update",
                 "--no-first-run"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "locale": "zh-CN",
         "timezone_id": "Asia/Shanghai", "is_mobile": True, "has_touch": True}
FETCH = {"X-Requested-With": "fetch"}
T = TypeVar("T")


@dataclass(frozen=True)
class Server:
    base_url: str
    var_dir: Path
    sms_file: Path
    log_file: Path

    @property
    def database_url(self) -> str:
        return f"sqlite+aiosqlite:///{self.var_dir / 'meitong.db'}"

    def sms_code(self, phone: str, *, timeout_s: float = 10.0) -> str:
        """The last code the platform texted to `phone` (FileSmsSender writes one JSON line each)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.sms_file.exists():
                for line in reversed(self.sms_file.read_text(encoding="utf-8").splitlines()):
                    message = json.loads(line)
                    if message["phone"] == phone:
                        return re.search(r"\d{6}", message["text"]).group(0)  # type: ignore[union-attr]
            time.sleep(0.1)
        raise AssertionError(f"no SMS to {phone} in {self.sms_file}")

    def api(self) -> httpx.Client:
        """A cookie-keeping client, as a page would be (cookie writes need X-Requested-With)."""
        return httpx.Client(base_url=self.base_url, headers=FETCH, timeout=10.0)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    var_dir = tmp_path_factory.mktemp("browser-var")
    # Every simulated person logs in from 127.0.0.1: lift the per-address login budget (the limits have
    # their own tests in tests/http and tests/identity).
    env = {"MEITONG_SMS_SENDER": f"file:{var_dir / 'sms.jsonl'}", "MEITONG_LOG_LEVEL": "WARNING",
           "MEITONG_LOGIN_ATTEMPTS_PER_IP": "100000"}
    # Embedded SQLite and Redis substitute in the temp dir, whatever the suite itself runs on.
    with live_server(var_dir=var_dir, env=env, unset=("DATABASE_URL", "REDIS_URL")) as base_url:
        from tests.browser import mfa

        live = Server(base_url=base_url, var_dir=var_dir, sms_file=var_dir / "sms.jsonl", log_file=var_dir / "server.log")
        mfa.use_server(live)
        yield live


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Module scope: a live sync Playwright marks its loop as running in this thread, which the
    # asyncio tests of other modules must not see.
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: install Debian's chromium package (never `playwright install`)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone_context(browser: Browser, server: Server) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=server.base_url, **PHONE)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@contextlib.contextmanager
def phone_page(browser: Browser, server: Server, **options: Any) -> Iterator[Page]:
    """A page in a phone-sized context of its own (`options`: geolocation, permissions …); any
    JavaScript error on it fails the test."""
    context = browser.new_context(base_url=server.base_url, **PHONE, **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


@pytest.fixture
def page(phone_context: BrowserContext) -> Iterator[Page]:
    page = phone_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    assert errors == [], f"JavaScript errors on the page: {errors}"


@pytest.fixture
def shots(artifacts_dir: Path) -> Any:
    """snap(page, name): the whole page at phone width, as test-artifacts/screenshots/<name>.png."""
    folder = artifacts_dir / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)

    def snap(page: Page, name: str) -> Path:
        page.evaluate("window.scrollTo(0, 0)")
        height = page.evaluate("document.documentElement.scrollHeight")
        # Grow the viewport to the page, so the sticky bars land where they belong in the picture.
        page.set_viewport_size({"width": 390, "height": max(844, int(height))})
        path = folder / f"{name}.png"
        page.screenshot(path=str(path))
        page.set_viewport_size({"width": 390, "height": 844})
        return path

    return snap


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine from a sync test (in a thread: Playwright's loop owns this one)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def password_login(page: Page, phone: str, password: str, *, shots: Any = None, second_factor: bool = True) -> None:
    """Fill the login page's password form (the SMS form beside it is hidden) and submit; administrators
    and regulators then pass their TOTP step (tests/browser/mfa.py) unless `second_factor` is False."""
    form = page.locator('form[data-pane="password"]')
    form.get_by_label("手机号").fill(phone)
    form.get_by_label("密码").fill(password)
    if shots:
        shots()
    form.get_by_role("button", name="登录", exact=True).click()
    if second_factor:
        from tests.browser import mfa

        mfa.page_second_factor(page, phone)
