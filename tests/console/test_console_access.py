"""Who may reach what: every route of the console's own table refuses an anonymous request, and
coordinator pages refuse counselors. A route added without protection makes these tests fail."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from starlette.routing import Mount, Route

from bot.console import web
from bot.store.models import Counselor
from console_support import csrf_of, login, token

pytestmark = pytest.mark.asyncio

PUBLIC = {("/login", "GET"), ("/login", "POST")}  # and the /static mount: CSS and JS only
COORDINATOR_PATHS = {"/counselors", "/office-hours"}
# Plausible fields for every form, so that a refusal is not just a missing field.
FIELDS = {"text": "hello", "note": "done", "language": "vi", "action": "create", "username": "intruder",
          "display_name": "Intruder", "password": "a long enough password", "role": "coordinator",
          "opens_0": "08:00", "closes_0": "18:00"}


def endpoints(console_app):
    """(route path, method, concrete URL, route) for every route of the console, from its own table."""
    for route in console_app.routes:
        if isinstance(route, Mount):
            assert route.path == "/static", f"unexpected mount {route.path}: protect it and list it here"
            continue
        assert isinstance(route, Route), f"unexpected route type {route!r}"
        url = "/console" + re.sub(r"\{[^}]+\}", "1", route.path)
        for method in sorted(route.methods - {"HEAD"}):
            yield route.path, method, url, route


async def test_every_route_refuses_an_anonymous_request(console):
    before = await console.snapshot()  # conversation 1 exists: a refusal is not just "no such conversation"
    seen_public = set()
    checked = 0
    async with console.client() as client:
        # An anonymous session with a valid CSRF token: the refusals below are about the login.
        csrf = csrf_of((await client.get("/console/login")).text)
        for path, method, url, route in endpoints(console.console):
            if (path, method) in PUBLIC:
                seen_public.add((path, method))
                continue
            checked += 1
            if method == "GET":
                response = await client.get(url)
                if response.status_code == 303:
                    assert response.headers["location"].startswith("/console/login?next="), (method, url)
                else:
                    assert response.status_code in (401, 403), (method, url, response.status_code)
            else:
                response = await client.request(method, url, data={**FIELDS, "csrf_token": csrf})
                assert response.status_code in (401, 403), (method, url, response.status_code)
            assert "Help line" not in response.text or "Log in" in response.text
    assert seen_public == PUBLIC, "the list of public routes above no longer matches the route table"
    assert web.PUBLIC == ("/login",)
    assert checked >= 14
    # Nothing was written: no claim, reply, note, transfer or resolution, no account, no office hours.
    assert await console.snapshot() == before
    assert (await console.handoff(1)).state == "waiting" and await console.told(console.worker) == []
    async with console.store.read() as session:
        assert await session.scalar(select(func.count()).select_from(Counselor)) == 0


async def test_a_page_redirects_to_the_login_and_back(console):
    await console.account("lan")
    async with console.client() as client:
        response = await client.get("/console/conversations/1")
        assert response.status_code == 303
        assert response.headers["location"] == "/console/login?next=%2Fconsole%2Fconversations%2F1"
        page = await client.get(response.headers["location"])
        assert 'name="next" value="/console/conversations/1"' in page.text
        answer = await client.post("/console/login", data={
            "username": "lan", "password": "correct horse battery", "csrf_token": csrf_of(page.text),
            "next": "/console/conversations/1"})
        assert answer.status_code == 303 and answer.headers["location"] == "/console/conversations/1"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/elsewhere", "/console\\x"])
async def test_the_login_never_redirects_out_of_the_console(console, target):
    await console.account("lan")
    async with console.client() as client:
        page = await client.get("/console/login")
        answer = await client.post("/console/login", data={
            "username": "lan", "password": "correct horse battery", "csrf_token": csrf_of(page.text),
            "next": target})
        assert answer.headers["location"] == "/console/"


async def test_static_files_are_public(console):
    async with console.client() as client:
        assert (await client.get("/console/static/console.js")).status_code == 200
        assert (await client.get("/console/static/console.css")).status_code == 200


async def test_a_counselor_cannot_open_coordinator_pages(console):
    await console.account("lan", role="counselor")
    guarded = {path for path, _, _, route in endpoints(console.console) if getattr(route.endpoint, "coordinator_only", False)}
    assert guarded == COORDINATOR_PATHS
    async with console.client() as client:
        await login(client, "lan")
        csrf = await token(client)
        before = await console.snapshot()
        for path, method, url, route in endpoints(console.console):
            if path not in COORDINATOR_PATHS:
                continue
            if method == "GET":
                response = await client.get(url)
            else:
                response = await client.post(url, data={**FIELDS, "csrf_token": csrf})
            assert response.status_code == 403, (method, url)
            assert "Only coordinators" in response.text
        assert "/console/counselors" not in (await client.get("/console/")).text  # no link either
    assert await console.snapshot() == before  # no account created, no office hours saved
    async with console.store.read() as session:
        assert await session.scalar(select(func.count()).select_from(Counselor)) == 1


async def test_a_coordinator_can_open_them(console):
    await console.account("boss", role="coordinator")
    async with console.client() as client:
        await login(client, "boss")
        for path in COORDINATOR_PATHS:
            assert (await client.get("/console" + path)).status_code == 200
