"""The console's pages and actions. Every handler runs behind web.Guard (a valid login, CSRF
checked on POST); coordinator-only ones also carry @coordinator_only."""

from __future__ import annotations

import datetime as dt
import functools
import re
import secrets
import time
from typing import Any, Awaitable, Callable, Optional

from sqlalchemy import delete, select
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from bot.console import audit, auth
from bot.console.web import ABSOLUTE, IDLE, Context, context, new_token, safe_next
from bot.handoff.errors import HandoffRefused
from bot.store.models import Counselor, OfficeHours, now

Handler = Callable[[Request], Awaitable[Response]]
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DEFAULT_HOURS = {day: ("09:00", "17:00") for day in range(5)}  # as bot/handoff/office_hours.py
_HHMM = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
MAX_TEXT = 10_000


# --- helpers ------------------------------------------------------------------------------------

def _console(request: Request) -> Any:
    return request.app.state.console


def _base(request: Request) -> str:
    return request.scope.get("root_path", "")


def _me(request: Request) -> Counselor:
    counselor = context(request).counselor
    assert counselor is not None  # the Guard let only logged-in requests through
    return counselor


def _form(request: Request) -> Any:
    return context(request).form


def render(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    ctx: Context = context(request)
    page = _console(request).templates.get_template(template).render(
        base=_base(request),
        me=ctx.counselor,
        coordinator=ctx.counselor is not None and ctx.counselor.role == "coordinator",
        csrf_token=request.session.get("csrf", ""),
        **values,
    )
    return HTMLResponse(page, status_code=status_code)


def error(request: Request, status_code: int, message: str, back: Optional[str] = None) -> HTMLResponse:
    return render(request, "error.html", status_code=status_code, message=message, back=back)


def coordinator_only(handler: Handler) -> Handler:
    @functools.wraps(handler)
    async def wrapper(request: Request) -> Response:
        if _me(request).role != "coordinator":
            return error(request, 403, "Only coordinators can open this page.")
        return await handler(request)

    wrapper.coordinator_only = True  # type: ignore[attr-defined]
    return wrapper


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# --- login, logout ------------------------------------------------------------------------------

async def login_page(request: Request) -> Response:
    if context(request).counselor is not None:
        return _see_other(_base(request) + "/")
    expired = bool(request.session.pop("expired", False))
    return render(request, "login.html", next=safe_next(_base(request), request.query_params.get("next")),
                  expired=expired)


async def login(request: Request) -> Response:
    console = _console(request)
    form = _form(request)
    result = await auth.login(console.store(), form.get("username", ""), form.get("password", ""))
    next_url = safe_next(_base(request), form.get("next"))
    if result.counselor is None:
        await audit.record(console.store(), result.counselor_id, "login_failed", None,
                           locked=result.locked, known=result.counselor_id is not None)
        return render(request, "login.html", status_code=401, error=auth.LOGIN_ERROR, next=next_url,
                      username=form.get("username", "")[:64])
    counselor = result.counselor
    moment = time.time()
    request.session.clear()
    request.session.update({
        "cid": counselor.id, "sid": secrets.token_urlsafe(16), "login": moment, "seen": moment,
        "pw": console.fingerprint(counselor.password_hash), "csrf": new_token(),
    })
    await audit.record(console.store(), counselor.id, "login", None)
    return _see_other(next_url)


async def logout(request: Request) -> Response:
    console = _console(request)
    sid = request.session.get("sid")
    if sid:
        console.revoked.add(sid)
    await audit.record(console.store(), _me(request).id, "logout", None)
    request.session.clear()
    return _see_other(_base(request) + "/login")


# --- the queue ----------------------------------------------------------------------------------

async def _queue_items(request: Request) -> list:
    items = await _console(request).services().handoffs.queue(_me(request))
    return sorted(items, key=lambda item: item.priority != "urgent")  # stable: keeps the service's order


async def queue_page(request: Request) -> Response:
    return render(request, "queue.html", items=await _queue_items(request), moment=now())


async def queue_rows(request: Request) -> Response:
    return render(request, "_queue_rows.html", items=await _queue_items(request), moment=now())


async def events(request: Request) -> Response:
    """Server-sent events: `queue` when a handoff changes, a comment every 15 s to keep the line open.

    The stream ends by itself when the session would expire (or after a few minutes); the browser
    reconnects, and the Guard then decides again."""
    console = _console(request)
    handoffs = console.services().handoffs
    session = request.session
    deadline = min(time.time() + console.stream_seconds,
                   float(session.get("login", 0)) + ABSOLUTE, float(session.get("seen", 0)) + IDLE)

    async def stream():
        yield "retry: 5000\n\n"
        while (remaining := deadline - time.time()) > 0:
            changed = await handoffs.wait_for_change(timeout=min(15.0, remaining))
            yield "event: queue\ndata: changed\n\n" if changed else ": keep-alive\n\n"

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"X-Accel-Buffering": "no"})


# --- one conversation ---------------------------------------------------------------------------

async def conversation(request: Request) -> Response:
    console = _console(request)
    handoff_id: int = request.path_params["id"]
    handoffs = console.services().handoffs
    me = _me(request)
    try:
        view = await handoffs.conversation(handoff_id)
    except HandoffRefused as refused:
        await audit.record(console.store(), me.id, "view_conversation", str(handoff_id), refused=str(refused))
        return error(request, getattr(refused, "status", 404), str(refused), back=_base(request) + "/")
    if view is None:
        return error(request, 404, "No such conversation.", back=_base(request) + "/")
    await audit.record(console.store(), me.id, "view_conversation", str(handoff_id))
    async with console.store().read() as session:
        others = (await session.execute(
            select(Counselor).where(Counselor.active.is_(True), Counselor.id != me.id).order_by(Counselor.display_name)
        )).scalars().all()
    languages = sorted({code for c in others for code in (c.languages or {}).get("codes", [])})
    specialties = sorted({name for c in others for name in (c.specialties or {}).get("names", [])})
    return render(request, "conversation.html", view=view, handoff_id=handoff_id,
                  canned=handoffs.canned_replies(view.language), counselors=others,
                  languages=languages, specialties=specialties)


async def _act(request: Request, action: str, call: Callable[[], Awaitable[Any]], **detail: Any) -> Response:
    """Run one action of the handoff service; a refusal is shown (409, or its own status), audited either way."""
    console = _console(request)
    handoff_id: int = request.path_params["id"]
    back = f"{_base(request)}/conversations/{handoff_id}"
    try:
        await call()
    except HandoffRefused as refused:
        await audit.record(console.store(), _me(request).id, action, str(handoff_id), refused=str(refused), **detail)
        return error(request, getattr(refused, "status", 409), str(refused), back=back)
    await audit.record(console.store(), _me(request).id, action, str(handoff_id), **detail)
    return _see_other(back)


def _text(request: Request, name: str) -> Optional[str]:
    text = _form(request).get(name, "").replace("\r\n", "\n")
    return text if text.strip() and len(text) <= MAX_TEXT else None


async def claim(request: Request) -> Response:
    handoffs = _console(request).services().handoffs
    return await _act(request, "claim", lambda: handoffs.claim(request.path_params["id"], _me(request)))


async def reply(request: Request) -> Response:
    text = _text(request, "text")
    if text is None:
        return error(request, 400, f"Write a reply (1-{MAX_TEXT} characters).",
                     back=f"{_base(request)}/conversations/{request.path_params['id']}")
    handoffs = _console(request).services().handoffs
    return await _act(request, "reply", lambda: handoffs.reply(request.path_params["id"], _me(request), text),
                      characters=len(text))


async def transfer(request: Request) -> Response:
    form = _form(request)
    back = f"{_base(request)}/conversations/{request.path_params['id']}"
    counselor_id, language, specialty = (form.get(k, "").strip() for k in ("counselor_id", "language", "specialty"))
    if sum(map(bool, (counselor_id, language, specialty))) != 1:
        return error(request, 400, "Transfer to one counselor, one language or one specialty.", back=back)
    kwargs: dict[str, Any] = {}
    try:
        if counselor_id:
            kwargs["to_counselor_id"] = int(counselor_id)
        elif language:
            kwargs["to_language"] = auth.languages(language)["codes"][0]
        else:
            kwargs["to_specialty"] = auth.specialties(specialty)["names"][0]
    except (ValueError, IndexError) as refused:
        return error(request, 400, str(refused) or "Not a valid choice.", back=back)
    handoffs = _console(request).services().handoffs
    return await _act(request, "transfer",
                      lambda: handoffs.transfer(request.path_params["id"], _me(request), **kwargs), **kwargs)


async def resolve(request: Request) -> Response:
    note = _form(request).get("note", "").strip()[:MAX_TEXT]
    handoffs = _console(request).services().handoffs
    return await _act(request, "resolve", lambda: handoffs.resolve(request.path_params["id"], _me(request), note))


async def add_note(request: Request) -> Response:
    text = _text(request, "text")
    if text is None:
        return error(request, 400, f"Write a note (1-{MAX_TEXT} characters).",
                     back=f"{_base(request)}/conversations/{request.path_params['id']}")
    handoffs = _console(request).services().handoffs
    return await _act(request, "add_note", lambda: handoffs.add_note(request.path_params["id"], _me(request), text))


# --- coordinators: accounts -----------------------------------------------------------------------

async def _all_counselors(request: Request) -> list[Counselor]:
    async with _console(request).store().read() as session:
        return list((await session.execute(select(Counselor).order_by(Counselor.username))).scalars().all())


@coordinator_only
async def counselors_page(request: Request) -> Response:
    return render(request, "counselors.html", counselors=await _all_counselors(request))


@coordinator_only
async def counselors_change(request: Request) -> Response:
    console = _console(request)
    store = console.store()
    form = _form(request)
    me = _me(request)
    action = form.get("action", "")
    back = _base(request) + "/counselors"
    try:
        if action == "create":
            created = await auth.create(
                store, name=form.get("username", ""), display=form.get("display_name", ""),
                password=form.get("password", ""), role_name=form.get("role", "counselor"),
                language_codes=form.get("languages", ""), specialty_names=form.get("specialties", ""))
            await audit.record(store, me.id, "counselor_create", str(created.id), username=created.username,
                               role=created.role)
            return _see_other(back)
        target_id = int(form.get("id", ""))
        if action == "password":
            await auth.set_password(store, target_id, form.get("password", ""))
            await audit.record(store, me.id, "counselor_password", str(target_id))
            return _see_other(back)
        if action not in ("update", "deactivate", "activate"):
            return error(request, 400, "Unknown action.", back=back)
        changes: dict[str, Any] = {}
        if action == "update":
            changes = {"display_name": auth.display_name(form.get("display_name", "")),
                       "role": auth.role(form.get("role", "")),
                       "languages": auth.languages(form.get("languages", "")),
                       "specialties": auth.specialties(form.get("specialties", ""))}
        else:
            changes = {"active": action == "activate"}
        if target_id == me.id and (changes.get("active") is False or changes.get("role", "coordinator") != "coordinator"):
            return error(request, 409, "You cannot deactivate your own account or take away your own "
                                       "coordinator role: ask another coordinator.", back=back)
        async with store.write() as session:
            counselor = await session.get(Counselor, target_id)
            if counselor is None:
                raise auth.AccountError("no such account")
            for name, value in changes.items():
                setattr(counselor, name, value)
        if action == "deactivate":
            await console.services().handoffs.release(target_id)
        await audit.record(store, me.id, f"counselor_{action}", str(target_id),
                           **{k: v for k, v in changes.items() if k != "display_name"})
        return _see_other(back)
    except auth.AccountError as refused:
        return error(request, 400, str(refused), back=back)
    except ValueError:
        return error(request, 400, "Which account?", back=back)


# --- coordinators: office hours -------------------------------------------------------------------

async def _hours(request: Request) -> tuple[dict[int, tuple[str, str]], bool]:
    async with _console(request).store().read() as session:
        rows = (await session.execute(select(OfficeHours))).scalars().all()
    if not rows:
        return dict(DEFAULT_HOURS), True
    return {row.weekday: (row.opens, row.closes) for row in rows if row.opens and row.closes}, False


@coordinator_only
async def office_hours_page(request: Request) -> Response:
    hours, default = await _hours(request)
    return render(request, "office_hours.html", days=list(enumerate(WEEKDAYS)), hours=hours, default=default)


@coordinator_only
async def office_hours_change(request: Request) -> Response:
    form = _form(request)
    hours: dict[int, tuple[str, str]] = {}
    problems = []
    for day, name in enumerate(WEEKDAYS):
        opens, closes = form.get(f"opens_{day}", "").strip(), form.get(f"closes_{day}", "").strip()
        if not opens and not closes:
            continue
        if not (_HHMM.fullmatch(opens) and _HHMM.fullmatch(closes)) or opens >= closes:
            problems.append(f"{name}: give both times as HH:MM, opening before closing (or leave both empty)")
            continue
        hours[day] = (opens, closes)
    if problems:
        return error(request, 400, "; ".join(problems), back=_base(request) + "/office-hours")
    store = _console(request).store()
    async with store.write() as session:
        await session.execute(delete(OfficeHours))
        for day in range(7):  # a closed day is a row with empty times, so "all closed" is not "no rows" (= defaults)
            opens, closes = hours.get(day, ("", ""))
            session.add(OfficeHours(weekday=day, opens=opens, closes=closes))
    await audit.record(store, _me(request).id, "office_hours_update", None,
                       hours={WEEKDAYS[d]: f"{o}-{c}" for d, (o, c) in sorted(hours.items())})
    return _see_other(_base(request) + "/office-hours")


# --- template filters -----------------------------------------------------------------------------

def waited(since: dt.datetime, moment: dt.datetime) -> str:
    minutes = max(0, int((moment - since).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min"
    return f"{hours // 24} days"
