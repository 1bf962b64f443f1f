"""How long `rules_schema.validate` takes: the example playbook, and a 500-rule ruleset cold, warm
and after one edit (what the editor pays on each keystroke). Prints figures; asserts nothing.

    .venv/bin/python benchmarks/validate_bench.py
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rules_schema import validate  # noqa: E402
from rules_schema.validate import clear_cache  # noqa: E402


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
    validate(playbook)  # build the validators once, as a running app has
    med, best = _ms(lambda: validate(playbook), 30, before=clear_cache)
    print(f"playbook ({len(playbook['rules'])} rules), cold rule cache: median {med:.1f} ms, best {best:.1f} ms")
    med, best = _ms(lambda: validate(playbook), 30)
    print(f"playbook, warm rule cache:                 median {med:.1f} ms, best {best:.1f} ms")

    big = big_ruleset(playbook, 500)
    count = len(validate(big))
    med, best = _ms(lambda: validate(big), 5, before=clear_cache)
    print(f"500 rules, cold (first load):              median {med:.0f} ms, best {best:.0f} ms ({count} problems)")
    med, best = _ms(lambda: validate(big), 10)
    print(f"500 rules, warm (nothing changed):         median {med:.1f} ms, best {best:.1f} ms")
    edits = iter(range(10_000))

    def edit() -> None:
        big["rules"][250]["name"] = f"Edited {next(edits)}"

    med, best = _ms(lambda: validate(big), 10, before=edit)
    print(f"500 rules, after editing one rule:         median {med:.1f} ms, best {best:.1f} ms")


if __name__ == "__main__":
    main()
