"""Regenerate docs/report/: the replay report of the sample library with the example playbook.

    .venv/bin/python scripts/make_report.py [OUTPUT_DIR]

Deterministic (no timestamps), so the committed report only changes when the playbook, the
samples or the engine change.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from builder.paths import example_playbook, sample_conversations  # noqa: E402
from builder.replay import Replay  # noqa: E402
from builder.report import write_report  # noqa: E402
from builder.runtime import read_ruleset  # noqa: E402


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else ROOT / "docs" / "report"
    ruleset = read_ruleset(example_playbook())
    run = Replay(ruleset, sample_conversations())
    files = write_report(target, run, ruleset, title="Replay report: the example playbook on the sample library",
                         library="resources/conversations/samples.jsonl", svg_files=True)
    for error in run.errors:
        print(f"samples.jsonl: {error}", file=sys.stderr)
    m = files.metrics
    print(f"{files.html.relative_to(ROOT) if files.html.is_relative_to(ROOT) else files.html}: "
          f"{m.total} conversations, {m.escalated} escalated ({m.rate:.1%}), "
          f"{m.passed} passed / {m.failed} failed")
    return 1 if run.errors else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
