"""What a decision costs the runtime beyond evaluating rules: `Decision.why`, `Decision.payload`, hooks.

Runs the example playbook over N generated conversations (seeded; 2-8 everyday visitor messages
from `benchmarks/workloads/everyday_messages.py`, most ending with a message that escalates: a
request for a person, a refund, frustration, a legal threat, buying intent...) and prints, per
escalation, the CPU time of
- `why`: `builder.engine.explain.why.explain_briefly` on the deciding rule (made when `Decision.why` is first read),
- the whole Decision (routing, reply template, payload snapshot) from `Session._decide`, without and
  with its `why` read,
- `payload`: one read of `Decision.payload` (built on demand, once per handoff),
and the conversations per CPU-second without hooks and with no-op `on_fire`/`on_decision` hooks.
Medians of `--repeat` runs; CPU time of this process (robust to other load on the machine).

    .venv/bin/python benchmarks/runtime/decision_bench.py                 # N = 5,000
    .venv/bin/python benchmarks/runtime/decision_bench.py --conversations 20000 --repeat 5
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.workloads.everyday_messages import day_of_messages
from builder import runtime
from builder.engine.explain.why import explain_briefly
from builder.paths import example_playbook


def conversations(n: int, seed: int) -> list[list[dict[str, Any]]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        at, texts = day_of_messages(rng)
        events = []
        for text in texts:
            at += timedelta(seconds=rng.randint(3, 40), microseconds=rng.randint(0, 999999))
            events.append({"at": at.isoformat(), "type": "visitor", "text": text})
        out.append(events)
    return out


def cpu(work: Callable[[], Any]) -> float:
    start = time.process_time()
    work()
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rules = runtime.load(example_playbook())
    convs = conversations(args.conversations, args.seed)

    def run(keep: list[Any] | None = None, **hooks: Any) -> None:
        for i, events in enumerate(convs):
            session = rules.session(f"c{i}", {"name": "Ana"}, **hooks)
            for event in events:
                if session.observe(event) is not None:
                    break
            if keep is not None:
                keep.append(session)

    sessions: list[Any] = []
    run(sessions)
    decided = [s for s in sessions if s.decision is not None]
    by_id = {cr.rule.id: cr for cr in rules.compiled.rules}
    pairs = [(by_id[s.decision.rule], s.state) for s in decided]
    decisions = [s.decision for s in decided]

    def whys() -> None:
        for cr, st in pairs:
            explain_briefly(cr, st)

    def decides() -> None:
        for session, (cr, st) in zip(decided, pairs, strict=True):
            session._decide(cr, st.now, False)

    def decides_and_whys() -> None:
        for session, (cr, st) in zip(decided, pairs, strict=True):
            _ = session._decide(cr, st.now, False).why

    def payloads() -> None:
        for decision in decisions:
            _ = decision.payload

    def noop(_: Any) -> None:
        return None

    per = len(decided)
    why_us = statistics.median(cpu(whys) for _ in range(args.repeat)) / per * 1e6
    decide_us = statistics.median(cpu(decides) for _ in range(args.repeat)) / per * 1e6
    decide_why_us = statistics.median(cpu(decides_and_whys) for _ in range(args.repeat)) / per * 1e6
    payload_us = statistics.median(cpu(payloads) for _ in range(args.repeat)) / per * 1e6
    plain, hooked = [], []
    for i in range(args.repeat):  # alternating, so drift on a shared machine hits both alike
        for hooks in ([{}, {"on_fire": noop, "on_decision": noop}] if i % 2 == 0
                      else [{"on_fire": noop, "on_decision": noop}, {}]):
            (hooked if hooks else plain).append(len(convs) / cpu(lambda given=hooks: run(**given)))
    print(f"{len(convs):,} conversations, {per:,} escalations (playbook, {len(rules.compiled.rules)} rules)")
    print(f"why per decision          {why_us:8.1f} µs")
    print(f"whole Decision            {decide_us:8.1f} µs  (routing, reply, payload snapshot; why made when read)")
    print(f"whole Decision, why read  {decide_why_us:8.1f} µs")
    print(f"payload per read          {payload_us:8.1f} µs")
    print(f"conversations/cpu-s       {statistics.median(plain):8,.0f}  without hooks")
    print(f"conversations/cpu-s       {statistics.median(hooked):8,.0f}  with no-op on_fire and on_decision")
    print("examples:")
    for decision in decisions[:5]:
        print("  " + decision.why)


if __name__ == "__main__":
    main()
