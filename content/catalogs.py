"""Compiled gettext catalogs (translations/<language>/LC_MESSAGES/messages.mo), read with Babel.

A lookup walks the language's fallback chain (content.languages) and returns the first translated
text. It never returns a message id: the English catalog is complete (`make catalogs` fills it from
the source text), and a text missing there too raises MissingText.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterable, Optional

from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo

from content.languages import LANGUAGES, SOURCE, fallback_chain

TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"
DOMAIN = "messages"


class MissingText(LookupError):
    """No catalog on the fallback chain translates this text."""


def mo_path(language: str, root: Path = TRANSLATIONS) -> Path:
    return root / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


class Catalogs:
    def __init__(self, catalogs: Dict[str, Catalog]) -> None:
        self._catalogs = catalogs

    @classmethod
    def load(cls, root: Path = TRANSLATIONS, languages: Iterable[str] = LANGUAGES) -> "Catalogs":
        """Read every compiled catalog; a language without one falls back along its chain."""
        if not mo_path(SOURCE, root).exists():
            raise FileNotFoundError(f"{mo_path(SOURCE, root)} is missing: run `make compile-catalogs`")
        catalogs = {}
        for language in languages:
            path = mo_path(language, root)
            if path.exists():
                with path.open("rb") as f:
                    catalogs[language] = read_mo(f)
        return cls(catalogs)

    @property
    def languages(self) -> Iterable[str]:
        return self._catalogs.keys()

    def translated(self, language: str, context: Optional[str], msgid: str) -> Optional[str]:
        """The text in this one catalog, or None when it is missing or empty there."""
        catalog = self._catalogs.get(language)
        message = catalog.get(msgid, context=context) if catalog is not None else None
        return message.string if message is not None and message.string else None

    def gettext(self, language: Optional[str], context: Optional[str], msgid: str) -> str:
        for candidate in fallback_chain(language):
            text = self.translated(candidate, context, msgid)
            if text is not None:
                return text
        raise MissingText(f"{context!r}: {msgid!r}")
