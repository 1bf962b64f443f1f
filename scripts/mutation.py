"""Mutation score of the core's riskiest modules: does the suite notice a one-character change?

Runs mutmut (the `mutation` extra: pip install -e '.[test,mutation]') on a throw-away copy of the
tree, so the work tree never holds `mutants/` or a mutmut section in `pyproject.toml`. mutmut runs,
for each mutant, only the tests (of the folders below) that executed the mutated function. A file
has hundreds of mutants and each costs seconds on this machine, so by default a fixed-seed sample
of each file's mutants, spread over the whole file, is tested (`--sample 0`: all of them); each
file also gets a wall-clock budget, and mutants not reached in time count as "not checked", never as killed.

    .venv/bin/python scripts/mutation.py                      # the work tree as it is now
    .venv/bin/python scripts/mutation.py --rev d7f01d0        # a commit
    .venv/bin/python scripts/mutation.py --sample 0 --minutes 30 --file builder/hours/schedule.py

Prints, per file, killed / checked (timeouts count as killed, as mutmut counts them), the
mutants not checked, and the survivors by name (`--diffs` shows each survivor's change).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = (
    "builder/engine/session.py",
    "builder/engine/facts.py",
    "builder/hours/schedule.py",
    "builder/text/matching.py",
)
TEST_FOLDERS = ("tests/builder/engine", "tests/builder/hours", "tests/builder/text")
# mutmut's exit codes (mutmut.stats.status_by_exit_code), folded into what the score needs.
KILLED = {1, 3, 36, 24, -24, 152, 255, 37}  # failed, pytest error, timeout, caught by type check
SURVIVED = {0}


def export_tree(rev: str | None, into: Path) -> None:
    """The tree at `rev`, or the work tree (tracked and new files, uncommitted edits included)."""
    if rev is not None:
        archive = subprocess.run(["git", "archive", rev], cwd=ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
        return
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True,
                            capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)


def configure(tree: Path, files: list[str]) -> None:
    config = f"""

[tool.mutmut]
source_paths = ["builder/"]
only_mutate = {json.dumps(files)}
also_copy = ["rules_schema/", "resources/", "widgets/"]
pytest_add_cli_args_test_selection = {json.dumps(list(TEST_FOLDERS))}
pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "-x"]
timeout_multiplier = 4.0
"""
    with open(tree / "pyproject.toml", "a", encoding="utf-8") as fh:
        fh.write(config)


def run_budgeted(command: list[str], cwd: Path, seconds: float, log: Path) -> bool:
    """Run `command`; past `seconds`, stop it. True if it finished in time."""
    with open(log, "ab") as out:
        proc = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            proc.wait(timeout=seconds)
            return True
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)  # mutmut records each result as it comes
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            return False


def module_of(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def results(tree: Path, path: str) -> dict[str, int | None]:
    meta = tree / "mutants" / (path + ".meta")
    if not meta.exists():
        return {}
    return dict(json.loads(meta.read_text("utf-8"))["exit_code_by_key"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", help="a commit to score instead of the work tree")
    parser.add_argument("--file", action="append", choices=FILES, help="score only this file (repeatable)")
    parser.add_argument("--sample", type=int, default=60, help="mutants tested per file (default 60; 0: all)")
    parser.add_argument("--minutes", type=float, default=6.0, help="wall-clock budget per file (default 6)")
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once (default 2)")
    parser.add_argument("--diffs", action="store_true", help="show each survivor's change")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (resumes a previous run)")
    args = parser.parse_args()
    files = list(args.file or FILES)
    mutmut = Path(sys.executable).with_name("mutmut")
    if not mutmut.exists():
        print("mutmut is not installed: pip install -e '.[test,mutation]'", file=sys.stderr)
        return 2

    tree = args.keep or Path(tempfile.mkdtemp(prefix="mutation-"))
    if not (tree / "pyproject.toml").exists():
        tree.mkdir(parents=True, exist_ok=True)
        export_tree(args.rev, tree)
        configure(tree, files)
    log = tree / "mutmut.log"
    print(f"scoring {args.rev or 'the work tree'} in {tree} (log: {log})", flush=True)
    # Generate the mutants and learn which tests run which function (mutmut then stops: no name matches).
    run_budgeted([str(mutmut), "run", "--max-children", str(args.jobs), "generate.only*"], tree, 1800, log)
    lines = []
    for path in files:
        started = time.monotonic()
        names = sorted(results(tree, path))
        if args.sample and len(names) > args.sample:
            names = sorted(random.Random(path).sample(names, args.sample))
        finished = not names or run_budgeted(
            [str(mutmut), "run", "--max-children", str(args.jobs), *names], tree, args.minutes * 60, log)
        every = results(tree, path)
        codes = {name: every.get(name) for name in names}
        counts = Counter("killed" if c in KILLED else "survived" if c in SURVIVED
                         else "not checked" if c is None else "other" for c in codes.values())
        checked = counts["killed"] + counts["survived"]
        survivors = sorted(k for k, c in codes.items() if c in SURVIVED)
        score = f"{100 * counts['killed'] / checked:5.1f}%" if checked else "  n/a"
        line = (f"{path:<28} {score}  killed {counts['killed']}/{checked} checked"
                f" ({len(codes)} sampled of {len(every)} mutants)"
                f"; not checked {counts['not checked']}; other {counts['other']}"
                f"{'' if finished else ' (budget ran out)'}; {time.monotonic() - started:.0f} s")
        print(line, flush=True)
        lines.append(line)
        for name in survivors:
            print(f"    survived: {name}")
            if args.diffs:
                shown = subprocess.run([str(mutmut), "show", name], cwd=tree, capture_output=True, text=True)
                print("\n".join("        " + s for s in shown.stdout.splitlines()))
    print("\nsummary\n" + "\n".join(lines))
    if args.keep is None:
        shutil.rmtree(tree, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
