"""`python -m bot.console.accounts`: the first coordinator, created from the command line, logs in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from bot.store.database import Store, connect
from console_support import build, login

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.asyncio


def accounts(database: Path, *args: str, password: str = "a long enough secret") -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{database}", "CONSOLE_PASSWORD": password}
    return subprocess.run([sys.executable, "-m", "bot.console.accounts", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


async def test_the_command_creates_a_coordinator_who_can_log_in(tmp_path):
    database = tmp_path / "fresh" / "gateway.sqlite3"  # nothing there yet: the command migrates first
    done = accounts(database, "create", "Hoa", "--name", "Hoa Nguyen", "--role", "coordinator",
                    "--languages", "vi,en", "--specialties", "labour,health")
    assert done.returncode == 0, done.stderr
    assert "created coordinator 'hoa'" in done.stdout
    again = accounts(database, "create", "hoa", "--name", "Someone else")
    assert again.returncode == 1 and "taken" in again.stderr
    short = accounts(database, "create", "kim", "--name", "Kim", password="short")
    assert short.returncode == 1 and "12" in short.stderr

    engine = connect(f"sqlite+aiosqlite:///{database}")
    try:
        app, _ = build(Store(engine))  # with a real HandoffService on that store
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
            assert (await login(client, "hoa", "a long enough secret")).status_code == 303
            page = await client.get("/console/counselors")
            assert page.status_code == 200 and "Hoa Nguyen" in page.text
    finally:
        await engine.dispose()

    reset = accounts(database, "password", "hoa", password="a brand new secret")
    assert reset.returncode == 0, reset.stderr
