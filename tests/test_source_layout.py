"""Guards on the source tree's shape: small files, and resource stubs that say each thing once.

They read the repository (not the installed package), so they need a checkout. The numbers are
house rules: a file past about 700 lines gets split by concern, and the generated resource stubs
stay under 40% of the 8,685 lines they had when every resource restated ``list()``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 720
# Data tables, not code: the endpoint registry's one table of every path.
DATA_TABLES = {"crates/api/src/registry.rs"}
MAX_STUB_LINES = 8_685 * 40 // 100

pytestmark = pytest.mark.skipif(
    not (ROOT / "crates").is_dir(), reason="needs the repository's source tree"
)


def sources() -> list[Path]:
    found = [
        path
        for folder in ("crates", "python", "tests", "scripts", "benchmarks")
        for pattern in ("*.rs", "*.py")
        for path in (ROOT / folder).rglob(pattern)
        if "target" not in path.parts
    ]
    assert len(found) > 100, found  # the walk itself works
    return found


def test_no_source_file_is_past_the_split_point() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for path in sources()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
        and str(path.relative_to(ROOT)) not in DATA_TABLES
    }
    assert not long, f"split these by concern: {long}"


def test_the_generated_resource_stubs_stay_small() -> None:
    stubs = sorted((ROOT / "python" / "simplicate" / "_resources").glob("*.pyi"))
    assert len(stubs) > 10, stubs
    total = sum(len(path.read_text(encoding="utf-8").splitlines()) for path in stubs)
    assert total <= MAX_STUB_LINES, f"{total} generated stub lines (at most {MAX_STUB_LINES})"
