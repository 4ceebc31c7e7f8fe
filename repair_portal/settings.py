"""One Settings object, read from the environment once.

Everything configurable lives here so tests can build their own Settings
(a temp data dir, a test database) without touching global state.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import routes

PROJECT_ROOT = Path(__file__).resolve().parent.parent

PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "secret", "dev", "test", "placeholder"}


class SettingsError(RuntimeError):
    """Raised for configuration a shop must fix before the app can start."""


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def _env_bool(name: str, default: bool) -> bool:
    """Unset or empty: the default. A typo (DEMO_MODE=ture) stops the app instead of meaning "off"."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise SettingsError(f"{name} must be true or false (or yes/no, on/off, 1/0), got {raw!r}")


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or int(raw) == 0:
        raise SettingsError(f"{name} must be a whole number above 0, got {raw!r}")
    return int(raw)


def _env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return raw


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    public_url: str
    secret_key: str
    demo_mode: bool
    redis_url: str | None = None
    sendgrid_api_key: str | None = None
    mail_from: str = "no-reply@localhost"
    sendgrid_api_host: str = "https://api.sendgrid.com"
    staff_session_idle_minutes: int = 120
    staff_session_absolute_hours: int = 12
    portal_session_idle_minutes: int = 60 * 24 * 7  # a customer comes back within the week
    portal_session_absolute_hours: int = 24 * 30
    login_max_failures_per_account: int = 5
    login_failure_window_minutes: int = 15
    login_max_failures_per_ip: int = 20
    login_ip_window_minutes: int = 60
    log_format: str = "text"  # or "json": one JSON object a line
    pdf_cache_mb: int = 256  # rendered PDFs kept in DATA_DIR/cache/pdf (least recently used go first)
    # Online payments: these win over the keys typed on Settings → Payments (services/payment_settings.py).
    stripe_secret_key: str | None = None
    stripe_webhook_secret: str | None = None
    stripe_api_base: str | None = None  # None: Stripe's own API; the demo stand-in's address otherwise
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_from: str | None = None  # an E.164 number or a Messaging Service SID (MG…)
    twilio_api_base: str | None = None  # None: Twilio's own API (tests point it at a stand-in)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def mail_backend_name(self) -> str:
        return "sendgrid" if self.sendgrid_api_key else "outbox"

    @property
    def uploads_dir(self) -> Path:
        """Private customer files; never under Reflex's public upload folder."""
        return self.data_dir / "files"

    @property
    def pdf_cache_dir(self) -> Path:
        """Rendered PDFs by content hash (api/common.pdf_cache); safe to delete at any time."""
        return self.data_dir / "cache" / "pdf"

    @property
    def allowed_origins(self) -> list[str]:
        """Websocket Origin allow-list: the public URL, plus its loopback twin for the shop PC itself."""
        from urllib.parse import urlsplit

        origins = [self.public_url]
        parts = urlsplit(self.public_url)
        if parts.hostname in ("localhost", "127.0.0.1"):
            port = f":{parts.port}" if parts.port else ""
            twin = "127.0.0.1" if parts.hostname == "localhost" else "localhost"
            origins.append(f"{parts.scheme}://{twin}{port}")
        return origins

    def track_url(self, code: str) -> str:
        return f"{self.public_url.rstrip('/')}/track/{code}"

    def staff_url(self, path: str = routes.STAFF_LOGIN) -> str:
        return f"{self.public_url.rstrip('/')}{path}"

    def passcode_key(self) -> bytes:
        """The key passcodes, TOTP secrets and typed provider keys are encrypted with (DATA_DIR/passcode_key;
        created only by an explicit first-time step: repair_portal/keys.py)."""
        from .integrations.vault import load_key

        return load_key(self.data_dir)


def _env_stripe(name: str, prefixes: tuple[str, ...], demo_mode: bool) -> str | None:
    """A Stripe key from the environment: a placeholder stops the app (demo mode: ignored, the stand-in
    is used), and so does a key of the wrong kind (a publishable pk_ key where the secret one belongs)."""
    value = (os.environ.get(name) or "").strip()
    if not value:
        return None
    if value.lower() in PLACEHOLDER_SECRETS:
        if demo_mode:
            return None
        raise SettingsError(f"{name} is a placeholder; unset it (or set the real key from Stripe's dashboard).")
    if not value.startswith(prefixes):
        raise SettingsError(f"{name} must start with {' or '.join(prefixes)} (copy it from Stripe's dashboard).")
    return value


def _env_twilio(name: str, demo_mode: bool) -> str | None:
    """A Twilio setting from the environment: a placeholder stops the app (demo mode: ignored)."""
    value = (os.environ.get(name) or "").strip()
    if not value:
        return None
    if value.lower() in PLACEHOLDER_SECRETS:
        if demo_mode:
            return None
        raise SettingsError(f"{name} is a placeholder; unset it (texts then stay in the SMS outbox).")
    return value


def _env_url(name: str) -> str | None:
    value = (os.environ.get(name) or "").strip().rstrip("/")
    if not value:
        return None
    if not value.startswith(("http://", "https://")):
        raise SettingsError(f"{name} must be an http:// or https:// address, got {value!r}")
    return value


def data_paths() -> tuple[Path, str]:
    """DATA_DIR and the database URL: all that migrations, backup and restore need (no keys)."""
    data_dir = Path(os.environ.get("DATA_DIR", PROJECT_ROOT / "data")).resolve()
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    return data_dir, os.environ.get("DATABASE_URL") or f"sqlite:///{data_dir / 'repair_portal.db'}"


def load_settings(*, keys_required: bool = True) -> Settings:
    """`keys_required=False` (Reflex's config, migrations): no key is read or checked; the secret key is
    then empty, so nothing that signs or derives may run with such settings."""
    from . import keys

    data_dir, database_url = data_paths()
    demo_mode = _env_bool("DEMO_MODE", False)
    secret_key = os.environ.get("SECRET_KEY")
    if secret_key is not None and (
        (secret_key.strip().lower() in PLACEHOLDER_SECRETS or len(secret_key) < 32) and not demo_mode
    ):
        raise SettingsError(
            "SECRET_KEY is a placeholder or shorter than 32 characters. "
            "Unset it (the key in DATA_DIR/secret_key is used) or set a real one."
        )
    if keys_required:
        keys.check_keys(data_dir, database_url, secret_in_env=secret_key is not None)
    if secret_key is None:
        secret_key = keys.read_secret_key(data_dir) or ""
    sendgrid_key = os.environ.get("SENDGRID_API_KEY") or None
    if sendgrid_key and sendgrid_key.strip().lower() in PLACEHOLDER_SECRETS and not demo_mode:
        raise SettingsError("SENDGRID_API_KEY is a placeholder; unset it to use the outbox.")
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        public_url=os.environ.get("PUBLIC_URL", "http://localhost:3000").rstrip("/"),
        secret_key=secret_key,
        demo_mode=demo_mode,
        redis_url=os.environ.get("REDIS_URL") or None,
        sendgrid_api_key=sendgrid_key,
        mail_from=os.environ.get("MAIL_FROM", "no-reply@localhost"),
        sendgrid_api_host=os.environ.get("SENDGRID_API_HOST", "https://api.sendgrid.com"),
        staff_session_idle_minutes=_env_int("STAFF_SESSION_IDLE_MINUTES", 120),
        staff_session_absolute_hours=_env_int("STAFF_SESSION_ABSOLUTE_HOURS", 12),
        log_format=_env_choice("LOG_FORMAT", ("text", "json"), "text"),
        pdf_cache_mb=_env_int("PDF_CACHE_MB", 256),
        stripe_secret_key=_env_stripe("STRIPE_SECRET_KEY", ("sk_", "rk_"), demo_mode),
        stripe_webhook_secret=_env_stripe("STRIPE_WEBHOOK_SECRET", ("whsec_",), demo_mode),
        stripe_api_base=_env_url("STRIPE_API_BASE"),
        twilio_account_sid=_env_twilio("TWILIO_ACCOUNT_SID", demo_mode),
        twilio_auth_token=_env_twilio("TWILIO_AUTH_TOKEN", demo_mode),
        twilio_from=_env_twilio("TWILIO_FROM", demo_mode),
        twilio_api_base=_env_url("TWILIO_API_BASE"),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
