"""Readers for the labeled data sets the suggesters are measured and trained on.

The files themselves stay outside the repository (their licences do not allow copying them in);
these functions take a path. Layouts:

- check-worthiness (CheckThat! 2024 task 1): TSV ``Sentence_id  Text  class_label`` (Yes/No),
  with CSV quoting (a field may be wrapped in double quotes, inner ones doubled).
- subjectivity (CheckThat!): TSV ``sentence_id  sentence  label  solved_conflict`` (SUBJ/OBJ),
  read with ``csv.QUOTE_NONE``: quotation marks in it are text.
- PolNeAR: ``text/NAME.txt`` articles and ``attributions/NAME_ANNOTATOR.ann`` brat files.
"""

from __future__ import annotations

import csv
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(frozen=True)
class LabeledSentence:
    id: str
    text: str
    label: bool  # Yes (check-worthy) / SUBJ


def _read_tsv(path: str | os.PathLike, quoting: Literal[0, 1, 2, 3]) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=quoting))


def load_checkworthiness(path: str | os.PathLike) -> list[LabeledSentence]:
    """Sentences of a check-worthiness TSV; ``label`` is True for ``Yes``."""
    rows = _read_tsv(path, csv.QUOTE_MINIMAL)
    return [
        LabeledSentence(r["Sentence_id"], r["Text"], r["class_label"].strip().lower() == "yes")
        for r in rows
    ]


def load_subjectivity(path: str | os.PathLike) -> list[LabeledSentence]:
    """Sentences of a subjectivity TSV; ``label`` is True for ``SUBJ``."""
    rows = _read_tsv(path, csv.QUOTE_NONE)
    return [
        LabeledSentence(r["sentence_id"], r["sentence"], r["label"].strip().upper() == "SUBJ")
        for r in rows
    ]


def load_split(data_dir: str | os.PathLike, task: str, split: str) -> list[LabeledSentence]:
    """``task`` is ``checkworthiness`` or ``subjectivity``.

    Reads ``<data>/<task>-en/<split>.tsv``.
    """
    path = Path(data_dir) / f"{task}-en" / f"{split}.tsv"
    if task == "checkworthiness":
        return load_checkworthiness(path)
    if task == "subjectivity":
        return load_subjectivity(path)
    raise ValueError(f"unknown task {task!r}")


# --- PolNeAR -----------------------------------------------------------------------------------


@dataclass
class Attribution:
    content: list[tuple[int, int]]  # brat allows discontinuous spans
    source: list[tuple[int, int]] = field(default_factory=list)
    cue: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Article:
    name: str
    text: str
    attributions: list[Attribution]


def _ranges(spec: str) -> list[tuple[int, int]]:
    out = []
    for part in spec.split(";"):
        a, b = part.split()
        out.append((int(a), int(b)))
    return out


def _role_and_id(arg: str) -> tuple[str, str]:
    """An event's argument, "Source:T3", as its role and the id of the span it names."""
    role, _, span_id = arg.partition(":")
    return role, span_id


def parse_brat(ann: str) -> list[Attribution]:
    """The attributions of one brat ``.ann`` file (``E`` lines tie Source, Cue, Content)."""
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    events: list[list[tuple[str, str]]] = []
    for line in ann.splitlines():
        if not line.strip():
            continue
        cols = line.split("\t")
        if line.startswith("T") and len(cols) >= 2:
            kind, _, spec = cols[1].partition(" ")
            try:
                spans[cols[0]] = (kind, _ranges(spec))
            except ValueError:
                continue
        elif line.startswith("E") and len(cols) >= 2:
            events.append([_role_and_id(arg) for arg in cols[1].split() if ":" in arg])
    out = []
    for args in events:
        att = Attribution(content=[])
        for role, ref in args:
            if ref not in spans:
                continue
            rng = spans[ref][1]
            role = role.rstrip("0123456789")
            if role == "Content":
                att.content.extend(rng)
            elif role == "Source":
                att.source.extend(rng)
            elif role == "Cue":
                att.cue.extend(rng)
        if att.content:
            out.append(att)
    return out


def load_polnear(split_dir: str | os.PathLike) -> list[Article]:
    """Articles of one PolNeAR split; where several annotators' files exist, the first by name."""
    split_dir = Path(split_dir)
    anns = sorted(p.name for p in (split_dir / "attributions").glob("*.ann"))
    articles = []
    for txt in sorted((split_dir / "text").glob("*.txt")):
        stem = txt.stem
        mine = [a for a in anns if a.startswith(stem + "_") and a[len(stem) + 1 : -4].isalnum()]
        if not mine:
            continue
        text = txt.read_text(encoding="utf-8")
        ann = (split_dir / "attributions" / mine[0]).read_text(encoding="utf-8")
        articles.append(Article(stem, text, parse_brat(ann)))
    return articles
