"""``python -m annotations.compare FILE FILE...``: one JSON object a match a line.

Each file is one article of the story; its id is the file name as given. Files are read as UTF-8
and normalised the way documents are on import (NFC, line ends to ``\\n``), so the offsets match
a stored document.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata

from . import KINDS, compare_documents


def normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m annotations.compare", description=__doc__.splitlines()[0]
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="two or more text files")
    parser.add_argument(
        "--kind", action="append", choices=KINDS, help="only these kinds (repeatable)"
    )
    args = parser.parse_args(argv)
    if len(args.files) < 2:
        parser.error("give at least two files")
    docs = []
    for name in args.files:
        with open(name, encoding="utf-8") as f:
            docs.append((name, normalise(f.read())))
    for m in compare_documents(docs, kinds=args.kind or KINDS):
        sys.stdout.write(json.dumps(m.to_dict(), ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
