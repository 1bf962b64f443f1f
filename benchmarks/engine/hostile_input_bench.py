"""Hostile-input benchmark (issue #23): very long messages and very long conversations through
`handoff-builder simulate`, each in a fresh subprocess, timed, with its peak memory.

Cases: one visitor message of 1 MB and of 10 MB (ordinary words, seeded), and one conversation of
100,000 visitor turns (short varied questions). Each runs on the example playbook and, with
`--no-sentiment`, on a copy without its one sentiment condition (VADER is quadratic on one long
message until the linear sentiment lands; the copy shows what every other stage costs).

    .venv/bin/python benchmarks/engine/hostile_input_bench.py                    # all cases, both rulesets
    .venv/bin/python benchmarks/engine/hostile_input_bench.py --cases 1mb --timeout 120
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
WORDS = ("where is my order the invoice was wrong please check again thanks parcel delivery refund account "
         "password reset shipping today tomorrow week price plan upgrade cancel subscription help question "
         "number email address store payment card charged twice").split()
AT = "2026-11-24T09:00:00Z"


def message(size: int, seed: int = 23) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < size:
        word = rng.choice(WORDS)
        parts.append(word)
        total += len(word) + 1
    return " ".join(parts)[:size]


def long_message_case(size: int) -> dict[str, Any]:
    return {"id": f"message-{size}", "events": [{"at": AT, "type": "visitor", "text": message(size)}]}


def many_turns_case(turns: int) -> dict[str, Any]:
    rng = random.Random(7)
    events = []
    for i in range(turns):
        minute, second = divmod(i, 60)
        at = f"2026-11-24T{9 + minute // 60 % 12:02d}:{minute % 60:02d}:{second:02d}Z"
        text = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(WORDS)} {i % 997}"
        events.append({"at": at, "type": "visitor", "text": text})
    return {"id": f"turns-{turns}", "events": events}


def without_sentiment(playbook: dict[str, Any]) -> dict[str, Any]:
    """The playbook with every `message.sentiment` condition dropped (and the content hash)."""
    def keep(node: Any) -> Any:
        if isinstance(node, dict):
            if node.get("fact") in ("message.sentiment", "conversation.lowest_sentiment"):
                return None
            out = {}
            for key, value in node.items():
                if key in ("all", "any"):
                    value = [k for k in (keep(v) for v in value) if k is not None]
                out[key] = value
            return out
        return node

    copy = json.loads(json.dumps(playbook))
    copy["metadata"].pop("content_hash", None)
    for rule in copy["rules"]:
        rule["when"] = keep(rule["when"])
    return copy


def run(ruleset: Path, conversations: Path, out: Path, timeout: float, trace: bool) -> tuple[str, float, float]:
    """(result, wall seconds, peak resident MB) of one `simulate` subprocess."""
    args = [sys.executable, "-m", "builder", "simulate", str(ruleset), str(conversations), "-o", str(out)]
    if trace:
        args.append("--trace")
    started = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, stderr=subprocess.DEVNULL)
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            seconds = time.perf_counter() - started
            code = os.waitstatus_to_exitcode(status)
            return ("ok" if code == 0 else f"exit {code}"), seconds, usage.ru_maxrss / 1024
        if time.perf_counter() - started > timeout:
            proc.kill()
            _, _, usage = os.wait4(proc.pid, 0)
            return f">{timeout:.0f} s", time.perf_counter() - started, usage.ru_maxrss / 1024
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", nargs="+", default=["1mb", "10mb", "100k-turns"],
                        choices=["1mb", "10mb", "100k-turns"])
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per run (default 300)")
    parser.add_argument("--rulesets", nargs="+", default=["playbook", "no-sentiment"],
                        choices=["playbook", "no-sentiment"])
    parser.add_argument("--trace", action="store_true", help="also run each with --trace")
    args = parser.parse_args()
    playbook = json.loads((ROOT / "resources" / "examples" / "playbook.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        rulesets = {"playbook": ROOT / "resources" / "examples" / "playbook.json",
                    "no-sentiment": tmp / "no-sentiment.json"}
        rulesets["no-sentiment"].write_text(json.dumps(without_sentiment(playbook)), encoding="utf-8")
        makers = {"1mb": lambda: long_message_case(1_000_000), "10mb": lambda: long_message_case(10_000_000),
                  "100k-turns": lambda: many_turns_case(100_000)}
        print(f"{'case':<12}{'ruleset':<14}{'trace':<7}{'result':<11}{'seconds':>9}{'peak MB':>9}")
        for case in args.cases:
            path = tmp / f"{case}.jsonl"
            path.write_text(json.dumps(makers[case]()) + "\n", encoding="utf-8")
            for name in args.rulesets:
                for trace in ([False, True] if args.trace else [False]):
                    result, seconds, peak = run(rulesets[name], path, tmp / "out.jsonl", args.timeout, trace)
                    print(f"{case:<12}{name:<14}{'yes' if trace else 'no':<7}{result:<11}{seconds:>9.1f}"
                          f"{peak:>9.0f}", flush=True)


if __name__ == "__main__":
    main()
