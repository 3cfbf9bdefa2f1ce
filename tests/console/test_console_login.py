"""Login with argon2 hashes, the lockout, logout, session expiry and the cookie's flags."""

from __future__ import annotations

import datetime as dt
import time
from types import SimpleNamespace

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from bot.console import auth, console_app, web
from bot.console.auth import LOGIN_ERROR
from bot.store.models import AuditEntry, Counselor
from console_support import PASSWORD, build, csrf_of, login, services, token

pytestmark = pytest.mark.asyncio


async def _counselor(console, name: str) -> Counselor:
    async with console.store.read() as session:
        return await session.scalar(select(Counselor).where(Counselor.username == name))


async def test_login_with_an_argon2_hash(console):
    await console.account("lan")
    stored = await _counselor(console, "lan")
    assert stored.password_hash.startswith("$argon2id$") and PASSWORD not in stored.password_hash
    async with console.client() as client:
        response = await login(client, "lan")
        assert response.status_code == 303 and response.headers["location"] == "/console/"
        page = await client.get("/console/")
        assert page.status_code == 200 and "Lan (counselor)" in page.text


async def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(console):
    await console.account("lan")
    async with console.client() as client:
        wrong = await login(client, "lan", "not the password at all")
        unknown = await login(client, "nobody", PASSWORD)
        for response in (wrong, unknown):
            assert response.status_code == 401
            assert LOGIN_ERROR in response.text.replace("&#39;", "'")
        assert (await client.get("/console/")).status_code == 303  # still not logged in
    assert (await _counselor(console, "lan")).failed_logins == 1


async def test_five_failures_lock_the_account_for_15_minutes(console):
    await console.account("lan")
    async with console.client() as client:
        for _ in range(5):
            assert (await login(client, "lan", "wrong password here")).status_code == 401
        locked = await _counselor(console, "lan")
        until = locked.locked_until.replace(tzinfo=dt.timezone.utc)
        assert dt.timedelta(minutes=14) < until - dt.datetime.now(dt.timezone.utc) <= dt.timedelta(minutes=15)
        # The right password is refused during the lockout, with the same message.
        response = await login(client, "lan", PASSWORD)
        assert response.status_code == 401 and "Wrong username or password" in response.text
        assert (await client.get("/console/")).status_code == 303
    # Once the lockout has run out, the right password works again.
    async with console.store.write() as session:
        row = await session.get(Counselor, locked.id)
        row.locked_until = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
    async with console.client() as client:
        assert (await login(client, "lan", PASSWORD)).status_code == 303
    after = await _counselor(console, "lan")
    assert after.failed_logins == 0 and after.locked_until is None
    async with console.store.read() as session:
        actions = (await session.execute(select(AuditEntry.action, AuditEntry.detail))).all()
    assert [a for a, _ in actions].count("login_failed") == 6
    assert any(d.get("locked") for a, d in actions if a == "login_failed")


async def test_a_deactivated_account_cannot_log_in(console):
    cid = await console.account("lan")
    async with console.store.write() as session:
        (await session.get(Counselor, cid)).active = False
    async with console.client() as client:
        assert (await login(client, "lan")).status_code == 401


async def test_an_old_hash_is_upgraded_at_login(console):
    cid = await console.account("lan")
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    async with console.store.write() as session:
        (await session.get(Counselor, cid)).password_hash = weak
    async with console.client() as client:
        assert (await login(client, "lan")).status_code == 303
        new_hash = (await _counselor(console, "lan")).password_hash
        assert new_hash != weak and not auth.HASHER.check_needs_rehash(new_hash)
        # The session survives the upgrade of its own login.
        assert (await client.get("/console/")).status_code == 200


async def test_logout_ends_the_session_even_for_a_copy_of_the_cookie(console):
    await console.account("lan")
    async with console.client() as client:
        await login(client, "lan")
        cookie = client.cookies.get("console_session")
        response = await client.post("/console/logout", data={"csrf_token": await token(client)})
        assert response.status_code == 303 and response.headers["location"] == "/console/login"
        assert (await client.get("/console/")).status_code == 303
    async with console.client() as thief:
        thief.cookies.set("console_session", cookie, domain="testserver", path="/console")
        assert (await thief.get("/console/")).status_code == 303


async def test_logout_needs_a_post_with_the_token(console):
    await console.account("lan")
    async with console.client() as client:
        await login(client, "lan")
        assert (await client.get("/console/logout")).status_code == 405
        assert (await client.post("/console/logout")).status_code == 403
        assert (await client.get("/console/")).status_code == 200


async def test_a_session_ends_after_30_idle_minutes(console, monkeypatch):
    await console.account("lan")
    async with console.client() as client:
        await login(client, "lan")
        start = time.time()
        monkeypatch.setattr(web, "time", SimpleNamespace(time=lambda: start + 29 * 60))
        assert (await client.get("/console/")).status_code == 200  # activity: the idle clock restarts
        monkeypatch.setattr(web, "time", SimpleNamespace(time=lambda: start + 29 * 60 + 29 * 60))
        assert (await client.get("/console/queue")).status_code == 200  # the live list is not activity...
        monkeypatch.setattr(web, "time", SimpleNamespace(time=lambda: start + 29 * 60 + 31 * 60))
        assert (await client.get("/console/queue")).status_code == 401  # ...so the session ends anyway
        response = await client.get("/console/")
        assert response.status_code == 303
        assert "Your session has ended" in (await client.get(response.headers["location"])).text


async def test_a_session_ends_8_hours_after_the_login(console, monkeypatch):
    await console.account("lan")
    async with console.client() as client:
        await login(client, "lan")
        start = time.time()
        for minutes in range(20, 8 * 60, 20):  # busy all day long
            monkeypatch.setattr(web, "time", SimpleNamespace(time=lambda m=minutes: start + m * 60))
            assert (await client.get("/console/")).status_code == 200
        monkeypatch.setattr(web, "time", SimpleNamespace(time=lambda: start + 8 * 3600 + 60))
        assert (await client.get("/console/")).status_code == 303


async def test_a_new_password_ends_other_sessions(console):
    cid = await console.account("lan")
    async with console.client() as client:
        await login(client, "lan")
        await auth.set_password(console.store, cid, "another long password")
        assert (await client.get("/console/")).status_code == 303


async def test_the_cookie_is_httponly_strict_and_expires(console):
    await console.account("lan")
    async with console.client() as client:
        response = await login(client, "lan")
    cookie = response.headers["set-cookie"].lower()
    assert "console_session=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert "path=/console" in cookie and "max-age=28800" in cookie
    assert "secure" not in cookie  # PUBLIC_URL is not https here


async def test_the_cookie_is_secure_when_the_public_url_is_https(console):
    await console.account("lan")
    app, _ = build(console.store, console.handoffs, public_url="https://help.example.org")
    console.app = app
    async with console.client(https=True) as client:
        response = await login(client, "lan")
        assert response.status_code == 303
    assert "; secure" in response.headers["set-cookie"].lower()


async def test_without_console_secret_a_random_one_is_used_and_logged(console, monkeypatch, caplog):
    monkeypatch.delenv("CONSOLE_SECRET", raising=False)
    with caplog.at_level("WARNING", logger="bot.console.app"):
        console_app(services(console.store, console.handoffs))
    assert "CONSOLE_SECRET is not set" in caplog.text
