"""The ingestion consumer process.

    python -m bot.ingest          # follow Rasa's events every INBOX_POLL_SECONDS (make run)
    python -m bot.ingest --once   # read what is new and exit (make ingest)

SIGTERM or Ctrl-C ends it after the batch in progress.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from bot.db.session import make_engine, make_sessionmaker
from bot.ingest.consumer import follow, ingest_once
from bot.ingest.events import events_engine
from bot.settings import Settings


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
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
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
    parser = argparse.ArgumentParser(description="Capture user messages into the review inbox.")
    parser.add_argument("--once", action="store_true", help="read what is new and exit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        asyncio.run(run(Settings.from_env(), args.once))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
