"""A fake of the Telegram Bot API that behaves like the real one, for the gateway's tests.

It is a real HTTP server (Starlette on uvicorn) on 127.0.0.1, on a free port, running in a
background thread with its own event loop, so that synchronous tests, asynchronous tests and a
gateway started as a subprocess can all reach it::

    with FakeTelegram() as tg:
        bot = telegram.Bot(tg.token, base_url=tg.api_url)
        update = tg.text_update(user_id=42, text="hello", language_code="vi")
        tg.enqueue(update)                 # long polling: getUpdates returns it
        tg.deliver(gateway_url, update)    # webhook: POST with X-Telegram-Bot-Api-Secret-Token
        tg.wait_for_messages(42, 1)        # what the bot sent

Where the behaviour comes from (so that a newcomer can check it):

* Shapes of Update, Message, User, Chat, CallbackQuery, Sticker, PhotoSize, Voice, Location:
  https://core.telegram.org/bots/api, and the JSON writers of the official server
  (tdlib/telegram-bot-api, telegram-bot-api/Client.cpp: JsonUser, JsonChat, JsonSticker ...).
* Error texts and their order of checks: Client.cpp (fail_query_with_error, check_chat,
  get_inline_keyboard_button, get_reply_markup, process_send_chat_action_query,
  do_set_webhook, process_get_updates_query, do_get_updates), ClientManager.cpp and
  HttpConnection.cpp of tdlib/telegram-bot-api; td/db/TQueue.cpp of tdlib/td for the update
  queue (offset semantics).
* Errors the Telegram servers (not the Bot API server) return: "BUTTON_DATA_INVALID" for
  callback_data over 64 bytes, "message is too long" over 4096 characters (counted in Unicode
  code points, as measured against the real API), "query is too old and response timeout
  expired or query ID is invalid" for an unknown or already answered callback query.

Deliberate simplifications are listed in ``FakeTelegram``'s docstring.
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import html
import json
import random
import re
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

__all__ = [
    "FakeTelegram",
    "SentMessage",
    "RecordedRequest",
    "WaitTimeout",
    "DEFAULT_GROUP_ID",
    "DEFAULT_SUPERGROUP_ID",
    "SECRET_HEADER",
]

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

#: chat ids used by ``text_update(..., chat_type="group" | "supergroup")``
DEFAULT_GROUP_ID = -4_000_000_001
DEFAULT_SUPERGROUP_ID = -1_001_234_567_890

# Limits (https://core.telegram.org/bots/api and Client.cpp).
MAX_MESSAGE_LENGTH = 4096  # sendMessage text, after entities parsing, in characters
MAX_TEXT_BYTES = 1 << 15  # Client.cpp get_formatted_text: "Text is too long"
MAX_CALLBACK_DATA_BYTES = 64  # InlineKeyboardButton.callback_data: 1-64 bytes
MAX_SECRET_TOKEN_LENGTH = 256  # setWebhook secret_token: 1-256 characters
LONG_POLL_MAX_TIMEOUT = 50  # Client.h: getUpdates timeout is clamped to [0, 50]
DEFAULT_MAX_CONNECTIONS = 40

# Texts of the errors, verbatim.
QUERY_ID_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
CONFLICT_WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
    "the webhook first"
)
CONFLICT_OTHER_GET_UPDATES = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)
CONFLICT_SET_WEBHOOK = "Conflict: terminated by setWebhook request"
MESSAGE_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)

_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]*$")
_WELL_FORMED_TOKEN_RE = re.compile(r"^[1-9][0-9]{0,15}:[A-Za-z0-9_-]+$")
_BOT_COMMAND_RE = re.compile(r"(?:(?<=\s)|^)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")
_COMMAND_NAME_RE = re.compile(r"^[a-z0-9_]{1,32}$")

_CHAT_ACTIONS = frozenset(
    {
        "cancel",
        "typing",
        "record_video",
        "upload_video",
        "record_audio",
        "record_voice",
        "upload_audio",
        "upload_voice",
        "upload_photo",
        "upload_document",
        "choose_sticker",
        "pick_up_location",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

# Update types (Client.cpp get_update_type_name + later API versions). By default every type is
# delivered except these three (https://core.telegram.org/bots/api#getupdates, allowed_updates).
_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "message_reaction",
        "message_reaction_count",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
_NOT_DEFAULT_UPDATE_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

# Methods of the Bot API that this fake does not implement: answered with 501 so that a test
# fails loudly instead of silently. A method that Telegram does not have at all gets the real
# answer, 404 "Not Found: method not found".
_KNOWN_UNIMPLEMENTED = frozenset(
    m.lower()
    for m in """
    getMyDefaultAdministratorRights setMyDefaultAdministratorRights getMyName setMyName
    getMyDescription setMyDescription getMyShortDescription setMyShortDescription
    getChatMenuButton setChatMenuButton getUserProfilePhotos sendAnimation sendAudio sendDice
    sendDocument sendPhoto sendSticker sendVideo sendVideoNote sendVoice sendGame sendInvoice
    sendLocation sendVenue sendContact sendPoll sendPaidMedia stopPoll copyMessage copyMessages
    forwardMessage forwardMessages sendMediaGroup setMessageReaction editMessageLiveLocation
    stopMessageLiveLocation editMessageMedia editMessageCaption deleteMessages
    createInvoiceLink getStarTransactions refundStarPayment setGameScore getGameHighScores
    answerWebAppQuery answerInlineQuery answerShippingQuery answerPreCheckoutQuery
    exportChatInviteLink createChatInviteLink editChatInviteLink revokeChatInviteLink
    getBusinessConnection getChat setChatPhoto deleteChatPhoto setChatTitle setChatPermissions
    setChatDescription pinChatMessage unpinChatMessage unpinAllChatMessages setChatStickerSet
    deleteChatStickerSet getForumTopicIconStickers createForumTopic editForumTopic
    closeForumTopic reopenForumTopic deleteForumTopic unpinAllForumTopicMessages
    editGeneralForumTopic closeGeneralForumTopic reopenGeneralForumTopic hideGeneralForumTopic
    unhideGeneralForumTopic unpinAllGeneralForumTopicMessages getChatMember
    getChatAdministrators getChatMemberCount getChatMembersCount leaveChat promoteChatMember
    setChatAdministratorCustomTitle banChatMember kickChatMember restrictChatMember
    unbanChatMember banChatSenderChat unbanChatSenderChat approveChatJoinRequest
    declineChatJoinRequest getUserChatBoosts getStickerSet getCustomEmojiStickers
    uploadStickerFile createNewStickerSet addStickerToSet replaceStickerInSet
    setStickerSetTitle setStickerSetThumb setStickerSetThumbnail
    setCustomEmojiStickerSetThumbnail deleteStickerSet setStickerPositionInSet
    deleteStickerFromSet setStickerEmojiList setStickerKeywords setStickerMaskPosition
    setPassportDataErrors getFile sendChecklist editMessageChecklist getAvailableGifts sendGift
    savePreparedInlineMessage setUserEmojiStatus verifyUser verifyChat removeUserVerification
    removeChatVerification editUserStarSubscription getMyStarBalance
    """.split()
)

_UNSET: Any = object()


class WaitTimeout(AssertionError, TimeoutError):
    """``wait_for_messages`` gave up: the bot did not send enough messages in time."""


@dataclass(frozen=True)
class SentMessage:
    """A message the bot sent with sendMessage (or changed with editMessage*, in ``edits``).

    ``text`` is the text exactly as the bot sent it (HTML tags included when parse_mode is
    HTML); ``reply_markup`` is the JSON object the bot sent (inline or reply keyboard), or None.
    ``at`` is ``time.monotonic()`` when the fake accepted the request.
    """

    chat_id: int
    text: str
    reply_markup: dict | None
    at: float
    message_id: int = 0
    parse_mode: str | None = None
    method: str = "sendMessage"
    reply_to_message_id: int | None = None


@dataclass(frozen=True)
class RecordedRequest:
    """One HTTP request to the Bot API, whatever its outcome.

    ``params`` are the parameters as the real server sees them: every value a string (a JSON
    object or array sent in a JSON body is re-encoded as a JSON string, like the real server
    does). ``response`` is the JSON object that was answered.
    """

    method: str
    params: dict[str, str]
    http_method: str
    content_type: str
    status: int
    response: dict
    at: float
    token_ok: bool = True
    files: dict[str, bytes] = field(default_factory=dict)

    def json_param(self, name: str) -> Any:
        """The parameter ``name`` decoded from JSON (for reply_markup, allowed_updates ...)."""
        return json.loads(self.params[name])


class _ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


@dataclass
class _Failure:
    error_code: int
    description: str
    retry_after: int | None
    times: int


@dataclass
class _UserInfo:
    user: dict
    has_private_chat: bool = False
    blocked: bool = False


class FakeTelegram:
    """A fake Telegram Bot API server. Use it as a context manager (it starts and stops the server).

    Behaviour that follows the real API (see the module docstring for sources):

    * ``/bot<token>/<method>``, GET or POST, parameters in the query string, a JSON body, a
      form-encoded body or a multipart body; method names are case-insensitive. A malformed
      token gets 404 "Not Found" (as api.telegram.org does), a well-formed wrong token 401
      "Unauthorized", a method Telegram does not have 404 "Not Found: method not found".
    * The bot can write only to chats it knows: a private chat once the user wrote to the bot
      (any of the ``*_update`` builders), a group once a message from it was built. Otherwise 400
      "chat not found"; a user seen only in a group: 403 "bot can't initiate conversation with a
      user"; a user who blocked the bot (``block``): 403 "bot was blocked by the user".
    * Message ids are counted per chat, shared by the user's and the bot's messages; update ids
      increase from a random start (like the real queue), unless ``first_update_id`` is given.
    * getUpdates: offset confirms (and forgets) every update with a smaller id, a negative offset
      keeps only the last ``-offset`` updates, an offset further than 10 past the newest update
      is ignored; limit 1-100; timeout 0-50 s of long polling; a second getUpdates ends a waiting
      one with 409, so does setWebhook; 409 while a webhook is set. ``allowed_updates`` (from
      getUpdates or setWebhook) filters the updates enqueued afterwards, as in Telegram.
    * setWebhook: secret_token of 1-256 characters A-Z a-z 0-9 _ -; a second setWebhook with a
      URL within one second answers 429 retry_after 1 (``set_webhook_flood_control=False`` to
      turn off); ``drop_pending_updates``; deleteWebhook.

    Simplifications (documented, deliberate):

    * Webhook delivery is explicit (``deliver``): updates enqueued while a webhook is set stay
      pending (getWebhookInfo.pending_update_count) and are not pushed.
    * http:// webhook URLs are accepted so that a gateway on loopback can be tested; pass
      ``strict_webhook_url=True`` to require HTTPS and ports 80, 88, 443, 8443 like Telegram.
    * No automatic flood control (use ``fail_next(method, 429, retry_after=...)``); no
      anti-hammering of repeated getUpdates calls; no expiry of callback queries.
    * parse_mode is validated; HTML tags are stripped from the text of the returned Message and
      before counting its length; Markdown is not parsed; entities are not computed for the
      bot's messages.
    """

    def __init__(
        self,
        token: str = "123456:TEST-token",
        bot_username: str = "helpline_test_bot",
        *,
        bot_first_name: str = "Helpline Test Bot",
        first_update_id: int | None = None,
        set_webhook_flood_control: bool = True,
        strict_webhook_url: bool = False,
        seed: int | None = None,
    ) -> None:
        if ":" not in token or not token.split(":", 1)[0].isdigit():
            raise ValueError("a bot token looks like '123456:ABC-def_1'")
        self.token = token
        self.bot_username = bot_username
        self.bot_id = int(token.split(":", 1)[0])
        self._rng = random.Random(seed)
        self._bot_user = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self._set_webhook_flood_control = set_webhook_flood_control
        self._strict_webhook_url = strict_webhook_url

        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)

        # state of "Telegram"
        self._next_update_id = (
            first_update_id if first_update_id is not None else self._rng.randint(2_000_001, 1 << 30)
        )
        self._queue: list[dict] = []
        self._allowed_updates: frozenset[str] | None = None  # None: the default set
        self._webhook: dict | None = None
        self._next_set_webhook_time = 0.0
        self._users: dict[int, _UserInfo] = {}
        self._groups: dict[int, dict] = {}
        self._message_counters: dict[int, int] = {}
        self._messages: dict[tuple[int, int], dict] = {}
        self._callback_queries: dict[str, bool] = {}  # id -> answered
        self._chat_instances: dict[int, str] = {}
        self._commands: dict[tuple[str, str], list[dict]] = {}
        self._failures: dict[str, list[_Failure]] = {}

        # records
        self._sent: list[SentMessage] = []
        self.listeners: list[Callable[[SentMessage], None]] = []  # called (in the fake's thread) for each message sent
        self._edits: list[SentMessage] = []
        self._deleted: list[tuple[int, int]] = []
        self._chat_actions: list[tuple[int, str]] = []
        self._answered_callbacks: list[str] = []
        self._callback_answers: list[dict] = []
        self._requests: list[RecordedRequest] = []
        self._dropped_updates: list[dict] = []

        # server
        self._loop: asyncio.AbstractEventLoop | None = None
        self._poller: asyncio.Future | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.port: int = 0
        self.base_url: str = ""
        self.api_url: str = ""

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self) -> "FakeTelegram":
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    async def __aenter__(self) -> "FakeTelegram":
        await asyncio.to_thread(self.start)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await asyncio.to_thread(self.stop)

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("FakeTelegram is already running")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)
        sock.setblocking(False)
        self._socket = sock
        self.port = sock.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.api_url = f"{self.base_url}/bot"

        app = Starlette(routes=[Route("/{path:path}", self._endpoint, methods=["GET", "POST"])])
        config = uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            loop="asyncio",
            http="h11",
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        started = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            loop.call_soon(started.set)
            try:
                loop.run_until_complete(self._server.serve(sockets=[sock]))
            finally:
                loop.close()

        self._thread = threading.Thread(target=run, name=f"FakeTelegram:{self.port}", daemon=True)
        self._thread.start()
        started.wait(10)
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the fake Telegram server did not start")
            time.sleep(0.005)

    def stop(self) -> None:
        if self._thread is None:
            return
        loop, server = self._loop, self._server
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(self._wake_poller, "closing")
            except RuntimeError:
                pass
        if server is not None:
            server.should_exit = True
        self._thread.join(10)
        self._thread = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    @property
    def file_url(self) -> str:
        """For ``telegram.Bot(token, base_file_url=...)``."""
        return f"{self.base_url}/file/bot"

    # ------------------------------------------------------------------ records (thread-safe copies)

    @property
    def sent(self) -> list[SentMessage]:
        with self._lock:
            return list(self._sent)

    @property
    def edits(self) -> list[SentMessage]:
        with self._lock:
            return list(self._edits)

    @property
    def deleted(self) -> list[tuple[int, int]]:
        """(chat_id, message_id) of the messages the bot deleted."""
        with self._lock:
            return list(self._deleted)

    @property
    def chat_actions(self) -> list[tuple[int, str]]:
        with self._lock:
            return list(self._chat_actions)

    @property
    def answered_callbacks(self) -> list[str]:
        with self._lock:
            return list(self._answered_callbacks)

    @property
    def callback_answers(self) -> list[dict]:
        """The parameters of every successful answerCallbackQuery (text, show_alert ...)."""
        with self._lock:
            return [dict(a) for a in self._callback_answers]

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def webhook(self) -> dict | None:
        """What setWebhook registered: url, secret_token, allowed_updates, max_connections."""
        with self._lock:
            return dict(self._webhook) if self._webhook is not None else None

    @property
    def pending_updates(self) -> list[dict]:
        """Updates enqueued and not yet confirmed by getUpdates."""
        with self._lock:
            return [json.loads(json.dumps(u)) for u in self._queue]

    @property
    def dropped_updates(self) -> list[dict]:
        """Updates ``enqueue`` dropped because allowed_updates excluded their type."""
        with self._lock:
            return list(self._dropped_updates)

    def requests_to(self, method: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self._requests if r.method.lower() == method.lower()]

    def messages_to(self, chat_id: int) -> list[SentMessage]:
        with self._lock:
            return [m for m in self._sent if m.chat_id == chat_id]

    def wait_for_messages(self, chat_id: int, count: int, timeout: float = 30.0) -> list[SentMessage]:
        """Block until the bot has sent at least ``count`` messages to ``chat_id``; return them all.

        Raises ``WaitTimeout`` (an AssertionError) with what was sent if it takes longer. Do not call
        it from the event loop that runs the gateway: use ``await_messages`` there.
        """
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                messages = [m for m in self._sent if m.chat_id == chat_id]
                if len(messages) >= count:
                    return messages
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise WaitTimeout(self._timeout_report(chat_id, count, timeout, messages))
                self._changed.wait(remaining)

    async def await_messages(self, chat_id: int, count: int, timeout: float = 30.0) -> list[SentMessage]:
        """``wait_for_messages`` for async tests: does not block the event loop."""
        deadline = time.monotonic() + timeout
        while True:
            messages = self.messages_to(chat_id)
            if len(messages) >= count:
                return messages
            if time.monotonic() >= deadline:
                raise WaitTimeout(self._timeout_report(chat_id, count, timeout, messages))
            await asyncio.sleep(0.01)

    def _timeout_report(self, chat_id: int, count: int, timeout: float, messages: list) -> str:
        others = sorted({m.chat_id for m in self._sent if m.chat_id != chat_id})
        failed = [
            f"{r.method} -> {r.status} {r.response.get('description', '')}"
            for r in self._requests
            if r.status != 200
        ]
        return (
            f"expected {count} message(s) to chat {chat_id} within {timeout}s, got {len(messages)}: "
            f"{[m.text for m in messages]!r}; messages to other chats: {others}; "
            f"failed requests: {failed}"
        )

    def reset_records(self) -> None:
        """Forget what the bot did (sent, edits, chat actions, answers, requests); keep the state."""
        with self._lock:
            self._sent.clear()
            self._edits.clear()
            self._deleted.clear()
            self._chat_actions.clear()
            self._answered_callbacks.clear()
            self._callback_answers.clear()
            self._requests.clear()

    # ------------------------------------------------------------------ controlling "Telegram"

    def fail_next(
        self,
        method: str,
        error_code: int,
        times: int = 1,
        description: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (case-insensitive) fail with this error.

        Defaults: 400 "Bad Request: ...", 401 "Unauthorized", 403 "Forbidden: bot was blocked by
        the user", 409 "Conflict: ...", 429 "Too Many Requests: retry after N" with
        ``parameters.retry_after`` N (default 1) and a Retry-After header, 500 "Internal Server
        Error". The failure is consumed only by requests with the right token.
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        if error_code == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            description = {
                400: "Bad Request: injected failure",
                401: "Unauthorized",
                403: "Forbidden: bot was blocked by the user",
                404: "Not Found",
                409: CONFLICT_OTHER_GET_UPDATES,
                429: f"Too Many Requests: retry after {retry_after}",
                500: "Internal Server Error",
                502: "Bad Gateway",
            }.get(error_code, f"Error {error_code}")
        with self._lock:
            self._failures.setdefault(method.lower(), []).append(
                _Failure(error_code, description, retry_after, times)
            )

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sendMessage/sendChatAction to them answer 403 from now on."""
        with self._lock:
            self._user_info(user_id).blocked = True

    def unblock(self, user_id: int) -> None:
        with self._lock:
            self._user_info(user_id).blocked = False

    def register_user(
        self,
        user_id: int,
        language_code: str | None = "en",
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        private_chat: bool = True,
    ) -> dict:
        """Make a user known (as if they had written to the bot when ``private_chat``). Returns the User."""
        with self._lock:
            info = self._user_info(user_id, language_code)
            user = {"id": user_id, "is_bot": False, "first_name": first_name}
            if last_name:
                user["last_name"] = last_name
            if username:
                user["username"] = username
            if language_code:
                user["language_code"] = language_code
            info.user = user
            info.has_private_chat = info.has_private_chat or private_chat
            return dict(user)

    def enqueue(self, update: dict) -> None:
        """Queue an update for getUpdates (long polling). Wakes a waiting getUpdates."""
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            raise ValueError("an Update is a dict with an integer update_id")
        kind = self._update_type(update)
        with self._lock:
            allowed = self._effective_allowed_updates()
            if kind not in allowed:
                self._dropped_updates.append(update)
                return
            if any(u["update_id"] == update["update_id"] for u in self._queue):
                raise ValueError(f"update {update['update_id']} is already queued")
            self._queue.append(json.loads(json.dumps(update)))
            self._queue.sort(key=lambda u: u["update_id"])
            loop = self._loop
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(self._wake_poller, "update")
            except RuntimeError:
                pass

    # ------------------------------------------------------------------ webhook delivery

    def _delivery_headers(self, secret: Any) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if secret is _UNSET:
            with self._lock:
                secret = (self._webhook or {}).get("secret_token")
        if secret is not None:
            headers[SECRET_HEADER] = secret
        return headers

    def _delivery_url(self, url: str | None) -> str:
        if url is not None:
            return url
        with self._lock:
            if self._webhook is None:
                raise ValueError("no url given and no webhook is set")
            return self._webhook["url"]

    @staticmethod
    def _encode(update: dict) -> bytes:
        return json.dumps(update, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def deliver(
        self, url: str | None, update: dict, secret: str | None = _UNSET, timeout: float = 30.0
    ) -> httpx.Response:
        """POST ``update`` to the gateway like Telegram does (JSON body, secret header).

        ``secret``: by default the secret_token given to setWebhook (no header if none); None
        sends no header; a string sends that string. ``url`` None: the URL given to setWebhook.
        This call blocks: when the gateway runs in the test's own event loop, use ``adeliver``.
        """
        return httpx.post(
            self._delivery_url(url),
            content=self._encode(update),
            headers=self._delivery_headers(secret),
            timeout=timeout,
        )

    async def adeliver(
        self, url: str | None, update: dict, secret: str | None = _UNSET, timeout: float = 30.0
    ) -> httpx.Response:
        """``deliver`` for async tests."""
        async with httpx.AsyncClient(timeout=timeout) as client:
            return await client.post(
                self._delivery_url(url),
                content=self._encode(update),
                headers=self._delivery_headers(secret),
            )

    # ------------------------------------------------------------------ building updates

    def text_update(
        self, user_id: int, text: str, language_code: str | None = "en", chat_type: str = "private"
    ) -> dict:
        """A message with text from the user; in a private chat, or in the default (super)group."""
        if chat_type == "private":
            chat = self._private_chat(user_id, language_code)
        elif chat_type == "group":
            chat = self._group_chat(DEFAULT_GROUP_ID, "group")
        elif chat_type == "supergroup":
            chat = self._group_chat(DEFAULT_SUPERGROUP_ID, "supergroup")
        else:
            raise ValueError("chat_type is 'private', 'group' or 'supergroup'")
        user = self._sender(user_id, language_code, private=chat_type == "private")
        content: dict[str, Any] = {"text": text}
        entities = self._command_entities(text)
        if entities:
            content["entities"] = entities
        return self._message_update(chat, user, content)

    def command_update(
        self, user_id: int, command: str, args: str = "", language_code: str | None = "en"
    ) -> dict:
        """``/command args`` in the private chat, with its bot_command entity."""
        name = command.lstrip("/")
        text = f"/{name}" + (f" {args}" if args else "")
        chat = self._private_chat(user_id, language_code)
        user = self._sender(user_id, language_code, private=True)
        content = {
            "text": text,
            "entities": [{"offset": 0, "length": _utf16_len("/" + name), "type": "bot_command"}],
        }
        return self._message_update(chat, user, content)

    def group_update(self, chat_id: int, user_id: int, text: str) -> dict:
        """A text message from ``user_id`` in the group ``chat_id`` (a supergroup if it starts with -100)."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        chat = self._group_chat(chat_id, kind)
        user = self._sender(user_id, "en", private=False)
        content: dict[str, Any] = {"text": text}
        entities = self._command_entities(text)
        if entities:
            content["entities"] = entities
        return self._message_update(chat, user, content)

    def sticker_update(self, user_id: int, language_code: str | None = "en") -> dict:
        chat = self._private_chat(user_id, language_code)
        user = self._sender(user_id, language_code, private=True)
        thumb = {**self._file("AAMCAgADGQEAA", "AQAD"), "file_size": 5416, "width": 128, "height": 128}
        sticker = {
            "width": 512,
            "height": 512,
            "emoji": "\N{THUMBS UP SIGN}",
            "set_name": "HelplineTestStickers",
            "is_animated": False,
            "is_video": False,
            "type": "regular",
            "thumbnail": thumb,
            "thumb": thumb,
            **self._file("CAACAgIAAxkBAA", "AgAD"),
            "file_size": 23554,
        }
        return self._message_update(chat, user, {"sticker": sticker})

    def photo_update(self, user_id: int, caption: str | None = None, language_code: str | None = "en") -> dict:
        chat = self._private_chat(user_id, language_code)
        user = self._sender(user_id, language_code, private=True)
        sizes = []
        for width, height, size in ((90, 67, 1286), (320, 240, 17243), (800, 600, 71045), (1280, 960, 132908)):
            sizes.append({**self._file("AgACAgUAAxkBAA", "AQAD"), "file_size": size, "width": width, "height": height})
        content: dict[str, Any] = {"photo": sizes}
        if caption:
            content["caption"] = caption
        return self._message_update(chat, user, content)

    def voice_update(self, user_id: int, duration: int = 3, language_code: str | None = "en") -> dict:
        chat = self._private_chat(user_id, language_code)
        user = self._sender(user_id, language_code, private=True)
        voice = {
            "duration": duration,
            "mime_type": "audio/ogg",
            **self._file("AwACAgUAAxkBAA", "AgAD"),
            "file_size": 4000 * max(duration, 1),
        }
        return self._message_update(chat, user, {"voice": voice})

    def location_update(
        self,
        user_id: int,
        latitude: float = 35.681236,
        longitude: float = 139.767125,
        language_code: str | None = "en",
    ) -> dict:
        """A location (default: Tokyo Station)."""
        chat = self._private_chat(user_id, language_code)
        user = self._sender(user_id, language_code, private=True)
        return self._message_update(chat, user, {"location": {"latitude": latitude, "longitude": longitude}})

    def callback_update(
        self, user_id: int, data: str, message_id: int | None = None, language_code: str | None = "en"
    ) -> dict:
        """The user pressed an inline button carrying ``data``; the query id becomes answerable once.

        ``message_id``: the bot's message that holds the button. By default the bot's latest
        message with an inline keyboard in the private chat (one is made up if there is none). A
        message_id the fake does not know gives an InaccessibleMessage (date 0), as Telegram does
        for messages the bot can no longer see.
        """
        chat = self._private_chat(user_id, language_code)
        user = self._sender(user_id, language_code, private=True)
        with self._lock:
            message: dict | None = None
            if message_id is None:
                mine = [
                    m
                    for (cid, _), m in self._messages.items()
                    if cid == chat["id"] and m.get("from", {}).get("id") == self.bot_id
                ]
                with_keyboard = [m for m in mine if "reply_markup" in m]
                if with_keyboard:
                    message = max(with_keyboard, key=lambda m: m["message_id"])
                else:
                    mid = self._next_message_id(chat["id"])
                    message = {
                        "message_id": mid,
                        "from": dict(self._bot_user),
                        "chat": dict(chat),
                        "date": int(time.time()) - 5,
                        "text": "Please choose:",
                        "reply_markup": {"inline_keyboard": [[{"text": "Choose", "callback_data": data}]]},
                    }
                    self._messages[(chat["id"], mid)] = message
            else:
                message = self._messages.get((chat["id"], message_id))
                if message is None:
                    message = {"chat": dict(chat), "message_id": message_id, "date": 0}
            query_id = str(self._rng.getrandbits(62) | (1 << 62))
            while query_id in self._callback_queries:
                query_id = str(self._rng.getrandbits(62) | (1 << 62))
            self._callback_queries[query_id] = False
            instance = self._chat_instances.setdefault(chat["id"], str(self._rng.getrandbits(63) - (1 << 62)))
            query = {
                "id": query_id,
                "from": user,
                "message": json.loads(json.dumps(message)),
                "chat_instance": instance,
                "data": data,
            }
            return {"update_id": self._take_update_id(), "callback_query": query}

    # ------------------------------------------------------------------ builders' helpers

    def _user_info(self, user_id: int, language_code: str | None = "en") -> _UserInfo:
        info = self._users.get(user_id)
        if info is None:
            user = {"id": user_id, "is_bot": False, "first_name": "Test"}
            if language_code:
                user["language_code"] = language_code
            info = self._users[user_id] = _UserInfo(user=user)
        return info

    def _sender(self, user_id: int, language_code: str | None, private: bool) -> dict:
        with self._lock:
            info = self._user_info(user_id, language_code)
            # The user's app language can change between two messages: User.language_code follows.
            if language_code:
                info.user["language_code"] = language_code
            else:
                info.user.pop("language_code", None)
            if private:
                info.has_private_chat = True
            return dict(info.user)

    def _private_chat(self, user_id: int, language_code: str | None) -> dict:
        with self._lock:
            info = self._user_info(user_id, language_code)
            info.has_private_chat = True
            return self._chat_of_user(info.user)

    @staticmethod
    def _chat_of_user(user: dict) -> dict:
        chat = {"id": user["id"], "first_name": user["first_name"]}
        if "last_name" in user:
            chat["last_name"] = user["last_name"]
        if "username" in user:
            chat["username"] = user["username"]
        chat["type"] = "private"
        return chat

    def _group_chat(self, chat_id: int, kind: str) -> dict:
        with self._lock:
            chat = self._groups.get(chat_id)
            if chat is None:
                title = "Helpline test group" if kind == "group" else "Helpline test supergroup"
                chat = self._groups[chat_id] = {"id": chat_id, "title": title, "type": kind}
            return dict(chat)

    def _next_message_id(self, chat_id: int) -> int:
        self._message_counters[chat_id] = self._message_counters.get(chat_id, 0) + 1
        return self._message_counters[chat_id]

    def _take_update_id(self) -> int:
        update_id = self._next_update_id
        self._next_update_id += 1
        return update_id

    def _message_update(self, chat: dict, user: dict, content: dict) -> dict:
        with self._lock:
            message_id = self._next_message_id(chat["id"])
            message = {"message_id": message_id, "from": user, "chat": chat, "date": int(time.time()), **content}
            self._messages[(chat["id"], message_id)] = message
            return {"update_id": self._take_update_id(), "message": json.loads(json.dumps(message))}

    def _file(self, id_prefix: str, unique_prefix: str) -> dict:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        with self._lock:
            file_id = id_prefix + "".join(self._rng.choice(alphabet) for _ in range(58))
            unique = unique_prefix + "".join(self._rng.choice(alphabet) for _ in range(12))
        return {"file_id": file_id, "file_unique_id": unique}

    @staticmethod
    def _command_entities(text: str) -> list[dict]:
        return [
            {"offset": _utf16_len(text[: m.start()]), "length": _utf16_len(m.group(0)), "type": "bot_command"}
            for m in _BOT_COMMAND_RE.finditer(text)
        ]

    @staticmethod
    def _update_type(update: dict) -> str:
        kinds = [k for k in update if k != "update_id"]
        if len(kinds) != 1:
            raise ValueError(f"an Update has exactly one field besides update_id, not {kinds}")
        return kinds[0]

    def _effective_allowed_updates(self) -> frozenset[str]:
        if self._allowed_updates is None:
            return _UPDATE_TYPES - _NOT_DEFAULT_UPDATE_TYPES
        return self._allowed_updates

    def _set_allowed_updates(self, raw: str) -> None:
        """Client.cpp get_allowed_update_types: absent/invalid keeps the previous setting."""
        if not raw:
            return
        try:
            value = json.loads(raw)
        except ValueError:
            return
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return
        known = frozenset(v.lower() for v in value) & _UPDATE_TYPES
        self._allowed_updates = known if known else None

    # ------------------------------------------------------------------ HTTP

    async def _endpoint(self, request: Request) -> Response:
        path = request.url.path
        http_method = request.method
        content_type = request.headers.get("content-type", "")
        body = await request.body()
        started = time.monotonic()

        if not path.startswith("/bot"):
            return self._respond(None, {}, http_method, content_type, 404, _error(404, "Not Found"), started)
        rest = path[len("/bot") :]
        token, _, method = rest.partition("/")
        token = urllib.parse.unquote(token)
        if method.startswith("test/"):
            method = method[len("test/") :]
        method = urllib.parse.unquote(method)

        try:
            params, files = _parse_params(request.url.query, content_type, body)
        except _ApiError as exc:
            payload = _error(exc.code, exc.description)
            return self._respond(method, {}, http_method, content_type, exc.code, payload, started)
        if not method:
            method = params.get("method", "")

        if token != self.token:
            if _WELL_FORMED_TOKEN_RE.match(token) and len(token) <= 80:
                status, payload = 401, _error(401, "Unauthorized")
            else:
                status, payload = 404, _error(404, "Not Found")
            return self._respond(method, params, http_method, content_type, status, payload, started, False, files)

        lowered = method.lower()
        try:
            self._consume_failure(lowered)
            handler = getattr(self, f"_m_{lowered}", None)
            if handler is None:
                if lowered in _KNOWN_UNIMPLEMENTED:
                    raise _ApiError(501, f"Not Implemented: FakeTelegram does not implement {method}")
                raise _ApiError(404, "Not Found: method not found")
            outcome = handler(params)
            if asyncio.iscoroutine(outcome):
                outcome = await outcome
            result, description = outcome if isinstance(outcome, tuple) else (outcome, None)
            payload = {"ok": True, "result": result}
            if description:
                payload["description"] = description
            status = 200
        except _ApiError as exc:
            status, payload = exc.code, _error(exc.code, exc.description, exc.parameters)
        return self._respond(method, params, http_method, content_type, status, payload, started, True, files)

    def _respond(
        self,
        method: str | None,
        params: dict,
        http_method: str,
        content_type: str,
        status: int,
        payload: dict,
        started: float,
        token_ok: bool = True,
        files: dict | None = None,
    ) -> Response:
        with self._changed:
            self._requests.append(
                RecordedRequest(
                    method=method or "",
                    params=dict(params),
                    http_method=http_method,
                    content_type=content_type,
                    status=status,
                    response=payload,
                    at=started,
                    token_ok=token_ok,
                    files=dict(files or {}),
                )
            )
            self._changed.notify_all()
        headers = {}
        retry_after = (payload.get("parameters") or {}).get("retry_after")
        if status == 429 and retry_after:
            headers["Retry-After"] = str(retry_after)
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return Response(body, status_code=status, headers=headers, media_type="application/json")

    def _consume_failure(self, method: str) -> None:
        with self._lock:
            queue = self._failures.get(method)
            if not queue:
                return
            failure = queue[0]
            failure.times -= 1
            if failure.times <= 0:
                queue.pop(0)
        parameters = {"retry_after": failure.retry_after} if failure.retry_after else None
        raise _ApiError(failure.error_code, failure.description, parameters)

    # ------------------------------------------------------------------ methods

    def _m_getme(self, p: dict) -> dict:
        return {
            **self._bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _m_logout(self, p: dict) -> bool:
        return True

    def _m_close(self, p: dict) -> bool:
        return True

    def _m_sendmessage(self, p: dict) -> dict:
        text = p.get("text", "")
        parse_mode = self._check_text(text, p.get("parse_mode", ""))
        reply_to, allow_without_reply = _parse_reply_parameters(p)
        markup = _parse_reply_markup(p.get("reply_markup", ""))
        with self._changed:
            chat_id, chat = self._chat_for_write(p.get("chat_id", ""))
            replied = self._messages.get((chat_id, reply_to)) if reply_to else None
            if reply_to and replied is None and not allow_without_reply:
                raise _ApiError(400, "Bad Request: message to be replied not found")
            shown = self._check_message_text(text, parse_mode)
            _check_button_data(markup)
            self._check_can_deliver(chat_id)
            message_id = self._next_message_id(chat_id)
            message = {
                "message_id": message_id,
                "from": dict(self._bot_user),
                "chat": chat,
                "date": int(time.time()),
            }
            if replied is not None:
                message["reply_to_message"] = {k: v for k, v in replied.items() if k != "reply_to_message"}
            message["text"] = shown
            if markup is not None and "inline_keyboard" in markup and markup["inline_keyboard"]:
                message["reply_markup"] = {"inline_keyboard": markup["inline_keyboard"]}
            self._messages[(chat_id, message_id)] = message
            entry = SentMessage(
                chat_id=chat_id,
                text=text,
                reply_markup=markup,
                at=time.monotonic(),
                message_id=message_id,
                parse_mode=parse_mode or None,
                reply_to_message_id=reply_to if replied is not None else None,
            )
            self._sent.append(entry)
            for listener in self.listeners:
                listener(entry)
            self._changed.notify_all()
            return json.loads(json.dumps(message))

    def _m_editmessagetext(self, p: dict) -> dict:
        text = p.get("text", "")
        parse_mode = self._check_text(text, p.get("parse_mode", ""))
        markup = _parse_reply_markup(p.get("reply_markup", ""))
        with self._changed:
            chat_id, message = self._message_for_edit(p)
            shown = self._check_message_text(text, parse_mode)
            _check_button_data(markup)
            new_markup = _inline_markup(markup)
            if message.get("text") == shown and message.get("reply_markup") == new_markup:
                raise _ApiError(400, MESSAGE_NOT_MODIFIED)
            message["text"] = shown
            _set_markup(message, new_markup)
            message["edit_date"] = int(time.time())
            self._edits.append(
                SentMessage(chat_id, text, markup, time.monotonic(), message["message_id"], parse_mode or None,
                            "editMessageText")
            )
            self._changed.notify_all()
            return json.loads(json.dumps(message))

    def _m_editmessagereplymarkup(self, p: dict) -> dict:
        markup = _parse_reply_markup(p.get("reply_markup", ""))
        with self._changed:
            chat_id, message = self._message_for_edit(p)
            _check_button_data(markup)
            new_markup = _inline_markup(markup)
            if message.get("reply_markup") == new_markup:
                raise _ApiError(400, MESSAGE_NOT_MODIFIED)
            _set_markup(message, new_markup)
            message["edit_date"] = int(time.time())
            self._edits.append(
                SentMessage(chat_id, message.get("text", ""), markup, time.monotonic(), message["message_id"], None,
                            "editMessageReplyMarkup")
            )
            self._changed.notify_all()
            return json.loads(json.dumps(message))

    def _m_deletemessage(self, p: dict) -> bool:
        with self._changed:
            chat_id, _ = self._chat_for_write(p.get("chat_id", ""))
            message_id = _int_arg(p, "message_id", 0)
            if (chat_id, message_id) not in self._messages:
                raise _ApiError(400, "Bad Request: message to delete not found")
            del self._messages[(chat_id, message_id)]
            self._deleted.append((chat_id, message_id))
            self._changed.notify_all()
            return True

    def _m_sendchataction(self, p: dict) -> bool:
        action = p.get("action", "")
        if action.lower() not in _CHAT_ACTIONS:
            raise _ApiError(400, "Bad Request: wrong parameter action in request")
        with self._changed:
            chat_id, _ = self._chat_for_write(p.get("chat_id", ""))
            self._check_can_deliver(chat_id)
            self._chat_actions.append((chat_id, action))
            self._changed.notify_all()
            return True

    def _m_answercallbackquery(self, p: dict) -> bool:
        query_id = p.get("callback_query_id", "")
        with self._changed:
            if self._callback_queries.get(query_id) is not False:
                raise _ApiError(400, QUERY_ID_INVALID)
            self._callback_queries[query_id] = True
            self._answered_callbacks.append(query_id)
            self._callback_answers.append(dict(p))
            self._changed.notify_all()
            return True

    def _m_setmycommands(self, p: dict) -> bool:
        raw = p.get("commands", "")
        commands: list[dict] = []
        if raw:
            try:
                value = json.loads(raw)
            except ValueError:
                raise _ApiError(400, "Bad Request: can't parse commands JSON object") from None
            if not isinstance(value, list):
                raise _ApiError(400, "Bad Request: expected an Array of BotCommand")
            for item in value:
                if not isinstance(item, dict):
                    raise _ApiError(400, "Bad Request: can't parse BotCommand: expected an Object")
                for name in ("command", "description"):
                    if name not in item:
                        raise _ApiError(400, f'Bad Request: can\'t parse BotCommand: Can\'t find field "{name}"')
                    if not isinstance(item[name], str):
                        raise _ApiError(
                            400, f'Bad Request: can\'t parse BotCommand: Field "{name}" must be of type String'
                        )
                command = item["command"].lstrip("/")
                if not _COMMAND_NAME_RE.match(command.lower()):
                    raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
                if not 1 <= len(item["description"]) <= 256:
                    raise _ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
                commands.append({"command": command.lower(), "description": item["description"]})
        with self._lock:
            self._commands[(_scope_key(p.get("scope", "")), p.get("language_code", ""))] = commands
        return True

    def _m_getmycommands(self, p: dict) -> list:
        with self._lock:
            return [dict(c) for c in self._commands.get((_scope_key(p.get("scope", "")), p.get("language_code", "")), [])]

    def _m_deletemycommands(self, p: dict) -> bool:
        with self._lock:
            self._commands.pop((_scope_key(p.get("scope", "")), p.get("language_code", "")), None)
        return True

    def _m_setwebhook(self, p: dict) -> tuple:
        url = p.get("url", "")
        if not url:
            return self._delete_webhook(p)
        now = time.monotonic()
        with self._lock:
            if self._set_webhook_flood_control and now < self._next_set_webhook_time:
                raise _ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
            self._next_set_webhook_time = now + 1.0
            secret = p.get("secret_token", "")
            max_connections = _int_arg(p, "max_connections", DEFAULT_MAX_CONNECTIONS, 1, 100)
            drop = _to_bool(p.get("drop_pending_updates", ""))
            current = self._webhook
            if (
                current is not None
                and current["url"] == url
                and (current["secret_token"] or "") == secret
                and current["max_connections"] == max_connections
                and not drop
            ):
                self._set_allowed_updates(p.get("allowed_updates", ""))
                current["allowed_updates"] = self._allowed_updates_list()
                return True, "Webhook is already set"
            if drop:
                self._queue.clear()
            _check_webhook_url(url, self._strict_webhook_url)
            if len(secret) > MAX_SECRET_TOKEN_LENGTH:
                raise _ApiError(400, "Bad Request: secret token is too long")
            if not _SECRET_RE.match(secret):
                raise _ApiError(400, "Bad Request: secret token contains unallowed characters")
            self._set_allowed_updates(p.get("allowed_updates", ""))
            self._webhook = {
                "url": url,
                "secret_token": secret or None,
                "allowed_updates": self._allowed_updates_list(),
                "max_connections": max_connections,
            }
        self._wake_poller(CONFLICT_SET_WEBHOOK)
        return True, "Webhook was set"

    def _m_deletewebhook(self, p: dict) -> tuple:
        return self._delete_webhook(p)

    def _delete_webhook(self, p: dict) -> tuple:
        with self._lock:
            if _to_bool(p.get("drop_pending_updates", "")):
                self._queue.clear()
            if self._webhook is None:
                return True, "Webhook is already deleted"
            self._webhook = None
            return True, "Webhook was deleted"

    def _m_getwebhookinfo(self, p: dict) -> dict:
        with self._lock:
            info: dict[str, Any] = {
                "url": self._webhook["url"] if self._webhook else "",
                "has_custom_certificate": False,
                "pending_update_count": len(self._queue),
            }
            if self._webhook:
                info["max_connections"] = self._webhook["max_connections"]
                if self._webhook["allowed_updates"] is not None:
                    info["allowed_updates"] = list(self._webhook["allowed_updates"])
            return info

    def _allowed_updates_list(self) -> list[str] | None:
        return sorted(self._allowed_updates) if self._allowed_updates is not None else None

    async def _m_getupdates(self, p: dict) -> list:
        offset = _int_arg(p, "offset", 0)
        limit = _int_arg(p, "limit", 100, 1, 100)
        timeout = _int_arg(p, "timeout", 0, 0, LONG_POLL_MAX_TIMEOUT)
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._webhook is not None:
                raise _ApiError(409, CONFLICT_WEBHOOK_ACTIVE)
            self._set_allowed_updates(p.get("allowed_updates", ""))
            updates = self._take_updates(offset, limit)
            if updates or timeout == 0:
                return updates
        # long polling: a new getUpdates ends the one that is waiting (409)
        self._wake_poller(CONFLICT_OTHER_GET_UPDATES)
        future: asyncio.Future = loop.create_future()
        self._poller = future
        try:
            reason = await asyncio.wait_for(asyncio.shield(future), timeout)
        except asyncio.TimeoutError:
            reason = "timeout"
        finally:
            if self._poller is future:
                self._poller = None
        if isinstance(reason, str) and reason.startswith("Conflict"):
            raise _ApiError(409, reason)
        if reason == "closing":
            return []
        with self._lock:
            return self._take_updates(offset, limit)

    def _wake_poller(self, reason: str) -> None:
        """Runs in the server's loop: ends the waiting getUpdates with ``reason``."""
        poller = self._poller
        if poller is not None and not poller.done():
            poller.set_result(reason)
        if reason != "update":
            self._poller = None

    def _take_updates(self, offset: int, limit: int) -> list[dict]:
        """TQueue.cpp semantics: offset confirms (forgets) all older updates."""
        if offset < 0:
            keep = -offset
            if keep < len(self._queue):
                del self._queue[: len(self._queue) - keep]
        elif offset > 0 and offset <= self._next_update_id + 10:
            self._queue = [u for u in self._queue if u["update_id"] >= offset]
        return [json.loads(json.dumps(u)) for u in self._queue[:limit]]

    # ------------------------------------------------------------------ checks shared by methods

    @staticmethod
    def _check_text(text: str, parse_mode: str) -> str:
        """Client.cpp get_input_message_text / get_formatted_text, in their order."""
        if text == "":
            raise _ApiError(400, "Bad Request: message text is empty")
        if len(text.encode("utf-8")) > MAX_TEXT_BYTES:
            raise _ApiError(400, "Bad Request: text is too long")
        mode = parse_mode.lower()
        if mode not in ("", "none", "markdown", "markdownv2", "html"):
            raise _ApiError(400, "Bad Request: unsupported parse_mode")
        return "" if mode == "none" else parse_mode

    @staticmethod
    def _check_message_text(text: str, parse_mode: str) -> str:
        """What Telegram checks after the chat: non-empty, at most 4096 characters. Returns the shown text."""
        shown = text
        if parse_mode.lower() == "html":
            shown = html.unescape(re.sub(r"<[^>]*>", "", text))
        if not shown.strip():
            raise _ApiError(400, "Bad Request: message must be non-empty")
        if len(shown) > MAX_MESSAGE_LENGTH:
            raise _ApiError(400, "Bad Request: message is too long")
        return shown

    def _chat_for_write(self, chat_id_str: str) -> tuple[int, dict]:
        """Client.cpp check_chat: chat_id must be known to the bot."""
        chat_id_str = chat_id_str.strip()
        if not chat_id_str:
            raise _ApiError(400, "Bad Request: chat_id is empty")
        try:
            chat_id = int(chat_id_str)
        except ValueError:
            raise _ApiError(400, "Bad Request: chat not found") from None
        if chat_id in self._groups:
            return chat_id, dict(self._groups[chat_id])
        info = self._users.get(chat_id)
        if info is not None:
            return chat_id, self._chat_of_user(info.user)
        raise _ApiError(400, "Bad Request: chat not found")

    def _check_can_deliver(self, chat_id: int) -> None:
        """What Telegram's servers answer for a private chat the bot may not write to."""
        info = self._users.get(chat_id)
        if info is None:
            return
        if info.blocked:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        if not info.has_private_chat:
            raise _ApiError(403, "Forbidden: bot can't initiate conversation with a user")

    def _message_for_edit(self, p: dict) -> tuple[int, dict]:
        if not p.get("chat_id") and not p.get("message_id"):
            if p.get("inline_message_id"):
                raise _ApiError(501, "Not Implemented: FakeTelegram does not implement inline messages")
            raise _ApiError(400, "Bad Request: message identifier is not specified")
        chat_id, _ = self._chat_for_write(p.get("chat_id", ""))
        message = self._messages.get((chat_id, _int_arg(p, "message_id", 0)))
        if message is None:
            raise _ApiError(400, "Bad Request: message to edit not found")
        if message.get("from", {}).get("id") != self.bot_id:
            raise _ApiError(400, "Bad Request: message can't be edited")
        return chat_id, message


# ---------------------------------------------------------------------- module helpers


def _error(code: int, description: str, parameters: dict | None = None) -> dict:
    payload: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        payload["parameters"] = parameters
    return payload


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _to_bool(value: str) -> bool:
    """Client.cpp to_bool."""
    return value.strip().lower() in ("true", "yes", "1")


def _int_arg(p: dict, name: str, default: int, lo: int | None = None, hi: int | None = None) -> int:
    """Client.cpp get_integer_arg: invalid -> default, then clamped into [lo, hi]."""
    raw = p.get(name, "").strip()
    try:
        value = int(raw) if raw else default
    except ValueError:
        value = default
    if lo is not None:
        value = max(lo, value)
    if hi is not None:
        value = min(hi, value)
    return value


def _scope_key(raw: str) -> str:
    if not raw:
        return '{"type":"default"}'
    try:
        return json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":"))
    except ValueError:
        raise _ApiError(400, "Bad Request: can't parse BotCommandScope JSON object") from None


def _json_param_value(value: Any) -> str:
    """The real server turns every JSON value of the body into the string it would be in a form."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _parse_params(query: str, content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, bytes]]:
    params: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for key, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
        params[key] = value
    mime = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return params, files
    if mime == "application/json":
        try:
            value = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise _ApiError(400, "Bad Request: can't parse JSON encoded request body") from None
        if not isinstance(value, dict):
            raise _ApiError(400, "Bad Request: JSON object expected in request body")
        for key, item in value.items():
            if item is not None:
                params[key] = _json_param_value(item)
    elif mime == "application/x-www-form-urlencoded" or not mime:
        for key, item in urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
            params[key] = item
    elif mime == "multipart/form-data":
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
        )
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not name:
                continue
            payload = part.get_payload(decode=True) or b""
            if part.get_filename() is not None:
                files[name] = payload
            else:
                charset = part.get_content_charset() or "utf-8"
                params[name] = payload.decode(charset, "replace")
    return params, files


def _parse_reply_parameters(p: dict) -> tuple[int, bool]:
    """Client.cpp get_reply_parameters: reply_parameters, or the older reply_to_message_id."""
    if "reply_parameters" not in p:
        return max(_int_arg(p, "reply_to_message_id", 0), 0), _to_bool(p.get("allow_sending_without_reply", ""))
    raw = p["reply_parameters"]
    if not raw:
        return 0, False
    try:
        value = json.loads(raw)
    except ValueError:
        raise _ApiError(400, "Bad Request: can't parse reply parameters JSON object") from None
    if not isinstance(value, dict):
        raise _ApiError(400, "Bad Request: object expected as reply parameters")
    if not value:
        return 0, False
    if "message_id" not in value:
        raise _ApiError(400, 'Bad Request: can\'t find field "message_id"')
    message_id = value["message_id"]
    if isinstance(message_id, str) and message_id.lstrip("-").isdigit():
        message_id = int(message_id)
    if not isinstance(message_id, int) or isinstance(message_id, bool):
        raise _ApiError(400, 'Bad Request: field "message_id" must be of type Number')
    if value.get("chat_id") not in (None, "", p.get("chat_id"), _int_or_none(p.get("chat_id", ""))):
        raise _ApiError(501, "Not Implemented: FakeTelegram does not implement replies to other chats")
    return max(message_id, 0), bool(value.get("allow_sending_without_reply"))


def _int_or_none(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def _parse_reply_markup(raw: str) -> dict | None:
    """Client.cpp get_reply_markup / get_inline_keyboard_button / get_keyboard_button."""
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        raise _ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object") from None
    if not isinstance(value, dict):
        raise _ApiError(400, "Bad Request: object expected as reply markup")
    for name in ("keyboard", "inline_keyboard"):
        if name in value and not isinstance(value[name], list):
            raise _ApiError(400, f'Bad Request: field "{name}" must be of type Array')
    for row in value.get("keyboard", []):
        if not isinstance(row, list):
            raise _ApiError(400, 'Bad Request: field "keyboard" must be an Array of Arrays')
        for button in row:
            if isinstance(button, str):
                continue
            if not isinstance(button, dict):
                raise _ApiError(400, "Bad Request: can't parse keyboard button: KeyboardButton must be a String or an Object")
            _required_string(button, "text", "can't parse keyboard button")
    for row in value.get("inline_keyboard", []):
        if not isinstance(row, list):
            raise _ApiError(
                400, 'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        for button in row:
            prefix = "can't parse inline keyboard button"
            if not isinstance(button, dict):
                raise _ApiError(400, f"Bad Request: {prefix}: InlineKeyboardButton must be an Object")
            _required_string(button, "text", prefix)
            for name in ("url", "callback_data"):
                if name in button and not isinstance(button[name], str):
                    raise _ApiError(400, f'Bad Request: {prefix}: Field "{name}" must be of type String')
            if button.get("url") or button.get("callback_data"):
                continue
            if any(
                k in button
                for k in (
                    "callback_game",
                    "pay",
                    "switch_inline_query",
                    "switch_inline_query_chosen_chat",
                    "switch_inline_query_current_chat",
                    "login_url",
                    "web_app",
                    "copy_text",
                )
            ):
                continue
            raise _ApiError(400, f"Bad Request: {prefix}: Text buttons are unallowed in the inline keyboard")
    return value


def _required_string(obj: dict, name: str, prefix: str) -> None:
    if name not in obj:
        raise _ApiError(400, f'Bad Request: {prefix}: Can\'t find field "{name}"')
    if not isinstance(obj[name], str):
        raise _ApiError(400, f'Bad Request: {prefix}: Field "{name}" must be of type String')


def _check_button_data(markup: dict | None) -> None:
    """Telegram's servers refuse callback_data over 64 bytes (UTF-8)."""
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data and len(data.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES:
                raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")


def _inline_markup(markup: dict | None) -> dict | None:
    if markup is not None and markup.get("inline_keyboard"):
        return {"inline_keyboard": markup["inline_keyboard"]}
    return None


def _set_markup(message: dict, markup: dict | None) -> None:
    if markup is None:
        message.pop("reply_markup", None)
    else:
        message["reply_markup"] = markup


def _check_webhook_url(url: str, strict: bool) -> None:
    parsed = urllib.parse.urlsplit(url if "://" in url else f"https://{url}")
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise _ApiError(400, "Bad Request: invalid webhook URL specified")
    if strict:
        if parsed.scheme != "https":
            raise _ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        if (parsed.port or 443) not in (80, 88, 443, 8443):
            raise _ApiError(400, "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")


def iter_update_builders(tg: FakeTelegram, user_id: int) -> Iterable[tuple[str, dict]]:
    """One update of every kind the fake builds (for tests that want to cover them all)."""
    yield "text", tg.text_update(user_id, "hello", language_code="vi")
    yield "command", tg.command_update(user_id, "start", "ref42")
    yield "callback", tg.callback_update(user_id, "lang:vi")
    yield "sticker", tg.sticker_update(user_id)
    yield "photo", tg.photo_update(user_id)
    yield "voice", tg.voice_update(user_id)
    yield "location", tg.location_update(user_id)
    yield "group", tg.group_update(DEFAULT_SUPERGROUP_ID, user_id, "hi all")
