from bot.settings import Settings, async_database_url


def test_database_url_maps_to_async_drivers():
    assert async_database_url("postgresql://u@h/db") == "postgresql+asyncpg://u@h/db"
    assert async_database_url("postgres://u@h/db") == "postgresql+asyncpg://u@h/db"
    assert async_database_url("sqlite:///var/x.db") == "sqlite+aiosqlite:///var/x.db"


def test_settings_from_env_defaults_and_overrides():
    defaults = Settings.from_env({})
    assert defaults.database_url.startswith("sqlite+aiosqlite:///")
    assert (defaults.rasa_port, defaults.action_port, defaults.web_port) == (5005, 5055, 8080)
    custom = Settings.from_env(
        {"DATABASE_URL": "postgresql://x@y/z", "RASA_PORT": "6000", "STAFF_API_TOKEN": "t"}
    )
    assert custom.database_url == "postgresql+asyncpg://x@y/z"
    assert custom.rasa_url == "http://localhost:6000"
    assert custom.staff_api_token == "t"


def test_every_setting_survives_the_trip_to_a_child_process():
    """What a parent decides (to_env) is what the child reads (from_env), field by field."""
    from dataclasses import fields
    from pathlib import Path

    chosen = Settings(
        database_url="postgresql+asyncpg://u@h/app", rasa_port=6001, action_port=6002,
        web_port=6003, host="0.0.0.0", rasa_url="https://bot.example.org", rasa_token="-tok",
        staff_email="a@example.org", staff_password="pw", staff_api_token="api",
        secret_key="s3cret", smtp_host="smtp.example.org", smtp_port=2525, mail_from="Desk <d@e.org>",
        mail_outbox=Path("/tmp/outbox"), timezone="Europe/London", events_db_url="sqlite:///x.db",
        cookie_secure=True, tracker_store_url="postgresql://t@h/rasa", redis_url="redis://r:6379/2",
        event_broker_url="postgresql://b@h/events", inbox_poll_seconds=0.5,
        public_url="https://desk.example.org", scheduler_poll_seconds=5.0,
        tracker_db_url="postgresql://t@h/tracker", log_dir=Path("/tmp/logs"),
        retention_days="tickets=90",
    )
    assert all(getattr(chosen, f.name) != getattr(Settings(), f.name) for f in fields(Settings))
    assert Settings.from_env(chosen.to_env(f.name for f in fields(Settings))) == chosen
    assert Settings.from_env(Settings().to_env(["cookie_secure", "smtp_host"])) == Settings.from_env({})


def test_events_are_read_from_the_broker_else_the_tracker_store():
    assert Settings.from_env({}).events_db_url.endswith("var/rasa_events.db")
    tracker = {"TRACKER_STORE_URL": "postgresql://t@h/rasa"}
    assert Settings.from_env(tracker).events_db_url == "postgresql://t@h/rasa"
    broker = {**tracker, "EVENT_BROKER_URL": "postgresql://b@h/events"}
    assert Settings.from_env(broker).events_db_url == "postgresql://b@h/events"
    assert Settings.from_env({"INBOX_POLL_SECONDS": "0.25"}).inbox_poll_seconds == 0.25


def test_each_child_gets_exactly_its_settings_and_nothing_else_of_ours(tmp_path):
    from bot.settings import ENV_NAMES
    from bot.tools.stack import CHILD_SETTINGS, Stack, child_env

    settings = Settings(staff_password="pw", smtp_host="smtp.example.org", redis_url="redis://r/1",
                        rasa_token="tok", tracker_store_url=None)
    stack = Stack(settings=settings, model=tmp_path, var_dir=tmp_path)
    # A stray setting in the parent's environment must not leak into any child.
    base = {"PATH": "/usr/bin", "HOME": "/home/desk", "DATABASE_URL": "sqlite:///elsewhere.db",
            "STAFF_PASSWORD": "leaked"}
    envs = {name: child_env(stack.child_settings(), name, base) for name in CHILD_SETTINGS}
    ours = set(ENV_NAMES.values())
    for name, env in envs.items():
        assert env["PATH"] == "/usr/bin" and env["HOME"] == "/home/desk"
        assert {k for k in env if k in ours} <= {ENV_NAMES[s] for s in CHILD_SETTINGS[name]}
    assert envs["web"]["STAFF_PASSWORD"] == "pw" and "STAFF_PASSWORD" not in envs["actions"]
    assert envs["web"]["REDIS_URL"] == "redis://r/1" and envs["actions"]["SMTP_HOST"] == "smtp.example.org"
    assert envs["ingest"]["EVENTS_DB_URL"] == f"sqlite:///{tmp_path / 'rasa_events.db'}"
    assert envs["ingest"]["DATABASE_URL"] == settings.database_url
    assert not {k for k in envs["rasa"] if k in ours}  # Rasa reads var/endpoints.yml
    for name, env in envs.items():
        child = Settings.from_env(env)
        for setting in CHILD_SETTINGS[name]:
            assert getattr(child, setting) == getattr(stack.child_settings(), setting), (name, setting)


def test_the_tracker_store_is_purged_where_rasa_writes_it():
    assert Settings.from_env({}).tracker_db_url.endswith("var/rasa_tracker.db")
    tracker = {"TRACKER_STORE_URL": "postgresql://t@h/rasa"}
    assert Settings.from_env(tracker).tracker_db_url == "postgresql://t@h/rasa"
