"""`make purge`: apply the retention periods now (bot.desk.retention; the running stack's
scheduler does it daily) and print what was removed per kind.

    python -m bot.tools.purge          # the embedded stack's stores under var/, or the
                                       # production profile's from DATABASE_URL etc.
"""

from __future__ import annotations

import asyncio
import sys

from bot.db.base import utcnow
from bot.db.migrate import upgrade
from bot.db.session import make_engine, make_sessionmaker
from bot.desk import privacy
from bot.desk.retention import BadRetention, Retention
from bot.settings import Settings


async def run(settings: Settings, policy: Retention) -> dict[str, int]:
    engine = make_engine(settings.database_url)
    try:
        return await privacy.purge(make_sessionmaker(engine), privacy.stores_of(settings),
                                   policy, utcnow())
    finally:
        await engine.dispose()


def main() -> int:
    settings = Settings.from_env()
    try:
        policy = Retention.parse(settings.retention_days)
    except BadRetention as error:
        print(f"make purge: RETENTION_DAYS has '{error}': use kind=days with kinds "
              f"{', '.join(Retention().days)}", file=sys.stderr)
        return 2
    upgrade(settings.database_url)
    counts = asyncio.run(run(settings, policy))
    width = max(map(len, counts))
    print("Removed (retention periods in days: "
          + ", ".join(f"{k}={v}" for k, v in policy.days.items()) + ")")
    for kind, count in counts.items():
        print(f"  {kind:<{width}}  {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
