"""The pages and actions: CSRF, escaping, security headers, the audit trail, refusals, live updates,
and the coordinator pages."""

from __future__ import annotations

import pytest
import pytest_asyncio
from sqlalchemy import select

from bot.console.web import CSP
from bot.store.models import AuditEntry, Counselor, OfficeHours
from console_support import XSS, login, token

pytestmark = pytest.mark.asyncio


async def _audit(console) -> list[tuple]:
    async with console.store.read() as session:
        rows = (await session.execute(select(AuditEntry).order_by(AuditEntry.id))).scalars().all()
    return [(row.counselor_id, row.action, row.target, row.detail) for row in rows if not row.action.startswith("login")]


@pytest_asyncio.fixture
async def lan(console):
    """A logged-in counselor's client, and the counselor's id."""
    cid = await console.account("lan")
    async with console.client() as client:
        await login(client, "lan")
        yield client, cid


async def test_a_post_without_or_with_a_wrong_csrf_token_is_refused(console, lan):
    client, _ = lan
    good = await token(client)
    for data, headers in [({"text": "hi"}, {}), ({"text": "hi", "csrf_token": "forged"}, {}),
                          ({"text": "hi", "csrf_token": ""}, {}), ({"text": "hi"}, {"X-CSRF-Token": "forged"})]:
        response = await client.post("/console/conversations/1/reply", data=data, headers=headers)
        assert response.status_code == 403, (data, headers)
    assert console.handoffs.calls == []
    # With the session's token, as a form field or as the header that fetch() sends:
    assert (await client.post("/console/conversations/1/reply", data={"text": "hi", "csrf_token": good})).status_code == 303
    assert (await client.post("/console/conversations/1/claim", headers={"X-CSRF-Token": good})).status_code == 303
    assert [c[0] for c in console.handoffs.calls] == ["reply", "claim"]


async def test_a_token_of_another_session_is_refused(console, lan):
    client, _ = lan
    await console.account("mai")
    async with console.client() as other:
        await login(other, "mai")
        foreign = await token(other)
    response = await client.post("/console/conversations/1/claim", data={"csrf_token": foreign})
    assert response.status_code == 403


async def test_the_login_form_needs_its_token_too(console):
    await console.account("lan")
    async with console.client() as client:
        response = await client.post("/console/login", data={"username": "lan", "password": "correct horse battery"})
        assert response.status_code == 403


async def test_worker_text_is_shown_escaped(console, lan):
    client, _ = lan
    page = await client.get("/console/conversations/1")
    assert page.status_code == 200
    assert XSS not in page.text and "<b>x</b>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;" in page.text
    assert "note &lt;script&gt;" in page.text  # private notes too
    assert "<script>" not in page.text.replace('<script src="/console/static/console.js" defer></script>', "")
    assert " on" + "click=" not in page.text and "javascript:" not in page.text


async def test_times_are_shown_in_tokyo(console, lan):
    client, _ = lan
    page = await client.get("/console/conversations/1")
    assert "2026-11-27 10:05" in page.text  # 01:05 UTC
    assert "Asia/Tokyo" in page.text


async def test_security_headers(console, lan):
    client, _ = lan
    for url in ("/console/", "/console/conversations/1", "/console/login", "/console/static/console.js"):
        response = await client.get(url)
        assert response.headers["content-security-policy"] == CSP
        assert CSP.startswith("default-src 'self'; frame-ancestors 'none'")
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "strict-transport-security" not in response.headers  # plain http
    assert (await client.get("/console/")).headers["cache-control"] == "no-store"
    async with console.client(https=True) as secure:
        response = await secure.get("/console/login")
        assert response.headers["strict-transport-security"].startswith("max-age=")
        refused = await secure.get("/console/")
        assert refused.status_code == 303 and "strict-transport-security" in refused.headers


async def test_the_queue_shows_urgent_first_with_live_update_hooks(console, lan):
    client, _ = lan
    page = await client.get("/console/")
    assert page.text.index("W-URGENT") < page.text.index("W-NORMAL")
    assert 'data-src="/console/queue"' in page.text and 'data-events="/console/events"' in page.text
    rows = await client.get("/console/queue")
    assert rows.status_code == 200 and "<html" not in rows.text and "W-URGENT" in rows.text


async def test_the_event_stream_announces_changes_and_keeps_alive(console, lan):
    client, _ = lan
    console.handoffs.changes = 1
    response = await client.get("/console/events")  # ends by itself after stream_seconds (0.2 s here)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert "event: queue\ndata: changed\n\n" in response.text
    assert ": keep-alive\n\n" in response.text


async def test_viewing_and_acting_is_audited(console, lan):
    client, cid = lan
    csrf = await token(client)
    await client.get("/console/conversations/1")
    posts = [("claim", {}), ("reply", {"text": "Xin chào, tôi là Lan"}), ("notes", {"text": "called the employer"}),
             ("transfer", {"language": "en"}), ("transfer", {"counselor_id": "7"}), ("transfer", {"specialty": "health"}),
             ("resolve", {"note": "paid"})]
    for action, data in posts:
        response = await client.post(f"/console/conversations/1/{action}", data={**data, "csrf_token": csrf})
        assert response.status_code == 303 and response.headers["location"] == "/console/conversations/1"
    assert console.handoffs.calls == [
        ("claim", (1, cid), {}), ("reply", (1, cid, "Xin chào, tôi là Lan"), {}),
        ("add_note", (1, cid, "called the employer"), {}), ("transfer", (1, cid), {"to_language": "en"}),
        ("transfer", (1, cid), {"to_counselor_id": 7}), ("transfer", (1, cid), {"to_specialty": "health"}),
        ("resolve", (1, cid, "paid"), {}),
    ]
    audit = await _audit(console)
    assert [(a[1], a[2]) for a in audit] == [
        ("view_conversation", "1"), ("claim", "1"), ("reply", "1"), ("add_note", "1"),
        ("transfer", "1"), ("transfer", "1"), ("transfer", "1"), ("resolve", "1")]
    assert all(a[0] == cid for a in audit)
    assert "Xin chào" not in str(audit)  # the audit trail records actions, not message text


async def test_a_refused_action_shows_its_message_with_409(console, lan):
    client, cid = lan
    console.handoffs.refuse = "this conversation is assigned to another counselor"
    response = await client.post("/console/conversations/1/reply", data={"text": "hi", "csrf_token": await token(client)})
    assert response.status_code == 409
    assert "this conversation is assigned to another counselor" in response.text
    assert "Traceback" not in response.text
    assert (await _audit(console))[-1][1:] == ("reply", "1", {"refused": "this conversation is assigned to another counselor",
                                                              "characters": 2})


async def test_an_unknown_conversation_is_404(console, lan):
    client, _ = lan
    response = await client.get("/console/conversations/99")
    assert response.status_code == 404 and "no such conversation" in response.text


async def test_bad_transfers_and_empty_replies_are_400(console, lan):
    client, _ = lan
    csrf = await token(client)
    for data in ({}, {"language": "vi", "specialty": "labour"}, {"language": "<b>"}, {"counselor_id": "x"}):
        response = await client.post("/console/conversations/1/transfer", data={**data, "csrf_token": csrf})
        assert response.status_code == 400, data
    assert (await client.post("/console/conversations/1/reply", data={"text": "  ", "csrf_token": csrf})).status_code == 400
    assert console.handoffs.calls == []


async def test_canned_replies_in_the_workers_language(console, lan):
    client, _ = lan
    page = await client.get("/console/conversations/1")
    assert 'id="canned"' in page.text and 'id="reply-text"' in page.text
    assert 'data-text="[vi] Lương chưa trả &lt;i&gt;?&lt;/i&gt;"' in page.text
    assert ">Unpaid wages<" in page.text


async def test_a_coordinator_manages_accounts(console):
    boss = await console.account("boss", role="coordinator")
    async with console.client() as client:
        await login(client, "boss")
        csrf = await token(client)
        created = await client.post("/console/counselors", data={
            "csrf_token": csrf, "action": "create", "username": "Mai", "display_name": "Mai <i>T</i>",
            "password": "a very long password", "role": "counselor", "languages": "vi, ne", "specialties": "labour"})
        assert created.status_code == 303
        page = await client.get("/console/counselors")
        assert "Mai &lt;i&gt;T&lt;/i&gt;" in page.text
        async with console.store.read() as session:
            mai = await session.scalar(select(Counselor).where(Counselor.username == "mai"))
        assert mai.languages == {"codes": ["vi", "ne"]} and mai.password_hash.startswith("$argon2id$")
        changed = await client.post("/console/counselors", data={
            "csrf_token": csrf, "action": "update", "id": str(mai.id), "display_name": "Mai T",
            "role": "coordinator", "languages": "en", "specialties": "health,visa"})
        assert changed.status_code == 303
        assert (await client.post("/console/counselors", data={
            "csrf_token": csrf, "action": "deactivate", "id": str(mai.id)})).status_code == 303
        taken = await client.post("/console/counselors", data={
            "csrf_token": csrf, "action": "create", "username": "mai", "display_name": "Again",
            "password": "a very long password", "role": "counselor"})
        assert taken.status_code == 400 and "taken" in taken.text
        short = await client.post("/console/counselors", data={
            "csrf_token": csrf, "action": "create", "username": "kim", "display_name": "Kim",
            "password": "short", "role": "counselor"})
        assert short.status_code == 400
        myself = await client.post("/console/counselors", data={
            "csrf_token": csrf, "action": "deactivate", "id": str(boss)})
        assert myself.status_code == 409
    async with console.store.read() as session:
        mai = await session.get(Counselor, mai.id)
    assert (mai.display_name, mai.role, mai.languages, mai.specialties, mai.active) == (
        "Mai T", "coordinator", {"codes": ["en"]}, {"names": ["health", "visa"]}, False)
    async with console.client() as client:
        assert (await login(client, "mai", "a very long password")).status_code == 401  # deactivated
    actions = [a[1] for a in await _audit(console)]
    assert actions == ["counselor_create", "counselor_update", "counselor_deactivate"]


async def test_a_coordinator_sets_office_hours(console):
    await console.account("boss", role="coordinator")
    async with console.client() as client:
        await login(client, "boss")
        page = await client.get("/console/office-hours")
        assert "defaults" in page.text and 'value="09:00"' in page.text
        csrf = await token(client)
        bad = await client.post("/console/office-hours", data={"csrf_token": csrf, "opens_0": "18:00", "closes_0": "09:00"})
        assert bad.status_code == 400
        half = await client.post("/console/office-hours", data={"csrf_token": csrf, "opens_1": "09:00"})
        assert half.status_code == 400
        saved = await client.post("/console/office-hours", data={
            "csrf_token": csrf, "opens_0": "09:30", "closes_0": "18:00", "opens_5": "10:00", "closes_5": "12:00"})
        assert saved.status_code == 303
        page = await client.get("/console/office-hours")
        assert 'value="09:30"' in page.text and "defaults" not in page.text
    async with console.store.read() as session:
        rows = {r.weekday: (r.opens, r.closes) for r in (await session.execute(select(OfficeHours))).scalars()}
    assert rows == {0: ("09:30", "18:00"), 1: ("", ""), 2: ("", ""), 3: ("", ""), 4: ("", ""),
                    5: ("10:00", "12:00"), 6: ("", "")}
    from bot.handoff import office_hours
    schedule = await office_hours.load(console.store)
    assert set(schedule.days) == {0, 5}  # empty rows are closed days, not "no rows" (= the defaults)


async def test_all_days_closed_is_not_the_defaults(console):
    await console.account("boss", role="coordinator")
    async with console.client() as client:
        await login(client, "boss")
        assert (await client.post("/console/office-hours", data={"csrf_token": await token(client)})).status_code == 303
    from bot.handoff import office_hours
    assert (await office_hours.load(console.store)).days == {}
