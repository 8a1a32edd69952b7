"""Settings from the environment, with embedded defaults that need nothing installed.

Every knob is an environment variable; `make run` sets none of them and gets SQLite under var/,
the in-process Redis substitute and the console SMS sender. Production sets them in docker-compose.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

ROOT_DIR = Path(__file__).resolve().parent.parent


def _var_dir() -> Path:
    path = Path(os.environ.get("MEITONG_VAR_DIR", ROOT_DIR / "var"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _local_secret(name: str, *, n_bytes: int) -> str:
    """A development secret kept in var/ so that tokens and encrypted data survive restarts.

    Production passes the secrets through the environment instead; the file is never used there.
    """
    path = _var_dir() / name
    if not path.exists():
        path.write_text(base64.urlsafe_b64encode(secrets.token_bytes(n_bytes)).decode())
        path.chmod(0o600)
    return path.read_text().strip()


def _local_ed25519_pem(name: str) -> str:
    """A development Ed25519 private key in var/ (PEM), made on first use; production sets it."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = _var_dir() / name
    if not path.exists():
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        path.write_bytes(pem)
        path.chmod(0o600)
    return path.read_text()


def _local_p256_pem(name: str) -> str:
    """A development P-256 private key in var/ (PEM), made on first use; production sets it.

    Web Push (VAPID, RFC 8292) needs ECDSA P-256. Browsers bind each subscription to the public
    half, so the key must outlive restarts: a new key orphans every subscription.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    path = _var_dir() / name
    if not path.exists():
        pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        path.write_bytes(pem)
        path.chmod(0o600)
    return path.read_text()


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw else default


def _cidrs(raw: str) -> tuple[str, ...]:
    """A comma- or space-separated CIDR list; a typo stops start-up rather than trusting the wrong hosts."""
    import ipaddress

    return tuple(str(ipaddress.ip_network(part, strict=False)) for part in raw.replace(",", " ").split())


@dataclass(frozen=True, kw_only=True)
class Settings:
    env: str = "development"
    database_url: str = ""
    redis_url: str = "memory://"
    # Signs access tokens (HS256) and derives other server-side MACs.
    secret_key: str = ""
    # 32-byte key (urlsafe base64) that encrypts personal data such as ID card numbers (PIPL).
    data_key: str = ""
    public_url: str = "http://127.0.0.1:8000"
    access_token_ttl_s: int = 15 * 60
    refresh_token_ttl_s: int = 30 * 24 * 3600
    mfa_token_ttl_s: int = 5 * 60
    # How long a re-entered TOTP code (step-up) covers the dangerous actions of one login session.
    step_up_ttl_s: int = 300
    sms_sender: str = "console"
    sms_code_ttl_s: int = 5 * 60
    # How long an invitation (to a fleet, to a role) waits for its answer.
    invitation_ttl_days: int = 7
    login_attempts_per_phone: int = 10  # unused since per-account back-off (kept: env files still set it)
    login_attempts_per_ip: int = 60
    login_window_s: int = 15 * 60
    # Per-account back-off (backend/domain/identity/backoff.py): after this many wrong passwords each
    # further attempt waits 2^n s, up to the cap; failures are forgotten after a quiet day. A device
    # that once logged in (a signed device token) is exempt, so a guesser cannot lock the owner out.
    login_backoff_free_failures: int = 5
    login_backoff_cap_s: int = 15 * 60
    login_failure_memory_s: int = 24 * 3600
    device_token_ttl_s: int = 180 * 24 * 3600
    # Proxies whose X-Forwarded-For is believed (CIDR list); empty: trust none, the TCP peer is the client.
    trusted_proxies: tuple[str, ...] = ()
    # Request limits (backend/http/limits.py), each over a fixed window of rate_window_s; generous
    # on purpose: they stop floods and scrapers, never a person or the test suite.
    rate_window_s: int = 60
    rate_per_user: int = 1200
    rate_per_ip: int = 6000
    rate_per_machine_key: int = 3000
    rate_verify_per_ip: int = 120
    live_streams_per_user: int = 5
    live_stream_lease_s: int = 60
    signature_max_skew_s: int = 300
    signature_nonce_ttl_s: int = 600
    key_rotation_grace_s: int = 24 * 3600
    # Argon2id cost; argon2-cffi's defaults (RFC 9106 low-memory profile) unless told otherwise.
    password_hash_time_cost: int = 3
    password_hash_memory_kib: int = 65536
    log_level: str = "INFO"
    # Run the worker's jobs inside the web process: `meitong run` turns it on for the embedded
    # Redis substitute, which a separate worker process could not reach.
    in_app_jobs: bool = False
    # Set by `meitong run` to its own URL: the web process then also runs one simulated weighbridge
    # lane at the demo mine (backend/demo/lane.py), whose controller calls this URL like a real one.
    demo_lane_url: str = ""
    var_dir: str = ""
    log_json: bool = True
    # The platform's Ed25519 key that signs one-code passes (and, later, evidence); previous public
    # keys stay published as {kid: pem} while passes signed with them are still valid.
    pass_signing_key_pem: str = ""
    pass_kid: str = ""
    pass_previous_public_keys: dict[str, str] = field(default_factory=dict)
    # The evidence chain's own Ed25519 key (存证), apart from the pass key: rotating one must not
    # touch the other. Entries name their key by kid; retired public keys stay here as {kid: pem}
    # so that entries signed with them still verify.
    evidence_signing_key_pem: str = ""
    evidence_previous_public_keys: dict[str, str] = field(default_factory=dict)
    # Browser assets installed from npm at setup (htmx, Swagger UI); the image puts them in /app.
    node_modules_dir: str = str(ROOT_DIR / "node_modules")
    # The content-addressed file store (contract PDFs, scans): backend/files.py.
    files_dir: str = str(ROOT_DIR / "var" / "files")
    # Firebase Cloud Messaging: a service-account JSON file (empty: FCM off, pushes wait), and an
    # endpoint that replaces https://fcm.googleapis.com, for relays where Google is not reachable.
    fcm_credentials_file: str = ""
    fcm_endpoint: str = ""
    # Web Push (VAPID): the platform's P-256 key (PEM) whose public half browsers subscribe with,
    # and the contact push services may use about our traffic (RFC 8292 "sub").
    vapid_private_key_pem: str = ""
    vapid_subject: str = "mailto:ops@meitong.local"
    # JT/T 808 gateway (backend/workers/jt808): where terminals connect (Traccar's default port 5015).
    # `meitong run` starts it in-process when `jt808_in_app` is on; production runs `meitong jt808`.
    jt808_host: str = "127.0.0.1"
    jt808_port: int = 5015
    jt808_in_app: bool = False
    # A terminal silent this long is disconnected (heartbeats default to 60 s; half-open sockets
    # otherwise linger for the 2 h TCP default).
    jt808_idle_timeout_s: int = 180
    # The GPS stream every position enters (gateway, phone uploads) and the pipeline's consumer group.
    gps_stream: str = "gps:positions"
    gps_group: str = "gps-pipeline"
    # A waybill's corridor: how far each side of its route a truck may be before it deviates, unless
    # the enterprise system opening it sends its own widthM.
    gps_corridor_width_m: float = 1000.0
    # An alert's evidence pack holds the truck's positions this many minutes either side of the event.
    alert_pack_positions_min: int = 30
    # A GPS stream entry that failed this many tries goes to the dead-letter stream (<stream>:dead).
    gps_max_deliveries: int = 5
    # How many simulated JT808 trucks `meitong run` drives between the demo mine and the plant.
    demo_trucks: int = 0
    # Request bodies nest at most this deep (backend/http/bodies.py); ours need 4, GeoJSON 5.
    body_max_depth: int = 32
    # Plausibility bounds (422 on the field beyond them): a contract's quantity, a price per tonne,
    # an order's planned load (GB 1589's heaviest legal gross, 49 t, caps any one truck's load).
    contract_max_quantity_kg: int = 50_000_000_000
    price_min_fen_per_t: int = 100
    price_max_fen_per_t: int = 1_000_000
    order_min_planned_kg: int = 100
    order_max_planned_kg: int = 49_000
    # The device watchdog (backend/domain/watchdog): a site device (lane controller, camera...) that
    # has reported is silent after this long without a heartbeat; a truck's JT808 terminal on an open
    # waybill after its own (it reports every 10-60 s, but tunnels and dead zones are normal).
    watchdog_device_silent_after_s: int = 300
    watchdog_terminal_silent_after_s: int = 900
    # A device that reports again closes its alert only after it has stayed back this long, so a
    # flapping device counts its outages on one alert instead of raising a storm of them.
    watchdog_recovery_hold_s: int = 900
    # Trade alerts: a consignee's received net may differ from the mine's ticket net by this much
    # (scales, moisture, spillage) before the two are said to disagree; the larger of the two applies.
    receipt_tolerance_pct: float = 1.0
    receipt_tolerance_min_kg: int = 200
    # A price the buyer settled further than this from the contract's per-tonne price is off contract.
    price_off_contract_pct: float = 10.0
    # Daily sales: a site's tonnage of the Chinese day above (median of its previous days x factor)
    # is above its baseline, judged only with at least `min_days` days with sales in the look-back.
    sales_baseline_days: int = 28
    sales_baseline_min_days: int = 7
    sales_baseline_factor: float = 2.0
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")


def load_settings(**overrides: object) -> Settings:
    env = os.environ
    values: dict[str, object] = {
        "env": env.get("MEITONG_ENV", "development"),
        "database_url": env.get("DATABASE_URL") or f"sqlite+aiosqlite:///{_var_dir() / 'meitong.db'}",
        "redis_url": env.get("REDIS_URL") or "memory://",
        "secret_key": env.get("MEITONG_SECRET_KEY") or _local_secret("secret.key", n_bytes=32),
        "data_key": env.get("MEITONG_DATA_KEY") or _local_secret("data.key", n_bytes=32),
        "public_url": env.get("MEITONG_PUBLIC_URL", "http://127.0.0.1:8000"),
        "access_token_ttl_s": _int("MEITONG_ACCESS_TOKEN_TTL_S", 15 * 60),
        "refresh_token_ttl_s": _int("MEITONG_REFRESH_TOKEN_TTL_S", 30 * 24 * 3600),
        "step_up_ttl_s": _int("MEITONG_STEP_UP_TTL_S", 300),
        "sms_sender": env.get("MEITONG_SMS_SENDER", "console"),
        "invitation_ttl_days": _int("MEITONG_INVITATION_TTL_DAYS", 7),
        "login_attempts_per_phone": _int("MEITONG_LOGIN_ATTEMPTS_PER_PHONE", 10),
        "login_attempts_per_ip": _int("MEITONG_LOGIN_ATTEMPTS_PER_IP", 60),
        "login_backoff_free_failures": _int("MEITONG_LOGIN_BACKOFF_FREE_FAILURES", 5),
        "login_backoff_cap_s": _int("MEITONG_LOGIN_BACKOFF_CAP_S", 15 * 60),
        "login_failure_memory_s": _int("MEITONG_LOGIN_FAILURE_MEMORY_S", 24 * 3600),
        "device_token_ttl_s": _int("MEITONG_DEVICE_TOKEN_TTL_S", 180 * 24 * 3600),
        "trusted_proxies": _cidrs(env.get("MEITONG_TRUSTED_PROXIES", "")),
        "rate_window_s": _int("MEITONG_RATE_WINDOW_S", 60),
        "rate_per_user": _int("MEITONG_RATE_PER_USER", 1200),
        "rate_per_ip": _int("MEITONG_RATE_PER_IP", 6000),
        "rate_per_machine_key": _int("MEITONG_RATE_PER_MACHINE_KEY", 3000),
        "rate_verify_per_ip": _int("MEITONG_RATE_VERIFY_PER_IP", 120),
        "live_streams_per_user": _int("MEITONG_LIVE_STREAMS_PER_USER", 5),
        "live_stream_lease_s": _int("MEITONG_LIVE_STREAM_LEASE_S", 60),
        "password_hash_time_cost": _int("MEITONG_PASSWORD_HASH_TIME_COST", 3),
        "password_hash_memory_kib": _int("MEITONG_PASSWORD_HASH_MEMORY_KIB", 65536),
        "log_level": env.get("MEITONG_LOG_LEVEL", "INFO"),
        "in_app_jobs": env.get("MEITONG_IN_APP_JOBS", "0") in ("1", "true", "yes"),
        "demo_lane_url": env.get("MEITONG_DEMO_LANE_URL", ""),
        "var_dir": str(_var_dir()),
        "pass_signing_key_pem": env.get("MEITONG_PASS_SIGNING_KEY") or _local_ed25519_pem("pass-signing-key.pem"),
        "pass_kid": env.get("MEITONG_PASS_KID", ""),
        "pass_previous_public_keys": json.loads(env.get("MEITONG_PASS_PREVIOUS_PUBLIC_KEYS") or "{}"),
        "evidence_signing_key_pem": env.get("MEITONG_EVIDENCE_SIGNING_KEY")
        or _local_ed25519_pem("evidence-signing-key.pem"),
        "evidence_previous_public_keys": json.loads(env.get("MEITONG_EVIDENCE_PREVIOUS_PUBLIC_KEYS") or "{}"),
        "node_modules_dir": env.get("MEITONG_NODE_MODULES_DIR", str(ROOT_DIR / "node_modules")),
        "files_dir": env.get("MEITONG_FILES_DIR") or str(_var_dir() / "files"),
        "fcm_credentials_file": env.get("MEITONG_FCM_CREDENTIALS", ""),
        "fcm_endpoint": env.get("MEITONG_FCM_ENDPOINT", "").rstrip("/"),
        "vapid_private_key_pem": env.get("MEITONG_VAPID_PRIVATE_KEY") or _local_p256_pem("vapid-private-key.pem"),
        "vapid_subject": env.get("MEITONG_VAPID_SUBJECT") or "mailto:ops@meitong.local",
        "log_json": env.get("MEITONG_LOG_JSON", "1") not in ("0", "false", "no"),
        "jt808_host": env.get("MEITONG_JT808_HOST", "127.0.0.1"),
        "jt808_port": _int("MEITONG_JT808_PORT", 5015),
        "jt808_in_app": env.get("MEITONG_JT808_IN_APP", "0") in ("1", "true", "yes"),
        "jt808_idle_timeout_s": _int("MEITONG_JT808_IDLE_TIMEOUT_S", 180),
        "gps_stream": env.get("MEITONG_GPS_STREAM", "gps:positions"),
        "gps_group": env.get("MEITONG_GPS_GROUP", "gps-pipeline"),
        "gps_corridor_width_m": _float("MEITONG_GPS_CORRIDOR_WIDTH_M", 1000.0),
        "alert_pack_positions_min": _int("MEITONG_ALERT_PACK_POSITIONS_MIN", 30),
        "gps_max_deliveries": _int("MEITONG_GPS_MAX_DELIVERIES", 5),
        "demo_trucks": _int("MEITONG_DEMO_TRUCKS", 0),
        "body_max_depth": _int("MEITONG_BODY_MAX_DEPTH", 32),
        "contract_max_quantity_kg": _int("MEITONG_CONTRACT_MAX_QUANTITY_KG", 50_000_000_000),
        "price_min_fen_per_t": _int("MEITONG_PRICE_MIN_FEN_PER_T", 100),
        "price_max_fen_per_t": _int("MEITONG_PRICE_MAX_FEN_PER_T", 1_000_000),
        "order_min_planned_kg": _int("MEITONG_ORDER_MIN_PLANNED_KG", 100),
        "order_max_planned_kg": _int("MEITONG_ORDER_MAX_PLANNED_KG", 49_000),
        "watchdog_device_silent_after_s": _int("MEITONG_WATCHDOG_DEVICE_SILENT_AFTER_S", 300),
        "watchdog_terminal_silent_after_s": _int("MEITONG_WATCHDOG_TERMINAL_SILENT_AFTER_S", 900),
        "watchdog_recovery_hold_s": _int("MEITONG_WATCHDOG_RECOVERY_HOLD_S", 900),
        "receipt_tolerance_pct": _float("MEITONG_RECEIPT_TOLERANCE_PCT", 1.0),
        "receipt_tolerance_min_kg": _int("MEITONG_RECEIPT_TOLERANCE_MIN_KG", 200),
        "price_off_contract_pct": _float("MEITONG_PRICE_OFF_CONTRACT_PCT", 10.0),
        "sales_baseline_days": _int("MEITONG_SALES_BASELINE_DAYS", 28),
        "sales_baseline_min_days": _int("MEITONG_SALES_BASELINE_MIN_DAYS", 7),
        "sales_baseline_factor": _float("MEITONG_SALES_BASELINE_FACTOR", 2.0),
    }
    values.update(overrides)
    if values["env"] == "production":
        for name, var in (("secret_key", "MEITONG_SECRET_KEY"), ("data_key", "MEITONG_DATA_KEY"),
                          ("pass_signing_key_pem", "MEITONG_PASS_SIGNING_KEY"),
                          ("evidence_signing_key_pem", "MEITONG_EVIDENCE_SIGNING_KEY"),
                          ("vapid_private_key_pem", "MEITONG_VAPID_PRIVATE_KEY")):
            if not env.get(var) and name not in overrides:
                raise RuntimeError(f"{var} must be set in production")
    return Settings(**values)  # type: ignore[arg-type]
