from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_cli_prints_one_json_match_a_line(tmp_path):
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text(
        "Katz said: “To jihadists in these regions, these are gestures for the caliphate.”\r\n"
        "The attacks killed more than 250 people in Sri Lanka on Easter Sunday.\n",
        encoding="utf-8",
    )
    b.write_text(
        "“To militants in these regions, these are gestures for the caliphate,” said Katz.\n"
        "The Easter Sunday attacks in Sri Lanka killed at least 253 people.\n",
        encoding="utf-8",
    )
    out = subprocess.run(
        [sys.executable, "-m", "annotations.compare", str(a), str(b)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    rows = [json.loads(line) for line in out.splitlines()]
    kinds = {r["kind"] for r in rows}
    assert {"quote", "number"} <= kinds
    texts = {
        str(a): a.read_text(encoding="utf-8").replace("\r\n", "\n"),
        str(b): b.read_text(encoding="utf-8"),
    }
    for r in rows:
        for side in ("a", "b"):
            s = r[side]
            assert texts[s["doc"]][s["start"] : s["end"]] == s["text"]
    [quote] = [r for r in rows if r["kind"] == "quote"]
    assert [(d["a"], d["b"]) for d in quote["differences"]] == [("jihadists", "militants")]


def test_cli_wants_two_files(tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("One article.\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "annotations.compare", str(a)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2 and "two files" in run.stderr
