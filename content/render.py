"""Turn a response template (English source) into what a worker reads, in their language."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

import yaml

from actions.topics import LABELS  # no Rasa import: the gateway can use it too
from content import formatting, notices
from content.catalogs import Catalogs
from content.sources import Source, load as load_sources

BUTTON = "button"
SOURCE = "source"
# Rasa's output channels split a text at blank lines into separate messages; an answer and its
# sources stay one message (forwarded together), so they are set apart by a line holding a
# no-break space, which looks blank on every phone.
SEPARATOR = "\n\u00a0\n"


DOMAIN = Path(__file__).resolve().parents[1] / "domain.yml"


def load_templates(path: Path = DOMAIN) -> dict[str, dict[str, Any]]:
    """The engine's responses (English source), first variation each: for renderings outside the engine."""
    responses = yaml.safe_load(path.read_text(encoding="utf-8"))["responses"]
    return {name: variations[0] for name, variations in responses.items()}


class Renderer:
    def __init__(self, catalogs: Catalogs, sources: Mapping[str, Source],
                 templates: Optional[Mapping[str, dict[str, Any]]] = None) -> None:
        self.catalogs = catalogs
        self.sources = sources
        self.templates = templates or {}

    @classmethod
    def load(cls) -> "Renderer":
        return cls(Catalogs.load(), load_sources(), load_templates())

    def text(self, language: Optional[str], context: Optional[str], msgid: str, /, **values: Any) -> str:
        """A translated text with its {placeholders} filled (values already formatted)."""
        translated = self.catalogs.gettext(language, context, msgid)
        return translated.format_map(values) if values else translated

    def notice(self, language: Optional[str], msgid: str, /, **values: Any) -> str:
        return self.text(language, "notice", msgid, **values)

    def button(self, language: Optional[str], title: str, payload: str) -> Dict[str, str]:
        return {"title": self.text(language, BUTTON, title), "payload": payload}

    def topic_buttons(self, language: Optional[str], intents: Iterable[str]) -> List[Dict[str, str]]:
        return [self.button(language, LABELS[intent], f"/{intent}") for intent in intents]

    def footer(self, language: Optional[str], source_ids: Sequence[str]) -> str:
        """Each cited source as "Source: name (checked date)", its phone line if any, and its link."""
        blocks = []
        for source in (self.sources[key] for key in source_ids):
            lines = [
                self.text(
                    language,
                    SOURCE,
                    notices.SOURCE_LINE,
                    name=self.text(language, SOURCE, source.name),
                    date=formatting.date(source.checked, language),
                )
            ]
            phone = source.phone(language)
            if phone and source.hours:
                lines.append(
                    self.text(
                        language,
                        SOURCE,
                        notices.PHONE_HOURS_LINE,
                        phone=phone,
                        opens=formatting.time(source.hours.opens, language),
                        closes=formatting.time(source.hours.closes, language),
                    )
                )
            elif phone:
                lines.append(self.text(language, SOURCE, notices.PHONE_LINE, phone=phone))
            lines.append(source.url)
            blocks.append("\n".join(lines))
        return SEPARATOR.join(blocks)

    def response(
        self,
        language: Optional[str],
        name: str,
        template: Mapping[str, Any],
        topics: Sequence[str] = (),
    ) -> Dict[str, Any]:
        """A domain response (`name`, its English `template`) as the worker reads it.

        The text is looked up with the response name as context; the sources in the template's
        metadata are appended; button titles and `topics` (intent names) become translated buttons.
        """
        message: Dict[str, Any] = {}
        if template.get("text"):
            parts = [self.text(language, name, template["text"])]
            source_ids = (template.get("metadata") or {}).get("sources") or []
            if source_ids:
                parts.append(self.footer(language, source_ids))
            message["text"] = SEPARATOR.join(parts)
        buttons = [self.button(language, b["title"], b["payload"]) for b in template.get("buttons") or []]
        buttons += self.topic_buttons(language, topics)
        if buttons:
            message["buttons"] = buttons
        for key in ("custom", "image", "attachment"):
            if key in template:
                message[key] = template[key]
        return message


def placeholders(text: str) -> set:
    """The {names} a text expects, to check that a translation keeps them all."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}
