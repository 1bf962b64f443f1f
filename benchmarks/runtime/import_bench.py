"""Cold start of a chatbot worker: CPU time to import `builder.runtime` and load the bundled playbook.

Each run is a fresh interpreter (nothing cached in `sys.modules`; the `.pyc` files are warm after
the first run, as on a deployed worker), which measures `time.process_time()` around

    from builder import runtime
    runtime.load(example_playbook())

and prints it per run with the median and the worst. The goal in issue #18 is under 0.5 s of CPU.
`--split` also prints the import and the load apart; `--first-decision` adds one decided
conversation. To see which imports cost what:

    .venv/bin/python -X importtime -c "from builder import runtime; \
        from builder.paths import example_playbook; runtime.load(example_playbook())" 2>&1 | sort -t"|" -k2 -n | tail

    .venv/bin/python benchmarks/runtime/import_bench.py                 # 7 runs
    .venv/bin/python benchmarks/runtime/import_bench.py --runs 15 --split
    venv/bin/python benchmarks/runtime/import_bench.py --python venv/bin/python --cwd /tmp   # an installed wheel
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_CHILD = r"""
import json, sys, time
t0 = time.process_time()
from builder import runtime
from builder.paths import example_playbook
t1 = time.process_time()
rules = runtime.load(example_playbook())
t2 = time.process_time()
decided = None
if sys.argv[1] == "1":
    session = rules.session("bench", {"name": "Ana"})
    decided = session.observe({"at": "2026-11-24T09:00:00Z", "type": "visitor", "text": "Can I talk to a human?"})
t3 = time.process_time()
print(json.dumps({"import": t1 - t0, "load": t2 - t1, "decide": t3 - t2, "total": t3 - t0,
                  "escalated": decided is not None, "qt": "PySide6" in sys.modules,
                  "numpy": "numpy" in sys.modules}))
"""


def run_once(python: str, first_decision: bool, cwd: Path) -> dict[str, float]:
    result = subprocess.run([python, "-c", _CHILD, "1" if first_decision else "0"], capture_output=True,
                            text=True, cwd=cwd, check=True)
    figures: dict[str, float] = json.loads(result.stdout)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--python", default=sys.executable, help="interpreter to measure (default: this one)")
    parser.add_argument("--cwd", type=Path, default=ROOT,
                        help="run there (outside the checkout to measure an installed wheel, not the sources)")
    parser.add_argument("--split", action="store_true", help="print import and load apart")
    parser.add_argument("--first-decision", action="store_true", help="also decide one conversation")
    args = parser.parse_args()
    run_once(args.python, args.first_decision, args.cwd)  # warm the .pyc files; not counted
    runs = [run_once(args.python, args.first_decision, args.cwd) for _ in range(args.runs)]
    for i, r in enumerate(runs, 1):
        parts = f"  import {r['import']:.3f}  load {r['load']:.3f}" if args.split else ""
        if args.first_decision:
            parts += f"  decide {r['decide']:.3f}"
        print(f"run {i}: {r['total']:.3f} CPU-s{parts}")
    totals = [r["total"] for r in runs]
    print(f"import+load{' +decide' if args.first_decision else ''}: median {statistics.median(totals):.3f} "
          f"CPU-s, worst {max(totals):.3f} CPU-s over {len(runs)} fresh processes "
          f"(Qt loaded: {any(r['qt'] for r in runs)}, numpy loaded: {any(r['numpy'] for r in runs)})")


if __name__ == "__main__":
    main()
