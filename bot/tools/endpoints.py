"""Rasa's endpoints file for one stack: the committed embedded defaults with the action
server's port and store paths filled in, or the production profile's stores."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from bot.settings import Settings, redis_prefix


def write_endpoints(target: Path, settings: Settings, var_dir: Path, template: Path) -> Path:
    """The committed endpoints file with the action server's port and store paths filled in.

    With TRACKER_STORE_URL (and REDIS_URL) set, the production profile: PostgreSQL tracker
    store and event broker, Redis lock store (needed for two or more Rasa replicas).
    """
    endpoints = yaml.safe_load(template.read_text())
    endpoints["action_endpoint"]["url"] = f"http://localhost:{settings.action_port}/webhook"
    if settings.tracker_store_url:
        # Rasa's tracker store and SQL broker both name their table `events`, so they
        # cannot share a database. Without a broker database the inbox reads the tracker
        # store's `events` table, which has the same id / sender_id / data columns.
        endpoints["tracker_store"] = {"type": "SQL", **sql_store_config(settings.tracker_store_url)}
        if settings.event_broker_url:
            endpoints["event_broker"] = {"type": "SQL", **sql_store_config(settings.event_broker_url)}
        else:
            endpoints.pop("event_broker", None)
    else:
        for key in ("tracker_store", "event_broker"):
            store = endpoints.get(key) or {}
            if store.get("dialect") == "sqlite":
                store["db"] = str(_in_var(var_dir, store["db"]))
    if settings.redis_url:
        endpoints["lock_store"] = redis_lock_store_config(settings.redis_url)
    target.write_text(yaml.safe_dump(endpoints, sort_keys=False))
    return target


def events_db_url(settings: Settings, var_dir: Path, template: Path) -> str:
    """Where the ingestion consumer finds the `events` table that write_endpoints has Rasa
    write: the broker's database, else the tracker store's, else the embedded broker file."""
    if settings.tracker_store_url:
        return settings.event_broker_url or settings.tracker_store_url
    broker = yaml.safe_load(template.read_text())["event_broker"]
    return f"sqlite:///{_in_var(var_dir, broker['db'])}"


def tracker_db_url(settings: Settings, var_dir: Path, template: Path) -> str:
    """The tracker store's database that write_endpoints has Rasa write (purge, erasure)."""
    if settings.tracker_store_url:
        return settings.tracker_store_url
    store = yaml.safe_load(template.read_text())["tracker_store"]
    return f"sqlite:///{_in_var(var_dir, store['db'])}"


def _in_var(var_dir: Path, db: str) -> Path:
    """The embedded SQLite stores live in the stack's var folder (tests: a temporary one)."""
    return var_dir / Path(db).name


def sql_store_config(url: str) -> dict:
    """postgresql://user:pw@host:port/db → Rasa's SQL store keys."""
    parsed = urlsplit(url)
    config = {
        "dialect": "postgresql",
        "url": parsed.hostname or "localhost",
        "port": parsed.port or 5432,
        "db": parsed.path.lstrip("/") or "rasa",
    }
    if parsed.username:
        config["username"] = unquote(parsed.username)
    if parsed.password:
        config["password"] = unquote(parsed.password)
    return config


def redis_lock_store_config(url: str) -> dict:
    """redis://[:pw@]host:port/db → Rasa's Redis lock store keys."""
    parsed = urlsplit(url)
    config = {
        "type": "redis",
        "url": parsed.hostname or "localhost",
        "port": parsed.port or 6379,
        "db": int(parsed.path.lstrip("/") or 1),
        "key_prefix": redis_prefix(url),
    }
    if parsed.password:
        config["password"] = unquote(parsed.password)
    return config
