"""Print how complete each catalog is and how it was made: `make catalog-report`."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import List, TextIO

from babel.messages.pofile import read_po

from content.catalogs import TRANSLATIONS
from content.languages import LANGUAGES

STATUS_PREFIX = "Translation status:"


@dataclass(frozen=True)
class CatalogStatus:
    language: str
    total: int
    translated: int
    fuzzy: int
    status: str

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 0.0


def po_path(language: str, root: Path = TRANSLATIONS) -> Path:
    return root / language / "LC_MESSAGES" / "messages.po"


def status_line(header_comment: str) -> str:
    """The catalog header's "Translation status:" line (machine-drafted? reviewed?)."""
    for line in header_comment.splitlines():
        text = line.lstrip("# ").strip()
        if text.startswith(STATUS_PREFIX):
            return text[len(STATUS_PREFIX):].strip()
    return "unknown"


def catalog_status(language: str, root: Path = TRANSLATIONS) -> CatalogStatus:
    with po_path(language, root).open("rb") as f:
        catalog = read_po(f)
    messages = [m for m in catalog if m.id]
    fuzzy = sum(1 for m in messages if m.fuzzy)
    translated = sum(1 for m in messages if m.string and not m.fuzzy)
    return CatalogStatus(language, len(messages), translated, fuzzy, status_line(catalog.header_comment))


def report(out: TextIO = sys.stdout, root: Path = TRANSLATIONS) -> List[CatalogStatus]:
    rows = [catalog_status(language, root) for language in LANGUAGES]
    out.write(f"{'catalog':<9}{'translated':>12}{'fuzzy':>7}{'complete':>10}  status\n")
    for row in rows:
        out.write(
            f"{row.language:<9}{f'{row.translated}/{row.total}':>12}{row.fuzzy:>7}"
            f"{row.percent:>9.1f}%  {row.status}\n"
        )
    return rows


if __name__ == "__main__":
    report()
