"""Engine benchmark: visitor-turn evaluations per second, wall time and peak memory.

Generates (seeded) a ruleset of R rules — phrase lists of 5-30 phrases, a few RE2 patterns,
numeric thresholds, nested all/any 2-3 deep; 70% are keyword rules (a phrase list AND further
conditions), 30% behavioural/emotional rules without a required phrase — and N conversations of
3-15 visitor turns of 5-40 words (some containing trigger phrases), both from
`benchmarks/workloads/synthetic.py`, then replays them through the one compiled engine on one core.
The ruleset runs in `all_matches` mode with `stop: false` and `every_turn` cooldowns, so every rule
is decided at every turn (nothing is cut short by first-match). A rule whose gate fails (no required
phrase in the message, no threshold crossed, see `builder.engine.index`) is decided false without
walking its tree (`--full-walk` walks every tree, for comparison; "ungated" counts the rules walked
at every turn).
Conversations are generated in chunks outside the timed section and never all held in memory.
A session is dropped once its conversation is counted, as a chatbot drops a finished one: keeping
a chunk's 1,000 finished sessions for counting afterwards made the garbage collector trace them
again and again (measured: GC 0.63 s of 4.5 CPU-s, against 0.17 s when they are dropped).
"turns/cpu-s" is visitor turns per second of this process's CPU time (one core, robust to other
load on the machine); "turns/wall-s" is the same against the wall clock.

    .venv/bin/python benchmarks/engine/engine_bench.py                 # R = 30, 60, 240 x N = 20k, 100k
    .venv/bin/python benchmarks/engine/engine_bench.py --rules 60 --conversations 20000
    .venv/bin/python benchmarks/engine/engine_bench.py --full-walk     # no phrase-gate shortcut (see below)
    .venv/bin/python benchmarks/engine/engine_bench.py --emotion       # also sentiment/repetition facts
    .venv/bin/python benchmarks/engine/engine_bench.py --no-typo       # phrase conditions exact (format v1)
    .venv/bin/python benchmarks/engine/engine_bench.py --playbook      # the shipped playbook, same messages
    .venv/bin/python benchmarks/engine/engine_bench.py --long-word     # one 200 KB word (issue #23)

Each configuration runs in a fresh subprocess so that its peak RSS (`ru_maxrss`) is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.workloads.synthetic import conversations, make_ruleset  # noqa: E402

CHUNK = 1000


def _typo_off(node: Any) -> None:
    """Every phrase condition of a condition tree made exact (`--no-typo`)."""
    if isinstance(node, dict):
        if node.get("op") in ("contains_any", "contains_none", "near"):
            node["typo"] = False
        for child in node.values():
            _typo_off(child)
    elif isinstance(node, list):
        for child in node:
            _typo_off(child)


# What `--playbook` plants in 15% of the messages: the same for every version of the playbook.
PLAYBOOK_PHRASES = ["refund", "human", "agent", "talk to a human", "charged twice", "my card was stolen",
                    "complaint", "cancel my order", "useless", "agnet", "refnud", "I don't need a human"]


def playbook_document() -> tuple[dict[str, Any], list[str]]:
    """The playbook shipped beside this script (so an older checkout measures its own)."""
    path = ROOT / "resources" / "examples" / "playbook.json"
    return json.loads(path.read_text(encoding="utf-8")), PLAYBOOK_PHRASES


def run_one(rules: int, n: int, seed: int, full_walk: bool, emotion: bool,
            keyword_share: float = 0.7, typo: bool = True, playbook: bool = False) -> dict[str, Any]:
    from builder.engine import compile_ruleset
    from builder.engine.session import Session
    from builder.format.model import Ruleset
    from rules_schema.migrate import migrate

    document, phrases = playbook_document() if playbook else make_ruleset(rules, seed, emotion, keyword_share)
    document = migrate(document)
    if not typo:
        _typo_off(document["rules"])
    t0 = time.perf_counter()
    compiled = compile_ruleset(Ruleset.from_dict(document))
    compile_s = time.perf_counter() - t0
    if full_walk:  # no index: every rule's tree is walked at every turn
        from builder.engine.index import without_index

        compiled = without_index(compiled)
    turns = evaluations = escalated = fired = 0
    engine_s = cpu_s = 0.0
    wall0 = time.perf_counter()
    stream = conversations(n, seed, phrases)
    while True:
        chunk = [c for _, c in zip(range(CHUNK), stream, strict=False)]
        if not chunk:
            break
        t = time.perf_counter()
        c = time.process_time()
        for conv in chunk:
            session = Session(compiled, conv["id"], conv["visitor"])
            for event in conv["events"]:
                if session.observe(event) is not None:
                    break
            # counted here, then dropped as a chatbot drops a finished conversation (see the docstring)
            turns += session.state.turn
            fired += session.firing_count
            escalated += session.decision is not None
        cpu_s += time.process_time() - c
        engine_s += time.perf_counter() - t
    evaluations = turns * len(compiled.rules)
    return {
        "rules": rules, "conversations": n, "phrases": len(compiled.sources.matcher.phrases),
        "turns": turns, "turns_per_cpu_s": round(turns / cpu_s), "turns_per_wall_s": round(turns / engine_s),
        "rule_evaluations_per_cpu_s": round(evaluations / cpu_s), "firings_per_turn": round(fired / turns, 2),
        "engine_cpu_s": round(cpu_s, 2), "engine_s": round(engine_s, 2),
        "wall_s": round(time.perf_counter() - wall0, 2), "compile_s": round(compile_s, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "escalated": escalated, "full_walk": full_walk, "emotion": emotion, "keyword_share": keyword_share,
        "ungated_rules": len(compiled.always), "typo": typo, "playbook": playbook,
    }


def long_word() -> int:
    """Seconds for one message made of one 200 KB word (the old matcher took 7.3 s on it)."""
    from builder.engine import compile_ruleset
    from builder.format.model import Ruleset
    from rules_schema.migrate import migrate

    compiled = compile_ruleset(Ruleset.from_dict(migrate(playbook_document()[0])))
    for word in ("x" * 200_000, "cancel" + "x" * 200_000, "agnet" + "x" * 200_000):
        session = compiled.session("long")
        t = time.process_time()
        session.observe({"at": "2026-11-24T10:00:00Z", "type": "visitor", "text": word})
        print(f"one {len(word):,}-character word starting {word[:8]!r}: {time.process_time() - t:.3f} cpu-s")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rules", type=int, action="append", help="R (repeatable; default 30, 60, 240)")
    parser.add_argument("--conversations", type=int, action="append", help="N (repeatable; default 20000, 100000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--full-walk", action="store_true",
                        help="walk every rule's condition tree even when its required phrases are absent")
    parser.add_argument("--emotion", action="store_true", help="also use sentiment and repetition facts")
    parser.add_argument("--keyword-share", type=float, default=0.7,
                        help="share of keyword rules (a required phrase list); the rest are behavioural")
    parser.add_argument("--no-typo", action="store_true", help="phrase conditions match exact words only")
    parser.add_argument("--playbook", action="store_true",
                        help="the shipped playbook (its group words planted in the messages) instead of R rules")
    parser.add_argument("--long-word", action="store_true",
                        help="issue #23: one visitor message of a single 200 KB word through the shipped playbook")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.long_word:
        return long_word()
    rules = args.rules or [30, 60, 240]
    sizes = args.conversations or [20_000, 100_000]
    if args.one:
        print(json.dumps(run_one(rules[0], sizes[0], args.seed, args.full_walk, args.emotion, args.keyword_share,
                                 typo=not args.no_typo, playbook=args.playbook)))
        return 0
    print(f"{'R':>4} {'N':>7} {'phrases':>7} {'ungated':>7} {'turns':>8} {'turns/cpu-s':>11} {'turns/wall-s':>12} "
          f"{'rule evals/cpu-s':>16} {'fired/turn':>10} {'engine cpu s':>12} {'wall s':>7} {'peak MB':>8}")
    for r in rules:
        for n in sizes:
            cmd = [sys.executable, __file__, "--one", "--rules", str(r), "--conversations", str(n),
                   "--seed", str(args.seed), "--keyword-share", str(args.keyword_share)] + \
                  (["--full-walk"] if args.full_walk else []) + \
                  (["--no-typo"] if args.no_typo else []) + (["--playbook"] if args.playbook else []) + \
                  (["--emotion"] if args.emotion else [])
            res = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
            print(f"{r:>4} {n:>7} {res['phrases']:>7} {res['ungated_rules']:>7} {res['turns']:>8} "
                  f"{res['turns_per_cpu_s']:>11,} "
                  f"{res['turns_per_wall_s']:>12,} {res['rule_evaluations_per_cpu_s']:>16,} "
                  f"{res['firings_per_turn']:>10} {res['engine_cpu_s']:>12} {res['wall_s']:>7} "
                  f"{res['peak_rss_mb']:>8}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
