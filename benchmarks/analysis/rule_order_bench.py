"""CPU of the live rule-order check at 500 rules: the full check against the incremental one.

The problems panel runs the check after every edit. The full check (`builder.analysis.rule_order`)
tests every pair of rules each time; `RuleOrderCheck` remembers each condition's normal form and
each pair's answer, so after an edit to one rule only that rule's pairs are tested again. Each rule
here is distinct (its own extra phrase), so no pair repeats by accident. Prints figures and checks
that both give the same findings; asserts nothing else (timings are not unit tests).

    .venv/bin/python benchmarks/analysis/rule_order_bench.py [--rules 500] [--edits 10]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from builder.analysis import rule_order  # noqa: E402
from builder.analysis.order_check import RuleOrderCheck  # noqa: E402
from builder.format.model import Group, Leaf, Ruleset  # noqa: E402


def distinct_rules(count: int) -> Ruleset:
    """`count` rules made from the example playbook's, each with one phrase of its own."""
    playbook = Ruleset.from_dict(json.loads((ROOT / "resources" / "examples" / "playbook.json").read_text("utf-8")))
    base = playbook.rules
    rules = tuple(
        replace(base[i % len(base)], id=f"rule-{i}", name=f"Rule number {i}",
                when=Group("any", (base[i % len(base)].when, Leaf("message.text", "contains_any", (f"word{i}",)))))
        for i in range(count))
    return replace(playbook, rules=rules)


def edited(ruleset: Ruleset, n: int) -> Ruleset:
    """One keystroke's edit: the phrase of a rule in the middle changes."""
    index = len(ruleset.rules) // 3 + n * 7 % (len(ruleset.rules) // 2)
    rule = ruleset.rules[index]
    when = Group("any", (rule.when, Leaf("message.text", "contains_any", (f"typed{n}",))))
    return replace(ruleset, rules=(*ruleset.rules[:index], replace(rule, when=when), *ruleset.rules[index + 1:]))


def cpu(step: object) -> tuple[float, object]:
    began = time.process_time()
    result = step()  # type: ignore[operator]
    return time.process_time() - began, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rules", type=int, default=500)
    parser.add_argument("--edits", type=int, default=10)
    args = parser.parse_args()
    ruleset = distinct_rules(args.rules)
    check = RuleOrderCheck()
    full_time, full = cpu(lambda: rule_order(ruleset))
    first_time, first = cpu(lambda: check.check(ruleset))
    print(f"{args.rules} rules, {len(full)} findings")  # type: ignore[arg-type]
    print(f"  full check (every pair, as before):  {full_time:.3f} s CPU")
    print(f"  incremental, first check (cold):     {first_time:.3f} s CPU")
    same = full == first
    edits, full_edits = [], []
    for n in range(args.edits):
        ruleset = edited(ruleset, n)
        seconds, found = cpu(lambda: check.check(ruleset))  # noqa: B023
        edits.append(seconds)
        if n < 3:  # the full check is slow: compare a few edits only
            full_seconds, expected = cpu(lambda: rule_order(ruleset))  # noqa: B023
            full_edits.append(full_seconds)
            same = same and found == expected
    print(f"  after one edit, full check:          median {statistics.median(full_edits):.3f} s CPU")
    print(f"  after one edit, incremental:         median {statistics.median(edits) * 1000:.1f} ms CPU, "
          f"max {max(edits) * 1000:.1f} ms")
    print(f"  same findings as the full check: {'yes' if same else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
