"""How long `rules_schema.validate` takes on the example playbook and on a 500-rule ruleset, and
how the compiled schema checker compares with jsonschema. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/engine/validate_bench.py
"""

from __future__ import annotations

import copy
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from rules_schema import validate  # noqa: E402
from rules_schema.checks.semantics import check_semantics  # noqa: E402
from rules_schema.schemas import fast_validator, validator  # noqa: E402


def _ms(step: Callable[[], object], repeat: int, *, before: Callable[[], object] | None = None) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def big_ruleset(base: dict[str, Any], count: int) -> dict[str, Any]:
    """`count` distinct rules made from the playbook's (each with its own id, name and phrase)."""
    doc = copy.deepcopy(base)
    rules = []
    for i in range(count):
        rule = copy.deepcopy(base["rules"][i % len(base["rules"])])
        rule["id"], rule["name"] = f"rule-{i}", f"Rule number {i}"
        rule["when"] = {"any": [rule["when"], {"fact": "message.text", "op": "contains_any", "value": [f"word{i}"]}]}
        rules.append(rule)
    doc["rules"] = rules
    return doc


def main() -> None:
    playbook = json.loads((ROOT / "resources" / "examples" / "playbook.json").read_text("utf-8"))
    validate(playbook)  # build the checkers once, as a running app has
    big = big_ruleset(playbook, 500)
    print("validate(): schema pass (compiled) + semantic checks, median and best of several runs")
    med, best = _ms(lambda: validate(playbook), 30)
    print(f"  playbook ({len(playbook['rules'])} rules):   median {med:6.1f} ms, best {best:6.1f} ms  (aim < 30 ms)")
    count = len(validate(big))
    med, best = _ms(lambda: validate(big), 10)
    print(f"  500 rules:               median {med:6.1f} ms, best {best:6.1f} ms  ({count} problems)")

    print("schema pass alone, compiled checker vs jsonschema's Draft202012Validator")
    fast, reference = fast_validator("ruleset"), validator("ruleset")
    for label, doc, repeat in (("playbook", playbook, 30), ("500 rules", big, 3)):
        med_fast, _ = _ms(lambda doc=doc: fast.iter_errors(doc), repeat)
        med_ref, _ = _ms(lambda doc=doc: list(reference.iter_errors(doc)), repeat)
        print(f"  {label:<10} compiled {med_fast:7.1f} ms   jsonschema {med_ref:7.1f} ms   "
              f"({med_ref / max(med_fast, 1e-6):.0f}x)")
    med, _ = _ms(lambda: check_semantics(big), 10)
    print(f"semantic checks alone, 500 rules: median {med:.1f} ms")


if __name__ == "__main__":
    main()
