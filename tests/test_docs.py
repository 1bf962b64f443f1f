"""What the repository shows a newcomer stays true: the committed replay report is what its generator
makes today, and the README's links point at files inside the project."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_the_committed_report_is_current(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_report.py"), str(tmp_path)],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    committed = ROOT / "docs" / "report"
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert made == sorted(p.relative_to(committed) for p in committed.rglob("*") if p.is_file())
    stale = [str(name) for name in made if (tmp_path / name).read_bytes() != (committed / name).read_bytes()]
    assert not stale, f"docs/report is stale, run scripts/make_report.py: {stale}"


def test_the_readme_links_only_to_files_in_the_project() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#]+)\)", readme)
    local = [t for t in targets if "://" not in t]
    assert local and not [t for t in local if t.startswith("..")]
    missing = [t for t in local if not (ROOT / t).exists()]
    assert not missing, missing
    assert "../shared" not in readme
