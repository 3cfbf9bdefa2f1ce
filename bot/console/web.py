"""The console's guards, as ASGI middleware: security headers, the login session, CSRF.

Order, outermost first: SecurityHeaders -> SessionMiddleware (signed cookie) -> Guard -> routes.
The Guard refuses every request without a valid login, except the paths in PUBLIC: a route added
later is protected without anyone having to remember it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Optional
from urllib.parse import parse_qsl, quote

from sqlalchemy import select
from starlette._utils import get_route_path
from starlette.datastructures import ImmutableMultiDict, MutableHeaders
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.store.models import Counselor

ABSOLUTE = 8 * 60 * 60  # a session ends 8 hours after the login...
IDLE = 30 * 60  # ...or after 30 minutes without an action
PUBLIC = ("/login",)  # the only paths (besides /static/) an anonymous request may reach
STATIC_PREFIX = "/static/"
# Requests the page makes by itself (live queue): they do not count as activity, so an open
# console left alone still ends after IDLE.
BACKGROUND = ("/events", "/queue")
MAX_FORM_BYTES = 256 * 1024
CSP = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"


@dataclass
class Context:
    """What the Guard found out about a request, for the handlers (`context(request)`)."""

    counselor: Optional[Counselor]
    form: ImmutableMultiDict = field(default_factory=ImmutableMultiDict)


def context(request: Request) -> Context:
    return request.scope["console"]


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Revoked:
    """Session ids ended by a logout, until they would have expired anyway.

    Kept in memory: after a restart, a copy of a logged-out cookie would work again until its
    idle or absolute expiry (when CONSOLE_SECRET is set; without it, every session ends on restart).
    """

    def __init__(self) -> None:
        self._until: dict[str, float] = {}

    def add(self, sid: str) -> None:
        moment = time.time()
        self._until = {s: t for s, t in self._until.items() if t > moment}
        self._until[sid] = moment + ABSOLUTE

    def __contains__(self, sid: object) -> bool:
        return sid in self._until


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"
        static = get_route_path(scope).startswith(STATIC_PREFIX)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = CSP
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
                headers["X-Frame-Options"] = "DENY"
                if https:
                    headers["Strict-Transport-Security"] = "max-age=31536000"
                if not static:
                    headers["Cache-Control"] = "no-store"  # transcripts stay out of caches
            await send(message)

        await self.app(scope, receive, send_with_headers)


class Guard:
    """Login (from the session), idle and absolute expiry, logout revocation, CSRF on every POST."""

    def __init__(self, app: ASGIApp, *, store: Callable[[], Any], secret: str, revoked: Revoked) -> None:
        self.app = app
        self.store = store
        self.secret = secret.encode()
        self.revoked = revoked

    def fingerprint(self, password_hash: str) -> str:
        """Tied into the session: changing a password ends that account's other sessions."""
        return hmac.new(self.secret, password_hash.encode(), hashlib.sha256).hexdigest()[:32]

    async def _counselor(self, session: dict) -> Optional[Counselor]:
        cid = session.get("cid")
        if not isinstance(cid, int):
            return None
        moment = time.time()
        if (session.get("sid") in self.revoked
                or moment - float(session.get("login", 0)) > ABSOLUTE
                or moment - float(session.get("seen", 0)) > IDLE):
            return None
        async with self.store().read() as db:
            counselor = await db.scalar(select(Counselor).where(Counselor.id == cid))
        if counselor is None or not counselor.active:
            return None
        if not hmac.compare_digest(str(session.get("pw", "")), self.fingerprint(counselor.password_hash)):
            return None
        return counselor

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = get_route_path(scope) or "/"
        if path.startswith(STATIC_PREFIX):
            await self.app(scope, receive, send)
            return
        session = scope["session"]
        counselor = await self._counselor(session)
        if counselor is None and "cid" in session:
            session.clear()  # expired, revoked, deactivated or password changed: start anonymous
            session["expired"] = True
        method = scope["method"]
        if counselor is None and path not in PUBLIC:
            response = self._refuse_anonymous(scope, path, method)
            await response(scope, receive, send)
            return

        form: ImmutableMultiDict = ImmutableMultiDict()
        if method not in ("GET", "HEAD", "OPTIONS"):
            body = await _read_body(receive)
            if body is None:
                await PlainTextResponse("Request too large.", status_code=413)(scope, receive, send)
                return
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
            if body and not headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
                await PlainTextResponse("Send a form (application/x-www-form-urlencoded).",
                                        status_code=415)(scope, receive, send)
                return
            try:
                form = ImmutableMultiDict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True,
                                                    max_num_fields=200))
            except ValueError:  # too many fields
                await PlainTextResponse("Too many fields.", status_code=400)(scope, receive, send)
                return
            sent = headers.get("x-csrf-token") or form.get("csrf_token") or ""
            expected = session.get("csrf")
            if not expected or not hmac.compare_digest(str(sent).encode(), str(expected).encode()):
                await PlainTextResponse("Refused: the form has expired or did not come from the console. "
                                        "Go back, reload the page and try again.",
                                        status_code=403)(scope, receive, send)
                return
            receive = _replay(body, receive)
        if "csrf" not in session:
            session["csrf"] = new_token()
        if counselor is not None and path not in BACKGROUND:
            session["seen"] = time.time()
        scope["console"] = Context(counselor, form)
        await self.app(scope, receive, send)

    @staticmethod
    def _refuse_anonymous(scope: Scope, path: str, method: str) -> Response:
        if method in ("GET", "HEAD") and path not in BACKGROUND:
            root = scope.get("root_path", "")
            query = scope.get("query_string", b"").decode("latin-1")
            target = root + path + ("?" + query if query else "")
            return RedirectResponse(f"{root}/login?next={quote(target, safe='')}", status_code=303)
        return PlainTextResponse("Log in first.", status_code=401)


async def _read_body(receive: Receive) -> Optional[bytes]:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, original: Receive) -> Receive:
    """The body already read, for the handler; then the client's own messages (disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await original()

    return receive


def safe_next(root: str, value: Optional[str]) -> str:
    """Where to go after the login: only a path inside the console, never another site."""
    if value and value.startswith(root + "/") and not value.startswith("//") and "\\" not in value \
            and not value.startswith(root + "/login"):
        return value
    return root + "/"
