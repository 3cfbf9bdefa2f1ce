"""What to do with one worker event: decide the language, then answer it, or let a person answer.

Stickers, photos, voice, locations and group messages get a kind notice in the worker's language;
gateway commands (/language, /consent, /mydata, /delete) are answered here; text and button presses
go to the engine unless a counselor has the conversation (bot/router.py). A new worker is asked for
consent after their first answer (so nobody in danger waits for a form); a handoff needs consent,
except an urgent one.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Union

from sqlalchemy import func, select

from actions.handoff import URGENT, WORKER_REQUEST, HandoffRequest
from bot import inbound as kinds, language, router
from bot.config import Settings
from bot.engine_client import EngineClient, known_intents
from bot.handoff.service import HandoffService
from bot.inbound import Inbound
from bot.privacy.page import privacy_text
from bot.replies import Button, Reply
from bot.store.models import Handoff, LogEntry, Worker
from content import formatting, notices
from content.languages import LANGUAGES, locale
from content.render import Renderer

# Commands and button payloads passed on to the engine as an intent.
INTENT_COMMANDS = {"/start": "/greet", "/help": "/help_menu", "/menu": "/help_menu", "/human": "/request_human"}
# Commands the gateway answers itself.
LANGUAGE, CONSENT, MY_DATA, DELETE, PRIVACY = "/language", "/consent", "/mydata", "/delete", "/privacy"
GATEWAY_COMMANDS = frozenset({LANGUAGE, CONSENT, MY_DATA, DELETE, PRIVACY})

GIVEN, DECLINED, ASKED = "given", "declined", "asked"


@dataclass(frozen=True)
class Command:
    name: str
    argument: str = ""


def readable(text: str) -> bool:
    """Letters, digits or symbols (emoji count): something the engine can read."""
    return any(unicodedata.category(c)[0] in "LNS" for c in text)


def parse_command(text: str) -> Union[Command, None]:
    name, _, argument = text.strip().partition(" ")
    name = name.lower()
    return Command(name, argument.strip().lower()) if name in GATEWAY_COMMANDS else None


class Handler:
    def __init__(self, engine: EngineClient, renderer: Renderer, handoffs: HandoffService,
                 settings: Settings = Settings()) -> None:
        self.engine = engine
        self.renderer = renderer
        self.handoffs = handoffs
        self.settings = settings

    # --- building replies -----------------------------------------------------------------------

    def notice(self, worker: Worker, msgid: str, /, *buttons: Button, **values: str) -> Reply:
        return Reply(self.renderer.notice(worker.language, msgid, **values), tuple(buttons))

    def button(self, worker: Worker, title: str, payload: str) -> Button:
        return Button(self.renderer.text(worker.language, "button", title), payload)

    def topics_button(self, worker: Worker) -> Button:
        return self.button(worker, notices.SHOW_TOPICS, "/help_menu")

    def language_name(self, code: str) -> str:
        if code == language.EASY_JAPANESE:
            return self.renderer.text(code, "language", notices.EASY_JAPANESE)
        return locale(code).get_display_name(locale(code)) or code

    def language_menu(self, worker: Worker) -> Reply:
        buttons = tuple(Button(self.language_name(code), f"{LANGUAGE} {code}") for code in LANGUAGES)
        return self.notice(worker, notices.CHOOSE_LANGUAGE, *buttons)

    def set_language(self, worker: Worker, code: str) -> Reply:
        worker.language = code
        return self.notice(worker, notices.LANGUAGE_SET, language=self.language_name(code))

    def privacy_url(self, worker: Worker) -> str:
        """The full privacy text: a page when the gateway has a public address, else the /privacy command."""
        if not self.settings.public_url:
            return PRIVACY
        return f"{self.settings.public_url.rstrip('/')}/privacy/{worker.language or language.DEFAULT_LANGUAGE}"

    def consent_request(self, worker: Worker, after: str = "") -> Reply:
        worker.consent = worker.consent if worker.consent in (GIVEN, DECLINED) else ASKED
        text = "\n".join([
            self.renderer.notice(worker.language, notices.CONSENT_REQUEST,
                                 days=formatting.number(self.settings.retention_days, worker.language),
                                 url=self.privacy_url(worker)),
            self.renderer.notice(worker.language, notices.CONSENT_URGENT),
        ])
        return Reply(text, (self.button(worker, notices.AGREE, f"{CONSENT} yes {after}".strip()),
                            self.button(worker, notices.DECLINE, f"{CONSENT} no")))

    # --- one event ------------------------------------------------------------------------------

    async def handle(self, worker: Worker, event: Inbound) -> list[Reply]:
        if worker.language is None and event.kind != kinds.TEXT:  # text decides for itself (language.choose)
            worker.language = language.normalize_hint(event.language_hint) or language.DEFAULT_LANGUAGE
        first_contact = worker.consent is None and event.kind not in (kinds.UNFOLLOW, kinds.GROUP)
        message = self._engine_message(worker, event)
        if isinstance(message, Command):
            replies = await self.command(worker, message)
        elif isinstance(message, list):
            replies = message
        elif router.route(worker) == router.HUMAN:
            await self.handoffs.message_from_worker(worker)
            return []  # the counselor reads it in the console (it is in the message log)
        else:
            answer = await self.engine.ask(worker.id, message, worker.language, event.channel)
            replies = list(answer.replies)
            if answer.command is not None:
                replies += await self.command(worker, parse_command(answer.command))
            if answer.handoff is not None:
                replies += await self.request_handoff(worker, answer.handoff)
        if first_contact and worker.consent is None:
            replies.append(self.consent_request(worker))
        return replies

    async def request_handoff(self, worker: Worker, request: HandoffRequest) -> list[Reply]:
        if request.urgency == URGENT or worker.consent == GIVEN:
            return await self.handoffs.open(worker, request, actor="engine")
        notice = self.consent_request(worker, after="handoff")  # a counselor needs the messages kept
        lead = self.renderer.notice(worker.language, notices.CONSENT_FOR_HANDOFF)
        return [Reply(f"{lead}\n{notice.text}", notice.buttons)]

    async def command(self, worker: Worker, command: Command) -> list[Reply]:
        if command.name == LANGUAGE:
            chosen = command.argument
            return [self.set_language(worker, chosen) if chosen in LANGUAGES else self.language_menu(worker)]
        if command.name == CONSENT:
            if command.argument.startswith("yes"):
                worker.consent = GIVEN
                if command.argument.endswith("handoff"):
                    return await self.handoffs.open(worker, HandoffRequest(WORKER_REQUEST, "normal"), actor="worker")
                return [self.notice(worker, notices.CONSENT_GIVEN)]
            if command.argument == "no":
                worker.consent = DECLINED
                return [self.notice(worker, notices.CONSENT_DECLINED)]
            return [self.consent_request(worker)]
        if command.name == MY_DATA:
            return [await self.my_data(worker)]
        if command.name == PRIVACY:
            title, lines = privacy_text(self.renderer, worker.language, self.settings.retention_days)
            return [Reply("\n".join([title, *lines]))]
        if command.argument == "yes":
            worker.erase_requested = True
            return [self.notice(worker, notices.DELETED)]
        if command.argument == "no":
            return [self.notice(worker, notices.DELETE_CANCELLED)]
        return [self.notice(worker, notices.DELETE_CONFIRM,
                            self.button(worker, notices.DELETE_YES, f"{DELETE} yes"),
                            self.button(worker, notices.DELETE_NO, f"{DELETE} no"))]

    async def my_data(self, worker: Worker) -> Reply:
        if worker.consent == DECLINED:
            return self.notice(worker, notices.MY_DATA_NOTHING)
        async with self.handoffs.store.read() as session:
            messages = (await session.execute(select(func.count()).select_from(LogEntry).where(
                LogEntry.worker_id == worker.id, LogEntry.direction == "in"))).scalar_one()
            handoffs = (await session.execute(select(func.count()).select_from(Handoff).where(
                Handoff.worker_id == worker.id))).scalar_one()
        return self.notice(
            worker, notices.MY_DATA, self.button(worker, notices.DELETE_YES, f"{DELETE}"),
            language=self.language_name(worker.language or language.DEFAULT_LANGUAGE),
            messages=formatting.number(messages + 1, worker.language),  # this one too
            since=formatting.date(worker.created_at, worker.language),
            handoffs=formatting.number(handoffs, worker.language),
            days=formatting.number(self.settings.retention_days, worker.language),
        )

    def _engine_message(self, worker: Worker, event: Inbound) -> Union[str, list[Reply], Command]:
        """The text for the engine, a gateway command, or the gateway's own replies."""
        if event.kind == kinds.TEXT and event.text:
            command = parse_command(event.text)
            if command is not None:
                return command
            detection = language.detect(event.text)
            worker.language = language.choose(worker.language, detection, event.language_hint)
            if detection.requested:
                return [self.set_language(worker, detection.requested)]
            if not readable(detection.text):
                return [self.notice(worker, notices.UNREADABLE, self.topics_button(worker))]
            return detection.text.lstrip().lstrip("/")  # a leading "/" would read as an intent name
        if event.kind == kinds.CHOICE and event.text:
            command = parse_command(event.text)
            if command is not None:
                return command
            payload = event.text.strip()
            name = payload.split(" ", 1)[0]
            if name in INTENT_COMMANDS:
                return INTENT_COMMANDS[name]
            if name[1:] in known_intents():
                return payload
            return payload.lstrip("/") if readable(payload) else [self.notice(worker, notices.UNREADABLE)]
        if event.kind == kinds.FOLLOW:
            return "/greet"
        if event.kind == kinds.UNFOLLOW:
            return []
        if event.kind == kinds.STICKER:
            return [self.notice(worker, notices.STICKER, self.topics_button(worker))]
        if event.kind == kinds.LOCATION:
            return [self.notice(worker, notices.LOCATION)]
        if event.kind == kinds.GROUP:
            return [self.notice(worker, notices.PRIVATE_CHATS_ONLY)]
        if event.kind == kinds.MEDIA:
            return [self.notice(worker, notices.MEDIA, self.topics_button(worker))]
        return [self.notice(worker, notices.UNREADABLE, self.topics_button(worker))]
