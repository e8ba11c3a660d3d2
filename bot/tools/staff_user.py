"""Add a staff user or reset a password: `python -m bot.tools.staff_user add EMAIL [--role R] [--name N]`.

The password is read from the terminal (asked twice), or from stdin with `--password-stdin`
(for scripts: `printf '%s' "$PW" | make staff-user EMAIL=… ARGS=--password-stdin`).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from email_validator import EmailNotValidError, validate_email

from bot.db.models import STAFF_ROLES
from bot.db.session import make_engine, make_sessionmaker
from bot.desk.staff_users import MIN_PASSWORD_LENGTH, upsert_user
from bot.settings import Settings


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.read().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        raise SystemExit("staff_user: the passwords differ")
    return first


async def _add(database_url: str, email: str, password: str, role: str | None,
               name: str | None) -> bool:
    engine = make_engine(database_url)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            _, created = await upsert_user(session, email, password, role=role, name=name)
    finally:
        await engine.dispose()
    return created


def main(argv: list[str] | None = None, settings: Settings | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.tools.staff_user", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="create a staff user, or set the password of an existing one")
    add.add_argument("email")
    add.add_argument("--role", choices=STAFF_ROLES, default=None,
                     help="staff (default for new users), maintainer or admin")
    add.add_argument("--name", default=None)
    add.add_argument("--password-stdin", action="store_true")
    args = parser.parse_args(argv)
    try:
        email = validate_email(args.email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        parser.error(str(error))
    password = _password(args.password_stdin)
    if len(password) < MIN_PASSWORD_LENGTH:
        print(f"staff_user: the password needs at least {MIN_PASSWORD_LENGTH} characters",
              file=sys.stderr)
        return 2
    settings = settings or Settings.from_env()
    created = asyncio.run(_add(settings.database_url, email, password, args.role, args.name))
    print(f"{'Created' if created else 'Updated'} staff user {email}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
