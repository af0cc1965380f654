from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def seeds() -> dict[str, str]:
    d = ROOT / "seeds" / "articles"
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(d.glob("*.txt"))}
