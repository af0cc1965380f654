from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def seed_dir() -> Path | None:
    """seeds/articles/ in the repository, else ../shared/seeds beside it."""
    for candidate in (
        ROOT / "seeds" / "articles",
        ROOT.parent / "shared" / "seeds",
        Path("/work/shared/seeds"),
    ):
        if candidate.is_dir() and any(candidate.glob("*.txt")):
            return candidate
    return None


@pytest.fixture(scope="session")
def seeds() -> dict[str, str]:
    d = seed_dir()
    if d is None:
        pytest.skip("seed articles not found")
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(d.glob("*.txt"))}
