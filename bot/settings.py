"""One settings object, read once from the environment and passed down."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"


def async_database_url(url: str) -> str:
    """Map a plain SQLAlchemy URL onto the async driver we use for it."""
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url[len("sqlite:///"):]
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://") or url.startswith("postgresql+psycopg2://"):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    return url


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    return int(raw) if raw else default


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite+aiosqlite:///{VAR_DIR / 'app.db'}"
    rasa_port: int = 5005
    action_port: int = 5055
    web_port: int = 8080
    host: str = "127.0.0.1"
    rasa_url: str = "http://localhost:5005"
    rasa_token: str | None = None
    staff_email: str | None = None
    staff_password: str | None = None
    staff_api_token: str | None = None
    secret_key: str = "dev-only-change-me"
    smtp_host: str | None = None
    smtp_port: int = 25
    mail_from: str = "Expat Service Desk <no-reply@expatservicedesk.invalid>"
    mail_outbox: Path = VAR_DIR / "outbox"
    timezone: str = "Europe/Berlin"
    events_db_url: str = f"sqlite:///{VAR_DIR / 'rasa_events.db'}"
    cookie_secure: bool = False
    # Production profile (README, "Configuration"): PostgreSQL tracker store; Redis lock store
    # and the web app's login limiter, shared by all processes.
    tracker_store_url: str | None = None
    redis_url: str | None = None
    event_broker_url: str | None = None
    # Seconds between the web app's reads of the event table into the inbox; 0 = off
    # (the default for hand-built settings in tests; from_env turns it on).
    inbox_poll_seconds: float = 0
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        env = dict(os.environ if env is None else env)
        defaults = cls()
        rasa_port = _int(env, "RASA_PORT", defaults.rasa_port)
        return cls(
            database_url=async_database_url(env.get("DATABASE_URL") or defaults.database_url),
            rasa_port=rasa_port,
            action_port=_int(env, "ACTION_PORT", defaults.action_port),
            web_port=_int(env, "WEB_PORT", defaults.web_port),
            host=env.get("HOST", defaults.host),
            rasa_url=env.get("RASA_URL") or f"http://localhost:{rasa_port}",
            rasa_token=env.get("RASA_TOKEN") or None,
            staff_email=env.get("STAFF_EMAIL") or None,
            staff_password=env.get("STAFF_PASSWORD") or None,
            staff_api_token=env.get("STAFF_API_TOKEN") or None,
            secret_key=env.get("SECRET_KEY", defaults.secret_key),
            smtp_host=env.get("SMTP_HOST") or None,
            smtp_port=_int(env, "SMTP_PORT", defaults.smtp_port),
            mail_from=env.get("MAIL_FROM", defaults.mail_from),
            mail_outbox=Path(env.get("MAIL_OUTBOX", str(defaults.mail_outbox))),
            timezone=env.get("DESK_TIMEZONE", defaults.timezone),
            events_db_url=env.get("EVENTS_DB_URL") or env.get("EVENT_BROKER_URL")
            or env.get("TRACKER_STORE_URL")
            or defaults.events_db_url,
            cookie_secure=env.get("COOKIE_SECURE", "") == "1",
            tracker_store_url=env.get("TRACKER_STORE_URL") or None,
            redis_url=env.get("REDIS_URL") or None,
            event_broker_url=env.get("EVENT_BROKER_URL") or None,
            inbox_poll_seconds=float(env.get("INBOX_POLL_SECONDS") or 3),
        )


def redis_prefix(url: str) -> str:
    """The key namespace REDIS_URL names with `?prefix=` (default "expatdesk"), shared by
    Rasa's lock store (bot/tools/stack.py) and the staff login limit (bot/web/ratelimit.py)."""
    return parse_qs(urlsplit(url).query).get("prefix", ["expatdesk"])[0]
