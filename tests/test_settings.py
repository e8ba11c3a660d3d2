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
