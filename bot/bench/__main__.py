"""`python -m bot.bench [NAME ...]`: run every benchmark module in bot/bench (or the named ones)."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import bot.bench


def available() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(bot.bench.__path__)
                  if not m.name.startswith("_"))


def main(argv: list[str]) -> int:
    names = [a for a in argv if not a.startswith("-")] or available()
    unknown = sorted(set(names) - set(available()))
    if unknown:
        print(f"bench: unknown module(s) {', '.join(unknown)}; available: {', '.join(available())}",
              file=sys.stderr)
        return 2
    status = 0
    for name in names:
        module = importlib.import_module(f"bot.bench.{name}")
        print(f"== bench: {name} ==", flush=True)
        status = max(status, module.main([]) or 0)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
