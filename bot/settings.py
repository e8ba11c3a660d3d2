"""One settings object, read once from the environment and passed down.

A process reads its settings with `Settings.from_env()`; a process that starts others
(bot/tools/stack.py) gives each child the settings it needs with `to_env`, so the child
reads exactly what its parent decided. Both use the variable names in ENV_NAMES.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
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
    # Rasa's `events` table that the ingestion consumer reads (bot/ingest/events.py).
    events_db_url: str = f"sqlite:///{VAR_DIR / 'rasa_events.db'}"
    # Rasa's tracker store (the whole conversations): purged and erased with the rest (issue 15).
    tracker_db_url: str = f"sqlite:///{VAR_DIR / 'rasa_tracker.db'}"
    # The processes' log files (bot/tools/stack.py writes them), also purged and erased.
    log_dir: Path = VAR_DIR / "logs"
    # Retention periods in days per kind, overriding bot.desk.retention's defaults:
    # "conversations=14,tickets=90".
    retention_days: str | None = None
    cookie_secure: bool = False
    # Production profile (README, "Configuration"): PostgreSQL tracker store; Redis lock store
    # and the web app's login limiter, shared by all processes.
    tracker_store_url: str | None = None
    redis_url: str | None = None
    event_broker_url: str | None = None
    # Seconds between the ingestion consumer's reads of the event table.
    inbox_poll_seconds: float = 3.0
    # The web app's address as clients reach it: the one-time links in mails point there
    # (default http://localhost:WEB_PORT).
    public_url: str = "http://localhost:8080"
    # Seconds between the scheduler's rounds of periodic jobs (bot/scheduler).
    scheduler_poll_seconds: float = 60.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        values = {}
        for f in fields(cls):
            raw = env.get(ENV_NAMES[f.name])
            if raw:
                values[f.name] = _PARSE.get(f.type, str)(raw)
        settings = cls(**values)
        derived = {"database_url": async_database_url(settings.database_url)}
        if not env.get(ENV_NAMES["rasa_url"]):
            derived["rasa_url"] = f"http://localhost:{settings.rasa_port}"
        if not env.get(ENV_NAMES["public_url"]):
            derived["public_url"] = f"http://localhost:{settings.web_port}"
        if not env.get(ENV_NAMES["tracker_db_url"]) and settings.tracker_store_url:
            derived["tracker_db_url"] = settings.tracker_store_url
        if not env.get(ENV_NAMES["events_db_url"]):
            # The broker's table if there is one, else the tracker store's (same columns).
            derived["events_db_url"] = (settings.event_broker_url or settings.tracker_store_url
                                        or settings.events_db_url)
        return cls(**{**values, **derived})

    def to_env(self, names: Iterable[str]) -> dict[str, str]:
        """The variables from which `from_env` reads these settings back (unset ones omitted)."""
        env = {}
        for name in names:
            value = getattr(self, name)
            if value is None or value is False:
                continue
            env[ENV_NAMES[name]] = "1" if value is True else str(value)
        return env


# Each setting's environment variable: from_env reads these, to_env writes them.
ENV_NAMES: dict[str, str] = {
    "database_url": "DATABASE_URL",
    "rasa_port": "RASA_PORT",
    "action_port": "ACTION_PORT",
    "web_port": "WEB_PORT",
    "host": "HOST",
    "rasa_url": "RASA_URL",
    "rasa_token": "RASA_TOKEN",
    "staff_email": "STAFF_EMAIL",
    "staff_password": "STAFF_PASSWORD",
    "staff_api_token": "STAFF_API_TOKEN",
    "secret_key": "SECRET_KEY",
    "smtp_host": "SMTP_HOST",
    "smtp_port": "SMTP_PORT",
    "mail_from": "MAIL_FROM",
    "mail_outbox": "MAIL_OUTBOX",
    "timezone": "DESK_TIMEZONE",
    "events_db_url": "EVENTS_DB_URL",
    "tracker_db_url": "TRACKER_DB_URL",
    "log_dir": "LOG_DIR",
    "retention_days": "RETENTION_DAYS",
    "cookie_secure": "COOKIE_SECURE",
    "tracker_store_url": "TRACKER_STORE_URL",
    "redis_url": "REDIS_URL",
    "event_broker_url": "EVENT_BROKER_URL",
    "inbox_poll_seconds": "INBOX_POLL_SECONDS",
    "public_url": "PUBLIC_URL",
    "scheduler_poll_seconds": "SCHEDULER_POLL_SECONDS",
}

# Field type (as annotated) → how its variable is read; anything else is a string.
_PARSE = {"int": int, "float": float, "bool": lambda raw: raw == "1", "Path": Path}


def redis_prefix(url: str) -> str:
    """The key namespace REDIS_URL names with `?prefix=` (default "expatdesk"), shared by
    Rasa's lock store (bot/tools/stack.py) and the staff login limit (bot/web/ratelimit.py)."""
    return parse_qs(urlsplit(url).query).get("prefix", ["expatdesk"])[0]
