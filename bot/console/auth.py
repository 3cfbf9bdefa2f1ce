"""Counselor accounts: argon2 password hashes, the login check with its lockout, and input rules.

Hashing and verifying take tens of milliseconds of CPU and 64 MiB (argon2id defaults), so they
run in a worker thread, never on the event loop.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterable, Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select

from bot.store.database import Store
from bot.store.models import Counselor, now, utc

HASHER = PasswordHasher()  # argon2id, the library's current recommended parameters
MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)
MIN_PASSWORD = 12
MAX_PASSWORD = 1024
ROLES = ("counselor", "coordinator")
LOGIN_ERROR = "Wrong username or password, or too many attempts: wait 15 minutes and try again."

_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:[-@][a-z0-9]{2,8})*")
_SPECIALTY = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
# Verified when the username is unknown, so that an unknown name takes as long as a wrong password.
_DUMMY_HASH = HASHER.hash("not a password of anyone")


class AccountError(ValueError):
    """Input for an account that the rules refuse; the message is shown to the coordinator."""


def hash_password(password: str) -> str:
    check_password(password)
    return HASHER.hash(password)


def check_password(password: str) -> None:
    if not (MIN_PASSWORD <= len(password) <= MAX_PASSWORD):
        raise AccountError(f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters")


def username(value: str) -> str:
    value = value.strip().lower()
    if not _USERNAME.fullmatch(value):
        raise AccountError("a username has 1-64 characters: a-z, 0-9, dot, underscore, hyphen")
    return value


def display_name(value: str) -> str:
    value = " ".join(value.split())
    if not (1 <= len(value) <= 128):
        raise AccountError("a display name has 1-128 characters")
    return value


def role(value: str) -> str:
    if value not in ROLES:
        raise AccountError("the role is counselor or coordinator")
    return value


def _codes(value: str | Iterable[str], pattern: re.Pattern, what: str) -> list[str]:
    items = value.split(",") if isinstance(value, str) else list(value)
    result: list[str] = []
    for item in (i.strip().lower() for i in items):
        if not item:
            continue
        if not pattern.fullmatch(item):
            raise AccountError(f"not a {what}: {item[:40]!r}")
        if item not in result:
            result.append(item)
    return result


def languages(value: str | Iterable[str]) -> dict:
    return {"codes": _codes(value, _LANGUAGE, "language code (e.g. vi, en, my)")}


def specialties(value: str | Iterable[str]) -> dict:
    return {"names": _codes(value, _SPECIALTY, "specialty (a-z, 0-9, _ or -)")}


async def create(store: Store, *, name: str, display: str, password: str, role_name: str = "counselor",
                 language_codes: str | Iterable[str] = (), specialty_names: str | Iterable[str] = ()) -> Counselor:
    """A new account; AccountError if the input is refused or the username is taken."""
    counselor = Counselor(
        username=username(name), display_name=display_name(display), role=role(role_name),
        languages=languages(language_codes), specialties=specialties(specialty_names),
        password_hash=await asyncio.to_thread(hash_password, password),
    )
    async with store.write() as session:
        taken = await session.scalar(select(Counselor.id).where(Counselor.username == counselor.username))
        if taken is not None:
            raise AccountError("this username is taken")
        session.add(counselor)
    return counselor


async def set_password(store: Store, counselor_id: int, password: str) -> None:
    """A new password; also lifts a lockout. Sessions signed with the old hash end (see web.py)."""
    hashed = await asyncio.to_thread(hash_password, password)
    async with store.write() as session:
        counselor = await session.get(Counselor, counselor_id)
        if counselor is None:
            raise AccountError("no such account")
        counselor.password_hash, counselor.failed_logins, counselor.locked_until = hashed, 0, None


@dataclass(frozen=True)
class LoginResult:
    counselor: Optional[Counselor]  # None: refused (always with LOGIN_ERROR)
    counselor_id: Optional[int]  # the account tried, if it exists (for the audit trail)
    locked: bool = False


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def login(store: Store, name: str, password: str) -> LoginResult:
    """Check a login. Five failures lock the account for 15 minutes, during which even the right
    password is refused; an unknown or deactivated user gets the same answer after the same work."""
    name = name.strip().lower()[:64]
    password = password[:MAX_PASSWORD]
    async with store.read() as session:
        found = await session.scalar(select(Counselor).where(Counselor.username == name))
    if found is None or not found.active:
        await asyncio.to_thread(_verify, _DUMMY_HASH, password)
        return LoginResult(None, found.id if found else None)
    ok = await asyncio.to_thread(_verify, found.password_hash, password)
    new_hash = None
    if ok and HASHER.check_needs_rehash(found.password_hash):
        new_hash = await asyncio.to_thread(HASHER.hash, password)
    async with store.write() as session:
        # Read again inside the transaction (row lock on PostgreSQL) so concurrent failures all count.
        counselor = await session.scalar(select(Counselor).where(Counselor.id == found.id).with_for_update())
        moment = now()
        locked_until = utc(counselor.locked_until)
        if locked_until is not None and locked_until > moment:
            return LoginResult(None, counselor.id, locked=True)
        if locked_until is not None:  # a lockout that has run out: start counting again
            counselor.locked_until, counselor.failed_logins = None, 0
        if not ok or counselor.password_hash != found.password_hash:
            counselor.failed_logins += 1
            if counselor.failed_logins >= MAX_FAILURES:
                counselor.locked_until, counselor.failed_logins = moment + LOCKOUT, 0
                return LoginResult(None, counselor.id, locked=True)
            return LoginResult(None, counselor.id)
        counselor.failed_logins = 0
        if new_hash is not None:
            counselor.password_hash = new_hash
    return LoginResult(counselor, counselor.id)
