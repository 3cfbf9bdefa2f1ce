"""What to do with one worker event: decide the language, then answer it, or let a person answer.

Stickers, photos, voice, locations and group messages get a kind notice in the worker's language;
text and button presses go to the engine unless a counselor has the conversation (bot/router.py).
"""

from __future__ import annotations

from bot import inbound as kinds, language, router
from bot.engine_client import EngineClient
from bot.handoff.service import HandoffService
from bot.inbound import Inbound
from bot.replies import Button, Reply
from bot.store.models import Worker
from content import notices
from content.languages import LANGUAGES, locale
from content.render import Renderer

# Commands and button payloads the gateway answers itself, or passes on as an intent.
COMMANDS = {"/start": "/greet", "/help": "/help_menu", "/menu": "/help_menu", "/human": "/request_human"}
LANGUAGE_COMMAND = "/language"


class Handler:
    def __init__(self, engine: EngineClient, renderer: Renderer, handoffs: HandoffService) -> None:
        self.engine = engine
        self.renderer = renderer
        self.handoffs = handoffs

    def notice(self, worker: Worker, msgid: str, /, *buttons: Button, **values: str) -> Reply:
        return Reply(self.renderer.notice(worker.language, msgid, **values), tuple(buttons))

    def topics_button(self, worker: Worker) -> Button:
        return Button(self.renderer.text(worker.language, "button", notices.SHOW_TOPICS), "/help_menu")

    def language_name(self, code: str) -> str:
        if code == language.EASY_JAPANESE:
            return self.renderer.text(code, "language", notices.EASY_JAPANESE)
        return locale(code).get_display_name(locale(code)) or code

    def language_menu(self, worker: Worker) -> Reply:
        buttons = tuple(Button(self.language_name(code), f"{LANGUAGE_COMMAND} {code}") for code in LANGUAGES)
        return self.notice(worker, notices.CHOOSE_LANGUAGE, *buttons)

    def set_language(self, worker: Worker, code: str) -> Reply:
        worker.language = code
        return self.notice(worker, notices.LANGUAGE_SET, language=self.language_name(code))

    async def handle(self, worker: Worker, event: Inbound) -> list[Reply]:
        if worker.language is None and event.kind != kinds.TEXT:  # text decides for itself (language.choose)
            worker.language = language.normalize_hint(event.language_hint) or language.DEFAULT_LANGUAGE
        message = self._engine_message(worker, event)
        if isinstance(message, list):
            return message
        if router.route(worker) == router.HUMAN:
            await self.handoffs.message_from_worker(worker)
            return []  # the counselor reads it in the console (it is in the message log)
        answer = await self.engine.ask(worker.id, message, worker.language, event.channel)
        if answer.handoff is None:
            return answer.replies
        return answer.replies + await self.handoffs.open(worker, answer.handoff)

    def _engine_message(self, worker: Worker, event: Inbound) -> str | list[Reply]:
        """The text for the engine, or the gateway's own replies when the engine is not needed."""
        if event.kind == kinds.TEXT and event.text:
            detection = language.detect(event.text)
            worker.language = language.choose(worker.language, detection, event.language_hint)
            if detection.requested:
                return [self.set_language(worker, detection.requested)]
            return detection.text
        if event.kind == kinds.CHOICE and event.text:
            command, _, argument = event.text.strip().partition(" ")
            if command == LANGUAGE_COMMAND:
                chosen = argument.strip()
                return [self.set_language(worker, chosen) if chosen in LANGUAGES else self.language_menu(worker)]
            return COMMANDS.get(command, event.text.strip())
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
