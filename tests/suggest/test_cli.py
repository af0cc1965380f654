from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(
    *args: str, stdin: str | None = None, env: dict | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_cli_prints_one_json_object_a_candidate_with_the_file_name(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(
        "“We will win the vote next week,” said Rita Katz.\r\nIt killed at least 253 people in 2019.",
        encoding="utf-8",
    )
    out = run("-m", "annotations.suggest", str(f))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines
    rows = [json.loads(line) for line in lines]
    assert all(r["file"] == str(f) for r in rows)
    quote = next(r for r in rows if r["label"] == "QUOTE")
    assert quote["text"] == "We will win the vote next week" and quote["speaker"] == "Rita Katz"
    text = f.read_text(encoding="utf-8").replace("\r\n", "\n")
    assert all(text[r["start"] : r["end"]] == r["text"] for r in rows)


def test_suggest_package_imports_without_django():
    code = "import sys; sys.modules['django'] = None; import annotations.suggest as s, annotations.suggest.learned; print(len(s.suggest_spans('“Yes we can do it all,” he said.')))"
    out = run("-c", code, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "1"
