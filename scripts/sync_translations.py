"""Refresh the catalogues from the sources: extract, update, and fill English with the source text.

Run through `make extract-messages`. New Polish entries come out empty; translate them before
committing (a test fails on any empty or fuzzy entry, and on any source string missing here).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
POT = ROOT / "translations" / "messages.pot"
LOCALES = ("pl", "en")


def extract() -> Catalog:
    subprocess.run(  # noqa: S603 - fixed arguments, our own interpreter
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-o", str(POT), "--no-location", "--sort-output",
         "--omit-header", "--no-wrap",
         # Babel skips folders starting with "_" by default, which would miss _partials/.
         "--ignore-dirs", ".*", "."],
        check=True, cwd=ROOT,
    )
    with POT.open("rb") as handle:
        return read_po(handle)


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def update(template: Catalog, locale: str) -> None:
    path = ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po"
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = Catalog(locale=locale)
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
    catalog.obsolete.clear()
    catalog.header_comment = (f"# {locale} messages for Agora.\n"
                              "# Distributed under the same licence as Agora (AGPL-3.0-or-later).")
    catalog.project = "Agora"
    catalog.msgid_bugs_address = ""
    catalog.last_translator = "Agora developers"
    catalog.language_team = ""
    catalog.version = ""
    catalog.fuzzy = False
    for message in catalog:
        if message.id and locale == "en" and not _translated(message):
            message.string = message.id
        if message.id and "fuzzy" in message.flags:
            message.flags.discard("fuzzy")
            if locale != "en":
                message.string = ""
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, sort_output=True, no_location=True,
                 ignore_obsolete=True, include_previous=False)


def main() -> None:
    template = extract()
    for locale in LOCALES:
        update(template, locale)
    missing = [m.id for m in read_po((ROOT / "translations/pl/LC_MESSAGES/messages.po").open("rb"))
               if m.id and not _translated(m)]
    if missing:
        print(f"{len(missing)} Polish entries to translate:")
        for message_id in missing:
            print("  ", message_id)


if __name__ == "__main__":
    main()
