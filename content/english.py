"""Fill the English catalog from the source texts, so that every lookup ends in a real translation.

English is the source language: its texts are the message ids (domain.yml, content/). `make catalogs`
runs this after `pybabel update`, so translations/en is always complete and never fuzzy.
"""

from __future__ import annotations

from babel.messages.pofile import read_po, write_po

from content.catalogs import TRANSLATIONS
from content.languages import SOURCE

PO_FILE = TRANSLATIONS / SOURCE / "LC_MESSAGES" / "messages.po"


def main() -> None:
    with PO_FILE.open("rb") as f:
        catalog = read_po(f, locale=SOURCE)
    for message in catalog:
        if message.id:
            message.string = message.id
            message.flags.discard("fuzzy")
    with PO_FILE.open("wb") as f:
        write_po(f, catalog, width=100, omit_header=False, ignore_obsolete=True)


if __name__ == "__main__":
    main()
