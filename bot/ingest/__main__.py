"""The ingestion consumer process.

    python -m bot.ingest          # follow Rasa's events every INBOX_POLL_SECONDS (make run)
    python -m bot.ingest --once   # read what is new and exit (make ingest)

SIGTERM or Ctrl-C ends it after the batch in progress.
"""

from __future__ import annotations

import logging
import sys

from bot.db.session import make_engine, make_sessionmaker
from bot.ingest.consumer import follow, ingest_once
from bot.ingest.events import events_engine
from bot.settings import Settings
from bot.tools.service_process import service_main, stop_on_signals


async def _once(settings: Settings, sessionmaker) -> None:
    engine = events_engine(settings.events_db_url)
    if engine is None:
        print(f"No events database yet at {settings.events_db_url} (start the bot first).")
        return
    try:
        result = await ingest_once(engine, sessionmaker)
    finally:
        await engine.dispose()
    print(f"Read {result.events_read} event(s), captured {result.messages} user message(s) "
          f"into the inbox (cursor at {result.position}).")


async def _follow(settings: Settings, sessionmaker) -> None:
    stop = stop_on_signals()
    logging.getLogger("bot.ingest").info(
        "following %s every %ss", settings.events_db_url, settings.inbox_poll_seconds)
    await follow(settings.events_db_url, sessionmaker, settings.inbox_poll_seconds, stop)


async def run(settings: Settings, once: bool) -> None:
    app_engine = make_engine(settings.database_url)
    try:
        await (_once if once else _follow)(settings, make_sessionmaker(app_engine))
    finally:
        await app_engine.dispose()


def main(argv: list[str] | None = None) -> int:
    return service_main(argv, "Capture user messages into the review inbox.",
                        "read what is new and exit", run)


if __name__ == "__main__":
    sys.exit(main())
