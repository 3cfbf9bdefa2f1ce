"""Console accounts from the command line (the first coordinator, or a forgotten password).

    python -m bot.console.accounts create USERNAME --name "Display Name" --role coordinator \
        --languages vi,en --specialties labour,health
    python -m bot.console.accounts password USERNAME      # new password, lifts a lockout

The password comes from the environment variable CONSOLE_PASSWORD, or is asked for (not echoed).
The store is DATABASE_URL's (bot/config.py); its schema is brought up to date first.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from typing import Optional, Sequence

from sqlalchemy import select

from bot.config import Settings
from bot.console import audit, auth
from bot.store.database import Store, connect, migrate
from bot.store.models import Counselor


def _password() -> str:
    password = os.environ.get("CONSOLE_PASSWORD", "")
    if password:
        return password
    password = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != password:
        raise auth.AccountError("the two passwords differ")
    return password


async def _run(args: argparse.Namespace, password: str) -> str:
    database = connect(Settings.from_env().database_url)
    try:
        await migrate(database)
        store = Store(database)
        if args.command == "create":
            counselor = await auth.create(store, name=args.username, display=args.name, password=password,
                                          role_name=args.role, language_codes=args.languages,
                                          specialty_names=args.specialties)
            await audit.record(store, None, "counselor_create", str(counselor.id), username=counselor.username,
                               role=counselor.role, via="command line")
            return f"created {counselor.role} {counselor.username!r} (id {counselor.id})"
        async with store.read() as session:
            found = await session.scalar(select(Counselor).where(Counselor.username == auth.username(args.username)))
        if found is None:
            raise auth.AccountError("no such account")
        await auth.set_password(store, found.id, password)
        await audit.record(store, None, "counselor_password", str(found.id), via="command line")
        return f"new password set for {found.username!r}; any lockout lifted"
    finally:
        await database.dispose()


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.console.accounts", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="create an account")
    create.add_argument("username")
    create.add_argument("--name", required=True, help="the name colleagues see")
    create.add_argument("--role", choices=auth.ROLES, default="counselor")
    create.add_argument("--languages", default="", help="comma-separated language codes, e.g. vi,en")
    create.add_argument("--specialties", default="", help="comma-separated, e.g. labour,health")
    password = commands.add_parser("password", help="set a new password (and lift a lockout)")
    password.add_argument("username")
    args = parser.parse_args(argv)
    try:
        # Check the input before asking for a password.
        auth.username(args.username)
        if args.command == "create":
            auth.display_name(args.name)
            auth.languages(args.languages)
            auth.specialties(args.specialties)
        secret = _password()
        auth.check_password(secret)
        print(asyncio.run(_run(args, secret)))
    except auth.AccountError as refused:
        print(f"error: {refused}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
