"""The pages and actions over the real HandoffService: CSRF, escaping, security headers, the audit
trail, what each action does to the handoff, the worker and the outbox, refusals, live updates, and
the coordinator pages. Conversation 1 is the seeded one (conftest.py): a Vietnamese worker, waiting."""

from __future__ import annotations

import asyncio
import html
from pathlib import Path

import pytest
import pytest_asyncio
from babel.messages.pofile import read_po
from sqlalchemy import select

from actions.topics import LABELS
from bot.console.web import CSP
from bot.handoff.service import worker_label
from bot.store.models import AuditEntry, Counselor, OfficeHours
from console_support import RENDERER, URGENT, XSS, build, login, token
from content import notices

pytestmark = pytest.mark.asyncio

ROOT = Path(__file__).resolve().parents[2]
CONVERSATION = "/console/conversations/1"
ESCAPED_XSS = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;"
JOINED = RENDERER.notice("vi", notices.COUNSELOR_JOINED)  # what the Vietnamese worker is told on a claim
BACK_TO_BOT = RENDERER.notice("vi", notices.BACK_TO_BOT)  # ...and on the resolution
NOT_YOURS = "only the counselor who has claimed this conversation can write in it"


async def _audit(console) -> list[tuple]:
    async with console.store.read() as session:
        rows = (await session.execute(select(AuditEntry).order_by(AuditEntry.id))).scalars().all()
    return [(row.counselor_id, row.action, row.target, row.detail) for row in rows if not row.action.startswith("login")]


def _po(language: str) -> dict[tuple[str, str], str]:
    """{(context, English source): translation} from the language's .po file (not the compiled .mo
    that the service reads)."""
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return {(m.context, m.id): m.string for m in read_po(po) if m.id}


def _first_sentence(text: str) -> str:
    return text.split(". ")[0] + "."


async def _logged_in(console, username: str):
    cid = await console.account(username)
    async with console.client() as client:
        await login(client, username)
        yield client, cid


@pytest_asyncio.fixture
async def lan(console):
    """A logged-in counselor's client (languages vi, en), and the counselor's id."""
    async for pair in _logged_in(console, "lan"):
        yield pair


@pytest_asyncio.fixture
async def mai(console):
    """A second logged-in counselor's client, and her id."""
    async for pair in _logged_in(console, "mai"):
        yield pair


async def test_a_post_without_or_with_a_wrong_csrf_token_is_refused(console, lan):
    client, cid = lan
    good = await token(client)
    before = await console.snapshot()
    for url in (f"{CONVERSATION}/claim", f"{CONVERSATION}/reply"):
        for data, headers in [({"text": "hi"}, {}), ({"text": "hi", "csrf_token": "forged"}, {}),
                              ({"text": "hi", "csrf_token": ""}, {}), ({"text": "hi"}, {"X-CSRF-Token": "forged"})]:
            response = await client.post(url, data=data, headers=headers)
            assert response.status_code == 403, (url, data, headers)
    assert await console.snapshot() == before  # not claimed, nothing sent
    # With the session's token, as the header that fetch() sends or as a form field:
    assert (await client.post(f"{CONVERSATION}/claim", headers={"X-CSRF-Token": good})).status_code == 303
    assert (await client.post(f"{CONVERSATION}/reply", data={"text": "hi", "csrf_token": good})).status_code == 303
    handoff = await console.handoff(1)
    assert (handoff.state, handoff.counselor_id) == ("assigned", cid)
    assert await console.told(console.worker) == [JOINED, "hi"]


async def test_a_token_of_another_session_is_refused(console, lan, mai):
    client, _ = lan
    other, _ = mai
    foreign = await token(other)
    before = await console.snapshot()
    response = await client.post(f"{CONVERSATION}/claim", data={"csrf_token": foreign})
    assert response.status_code == 403
    assert await console.snapshot() == before
    assert (await console.handoff(1)).state == "waiting"


async def test_the_login_form_needs_its_token_too(console):
    await console.account("lan")
    async with console.client() as client:
        response = await client.post("/console/login", data={"username": "lan", "password": "correct horse battery"})
        assert response.status_code == 403


async def test_worker_text_and_notes_are_shown_escaped(console, lan):
    client, cid = lan
    page = await client.get(CONVERSATION)  # the seeded worker message is XSS
    assert page.status_code == 200
    assert XSS not in page.text and "<b>x</b>" not in page.text
    assert ESCAPED_XSS in page.text
    # A private note with markup, added through the console: stored as it is, shown as text.
    added = await client.post(f"{CONVERSATION}/notes", data={"text": "note " + XSS, "csrf_token": await token(client)})
    assert added.status_code == 303
    assert await console.notes(console.worker) == [(cid, "note " + XSS)]
    page = await client.get(CONVERSATION)
    assert XSS not in page.text and "<b>x</b>" not in page.text
    assert "note " + ESCAPED_XSS in page.text and "Lan · " in page.text  # the note, with its author
    assert "<script>" not in page.text.replace('<script src="/console/static/console.js" defer></script>', "")
    assert " on" + "click=" not in page.text and "javascript:" not in page.text


async def test_times_are_shown_in_tokyo(console, lan):
    client, _ = lan
    page = await client.get(CONVERSATION)
    assert "2026-11-27 10:05" in page.text  # the worker's message came at 01:05 UTC
    assert "Asia/Tokyo" in page.text


async def test_security_headers(console, lan):
    client, _ = lan
    for url in ("/console/", CONVERSATION, "/console/login", "/console/static/console.js"):
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
    normal = worker_label(console.worker.id)  # conversation 1: normal, Vietnamese (lan's language), older
    nepali = await console.new_worker("U-ne", "ne")
    await console.open(nepali, URGENT)  # newer, in a language lan does not speak, but urgent
    urgent = worker_label(nepali.id)
    page = await client.get("/console/")
    assert normal in page.text and urgent in page.text
    assert page.text.index(urgent) < page.text.index(normal)
    assert 'data-src="/console/queue"' in page.text and 'data-events="/console/events"' in page.text
    rows = await client.get("/console/queue")
    assert rows.status_code == 200 and "<html" not in rows.text
    assert rows.text.index(urgent) < rows.text.index(normal)
    # Once resolved, a conversation leaves the queue.
    await client.post(f"{CONVERSATION}/resolve", data={"note": "", "csrf_token": await token(client)})
    rows = await client.get("/console/queue")
    assert urgent in rows.text and normal not in rows.text


async def test_the_event_stream_announces_a_real_change_and_keeps_alive(console, lan):
    client, _ = lan
    quiet = await client.get("/console/events")  # ends by itself after stream_seconds (0.2 s here)
    assert quiet.status_code == 200
    assert quiet.headers["content-type"].startswith("text/event-stream")
    assert ": keep-alive\n\n" in quiet.text and "event: queue" not in quiet.text  # nothing changed

    # A stream that lasts 1 s; once its first bytes are out, a worker asks for a person.
    app, _ = build(console.store, console.handoffs, stream_seconds=1.0)
    streaming = asyncio.Event()

    async def tapped(scope, receive, send):  # the app as it is, noting when the stream's first bytes go out
        async def watch(message):
            await send(message)
            if message["type"] == "http.response.body" and message.get("body"):
                streaming.set()
        await app(scope, receive, watch)

    newcomer = await console.new_worker("U-en", "en")
    async with console.client(app=tapped) as watcher:
        watcher.cookies = client.cookies
        pending = asyncio.create_task(watcher.get("/console/events"))
        await asyncio.wait_for(streaming.wait(), timeout=5)
        await console.open(newcomer, URGENT)
        response = await pending
    assert response.status_code == 200
    text = response.text
    assert "event: queue\ndata: changed\n\n" in text
    assert text.index("event: queue") < text.index(": keep-alive\n\n")  # and the line is kept open after it


async def test_a_whole_conversation_through_the_console_and_its_audit_trail(console, lan):
    client, cid = lan
    me = f"counselor:{cid}"
    worker = console.worker
    csrf = await token(client)

    async def post(action, **data):
        response = await client.post(f"{CONVERSATION}/{action}", data={**data, "csrf_token": csrf})
        assert response.status_code == 303 and response.headers["location"] == CONVERSATION, (action, response.text)

    assert "Claim" in (await client.get(CONVERSATION)).text
    await post("claim")
    handoff = await console.handoff(1)
    assert (handoff.state, handoff.counselor_id) == ("assigned", cid)
    assert (await console.transitions(1))[-1][:3] == ("waiting", "assigned", me)
    assert await console.mode(worker) == "assigned"
    assert await console.told(worker) == [JOINED]
    assert "· yours" in (await client.get(CONVERSATION)).text

    await post("reply", text="Xin chào, tôi là Lan")
    assert await console.told(worker) == [JOINED, "Xin chào, tôi là Lan"]
    await post("notes", text="called the employer")
    assert await console.notes(worker) == [(cid, "called the employer")]
    assert "called the employer" not in str(await console.told(worker))  # a private note is never sent

    await post("transfer", language="en")
    handoff = await console.handoff(1)
    assert (handoff.state, handoff.counselor_id, handoff.language) == ("waiting", None, "en")
    assert await console.mode(worker) == "waiting"
    await post("transfer", specialty="health")
    handoff = await console.handoff(1)
    assert (handoff.state, handoff.specialty) == ("waiting", "health")

    await post("resolve", note="paid")
    handoff = await console.handoff(1)
    assert (handoff.state, handoff.note) == ("resolved", "paid") and handoff.resolved_at is not None
    assert await console.mode(worker) == "bot"
    assert await console.told(worker) == [JOINED, "Xin chào, tôi là Lan", BACK_TO_BOT]
    assert [t[:3] for t in await console.transitions(1)] == [
        ("bot", "waiting", "engine"), ("waiting", "assigned", me), ("assigned", "waiting", me),
        ("waiting", "waiting", me), ("waiting", "resolved", me), ("resolved", "bot", me)]
    page = await client.get(CONVERSATION)
    assert "resolved" in page.text and "Xin chào, tôi là Lan" in page.text
    assert 'id="reply-text"' not in page.text  # no reply box on a closed conversation

    audit = await _audit(console)
    assert [(a[1], a[2]) for a in audit] == [
        ("view_conversation", "1"), ("claim", "1"), ("view_conversation", "1"), ("reply", "1"), ("add_note", "1"),
        ("transfer", "1"), ("transfer", "1"), ("resolve", "1"), ("view_conversation", "1")]
    assert all(a[0] == cid for a in audit)
    assert [a[3] for a in audit if a[1] == "transfer"] == [{"to_language": "en"}, {"to_specialty": "health"}]
    assert "Xin chào" not in str(audit) and "employer" not in str(audit)  # actions, not message text


async def test_a_transfer_to_a_counselor_hands_the_conversation_over(console, lan, mai):
    client, cid = lan
    other, mai_id = mai
    csrf = await token(client)
    assert (await client.post(f"{CONVERSATION}/claim", data={"csrf_token": csrf})).status_code == 303
    page = await client.get(CONVERSATION)
    assert f'<option value="{mai_id}">Mai (vi, en)</option>' in page.text  # the colleagues to transfer to
    moved = await client.post(f"{CONVERSATION}/transfer", data={"counselor_id": str(mai_id), "csrf_token": csrf})
    assert moved.status_code == 303
    handoff = await console.handoff(1)
    assert (handoff.state, handoff.counselor_id) == ("assigned", mai_id)
    assert (await console.transitions(1))[-1] == ("assigned", "assigned", f"counselor:{cid}", f"to counselor {mai_id}")
    assert await console.mode(console.worker) == "assigned"
    # Now lan may not write in it any more, and mai may.
    refused = await client.post(f"{CONVERSATION}/reply", data={"text": "still me", "csrf_token": csrf})
    assert refused.status_code == 409 and NOT_YOURS in refused.text
    sent = await other.post(f"{CONVERSATION}/reply", data={"text": "Mai here", "csrf_token": await token(other)})
    assert sent.status_code == 303
    assert await console.told(console.worker) == [JOINED, "Mai here"]


async def test_refused_actions_show_their_message_with_409_and_send_nothing(console, lan, mai):
    client, cid = lan
    other, mai_id = mai
    csrf = await token(client)
    # Not claimed yet: a reply is refused and nothing goes to the outbox.
    response = await client.post(f"{CONVERSATION}/reply", data={"text": "hi", "csrf_token": csrf})
    assert response.status_code == 409
    assert NOT_YOURS in response.text and "Traceback" not in response.text
    assert await console.told(console.worker) == []
    assert (await _audit(console))[-1][1:] == ("reply", "1", {"refused": NOT_YOURS, "characters": 2})

    # Mai claims it: lan can neither write, nor claim, nor resolve it.
    assert (await other.post(f"{CONVERSATION}/claim", data={"csrf_token": await token(other)})).status_code == 303
    before = await console.snapshot()
    response = await client.post(f"{CONVERSATION}/reply", data={"text": "hi", "csrf_token": csrf})
    assert response.status_code == 409 and NOT_YOURS in response.text
    response = await client.post(f"{CONVERSATION}/claim", data={"csrf_token": csrf})
    assert response.status_code == 409 and "this conversation is not waiting" in response.text
    response = await client.post(f"{CONVERSATION}/resolve", data={"note": "mine now", "csrf_token": csrf})
    assert response.status_code == 409 and "this conversation is assigned to another counselor" in response.text
    assert await console.snapshot() == before
    handoff = await console.handoff(1)
    assert (handoff.state, handoff.counselor_id) == ("assigned", mai_id)
    assert await console.told(console.worker) == [JOINED]  # only mai's claim reached the worker
    refusals = [a for a in await _audit(console) if a[0] == cid and "refused" in a[3]]
    assert [a[1] for a in refusals] == ["reply", "reply", "claim", "resolve"]


async def test_an_unknown_conversation_is_404(console, lan):
    client, _ = lan
    response = await client.get("/console/conversations/99")
    assert response.status_code == 404 and "no such conversation" in response.text
    response = await client.post("/console/conversations/99/claim", data={"csrf_token": await token(client)})
    assert response.status_code == 409 and "no such conversation" in response.text


async def test_bad_transfers_and_empty_replies_are_refused(console, lan):
    client, _ = lan
    csrf = await token(client)
    before = await console.snapshot()
    for data in ({}, {"language": "vi", "specialty": "labour"}, {"language": "<b>"}, {"counselor_id": "x"}):
        response = await client.post(f"{CONVERSATION}/transfer", data={**data, "csrf_token": csrf})
        assert response.status_code == 400, data
    assert (await client.post(f"{CONVERSATION}/reply", data={"text": "  ", "csrf_token": csrf})).status_code == 400
    assert (await client.post(f"{CONVERSATION}/notes", data={"text": " ", "csrf_token": csrf})).status_code == 400
    # A counselor who does not exist: the service refuses it.
    response = await client.post(f"{CONVERSATION}/transfer", data={"counselor_id": "999", "csrf_token": csrf})
    assert response.status_code == 409 and "no such counselor" in response.text
    assert await console.snapshot() == before
    assert (await console.handoff(1)).state == "waiting"


async def test_canned_replies_are_the_faq_answers_in_the_workers_language(console, lan):
    client, _ = lan
    vi = _po("vi")
    [(english, vietnamese)] = [(msgid, text) for (context, msgid), text in vi.items() if context == "utter_wage_unpaid"]
    assert vietnamese and vietnamese != english
    title = vi[("button", LABELS["wage_unpaid"])]
    page = await client.get(CONVERSATION)  # the seeded worker writes Vietnamese
    assert 'id="canned"' in page.text and 'id="reply-text"' in page.text
    assert f'data-text="{_first_sentence(vietnamese)}' in page.text
    assert f">{html.escape(title)}<" in page.text
    assert _first_sentence(english) not in page.text
    assert page.text.count("data-text=") == len(console.handoffs.canned_replies("vi")) > 10  # every FAQ answer
    # An English-speaking worker's conversation offers the English answers.
    newcomer = await console.new_worker("U-en", "en")
    second = await console.open(newcomer)
    page = await client.get(f"/console/conversations/{second}")
    assert f'data-text="{_first_sentence(english)}' in page.text
    assert _first_sentence(vietnamese) not in page.text


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
