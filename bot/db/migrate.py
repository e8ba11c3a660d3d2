"""Apply Alembic migrations: `python -m bot.db.migrate [URL]` (default: settings)."""

from __future__ import annotations

import asyncio
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from alembic import command
from alembic.config import Config

ALEMBIC_INI = Path(__file__).with_name("alembic.ini")


def alembic_config(database_url: str | None = None) -> Config:
    config = Config(str(ALEMBIC_INI))
    if database_url:
        config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str | None = None, revision: str = "head") -> None:
    """Upgrade to `revision`. Alembic's env runs its own event loop, so from inside a
    running loop (an async test, a server start hook) it runs in a worker thread."""
    config = alembic_config(database_url)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        command.upgrade(config, revision)
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(command.upgrade, config, revision).result()


def main(argv: list[str]) -> None:
    from bot.settings import Settings, async_database_url

    url = async_database_url(argv[0]) if argv else Settings.from_env().database_url
    if url.startswith("sqlite"):
        Path(url.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
    upgrade(url)


if __name__ == "__main__":
    main(sys.argv[1:])
