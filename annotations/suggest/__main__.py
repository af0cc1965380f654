"""``python -m annotations.suggest FILE...``: one JSON object a candidate a line.

Each object has the candidate's fields plus ``file``. Files are read as UTF-8 and normalised the
way documents are on import (NFC, line ends to ``\\n``), so the offsets match a stored document.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata

from . import suggest_spans


def normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m annotations.suggest", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "files", nargs="+", metavar="FILE", help="text files ('-' reads standard input)"
    )
    args = parser.parse_args(argv)
    for name in args.files:
        if name == "-":
            text = sys.stdin.read()
        else:
            with open(name, encoding="utf-8") as f:
                text = f.read()
        for c in suggest_spans(normalise(text)):
            sys.stdout.write(json.dumps({"file": name, **c.to_dict()}, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
