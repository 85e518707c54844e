"""Compiles every app's .po files to .mo with polib, so installing needs no GNU gettext.

Source strings are Vietnamese (the default UI language); locale/en/ holds the English translations.
Extract new strings with `canhve makemessages -l en` (needs gettext's xgettext, a developer tool only).
"""

from pathlib import Path

import polib


def compile_all(root: Path | None = None) -> int:
    root = root or Path(__file__).resolve().parent
    count = 0
    for po_path in root.glob("**/locale/*/LC_MESSAGES/*.po"):
        po = polib.pofile(str(po_path))
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
        count += 1
    return count


if __name__ == "__main__":
    print(f"compiled {compile_all()} message catalogues")
