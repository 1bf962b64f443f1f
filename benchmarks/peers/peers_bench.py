"""Side by side: our engine, json-rules-engine (Node) and GoRules zen-engine on the same rules and
conversations, decisions compared, visitor-turn evaluations per CPU-second.

The workload is the engine benchmark's (`benchmarks/workloads/synthetic.py`, no sentiment): R rules of
phrase lists, RE2 patterns, numeric thresholds (score, counts, bot confidence, caps), page-view
facts and the bot's intent, nested all/any 2-3 deep, every rule evaluated at every visitor turn
(`all_matches`, no stop, every-turn cooldown); its "minutes since start" thresholds become
message-count thresholds, because the peers have no timers. Each conversation is fed event by
event; a turn evaluation is one visitor message evaluated against all R rules.

How the peers get their facts (which favours them): our engine replays the conversations once
with traces on, outside any timing; every text condition (phrase list, pattern, frustration
phrases) becomes a yes/no fact of that turn, and every number or intent the conditions compare
is passed as it was at that turn (a missing value as one that fails the comparison). The peers
then evaluate the same condition trees on those facts: json-rules-engine with one Engine holding
all R rules (`engine.run(facts)` per turn, in Node: `benchmarks/peers/jre_runner.js`), zen-engine
with one expression node computing all R rules (`decision.evaluate(facts)` per turn). Their CPU
time counts the evaluation loop only; ours counts everything from the raw events (JSON-ready
dicts) — text scanning included. The rules that fire at every turn are compared; a difference is
printed and counted.

CPU time, not wall time: the machine may be shared. One run prints all three and the ratios.
By default each engine's first and only pass is timed (cold: our typo finder meets each of the
workload's ~3,000 random words for the first time, Node's JIT compiles json-rules-engine while it
runs); `--warm` times a second pass over the same turns for all three, after an untimed first one
(what a long-running service sees).

    cd benchmarks/peers && npm ci          # json-rules-engine, pinned in package-lock.json
    pip install zen-engine                 # or: pip install -e '.[bench]'
    .venv/bin/python benchmarks/peers/peers_bench.py                      # R = 30, 60, 240
    .venv/bin/python benchmarks/peers/peers_bench.py --rules 60 --conversations 2000
    .venv/bin/python benchmarks/peers/peers_bench.py --rules 60 --warm

Node (`node` on PATH, `node_modules` here) or zen-engine missing: that peer is skipped, said so.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.workloads.synthetic import conversations, make_ruleset  # noqa: E402

MISSING_LOW, MISSING_HIGH = -1e18, 1e18  # a missing number fails gt/gte, resp. lt/lte
JRE_OPS = {"gt": "greaterThan", "gte": "greaterThanInclusive", "lt": "lessThan", "lte": "lessThanInclusive",
           "in": "in", "eq": "equal"}
ZEN_OPS = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "eq": "=="}
TEXT_FACTS = ("message.text", "message.frustration", "conversation.text")


def workload(rules: int, n: int, seed: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    document, phrases = make_ruleset(rules, seed, emotion=False)

    def no_timers(node: dict[str, Any]) -> None:
        for key in ("all", "any"):
            for child in node.get(key, ()):
                no_timers(child)
        if "not" in node:
            no_timers(node["not"])
        if node.get("fact") == "time.minutes_since_start":
            node.update(fact="conversation.message_count", op="gte", value=int(node["value"]) + 10)

    for rule in document["rules"]:
        no_timers(rule["when"])
    return document, list(conversations(n, seed, phrases))


def leaves(node: dict[str, Any], out: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The leaves of a condition tree in document order (the order the trace lists them too)."""
    if "fact" in node:
        out.append(node)
    for key in ("all", "any"):
        for child in node.get(key, ()):
            leaves(child, out)
    if "not" in node:
        leaves(node["not"], out)
    return out


def trace_leaves(node: dict[str, Any], out: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if "conditions" not in node:
        out.append(node)
        return out
    for child in node["conditions"]:
        trace_leaves(child, out)
    return out


def fact_name(rule: int, index: int, leaf: dict[str, Any]) -> str:
    if leaf["fact"] in TEXT_FACTS:
        return f"t{rule}_{index}"  # a yes/no fact of this turn
    side = "lo" if leaf["op"] in ("lt", "lte") else "hi"
    return f"{leaf['fact'].replace('.', '_')}_{leaf.get('param', '').strip('/*') or 'x'}_{side}"


def ours(document: dict[str, Any], convs: list[dict[str, Any]], warm: bool = False) -> tuple[list[list[str]], float]:
    """Fired rule ids per visitor turn and the CPU seconds of our engine doing the whole job
    (`warm`: after one untimed pass over the same conversations on the same compiled rules)."""
    from builder.engine import compile_ruleset
    from builder.engine.session import Session
    from builder.format.model import Ruleset

    compiled = compile_ruleset(Ruleset.from_dict(document))
    ids = [cr.rule.id for cr in compiled.rules]
    for _ in range(2 if warm else 1):  # the last pass is the timed one
        logs: list[tuple[list[tuple[int, int, float, bool]], list[int]]] = []
        start = time.process_time()
        for conv in convs:
            session = Session(compiled, conv["id"], conv["visitor"])
            log = session._fired  # (rule position, turn, instant, escalated) per firing, appended
            marks = [0]  # where the log stood after each visitor turn (read out after the clock stops)
            for event in conv["events"]:
                session.observe(event)
                if event["type"] == "visitor":
                    marks.append(len(log))
            logs.append((log, marks))
        cpu = time.process_time() - start
    fired = [sorted(ids[entry[0]] for entry in log[a:b]) for log, marks in logs
             for a, b in itertools.pairwise(marks)]
    return fired, cpu


def peer_facts(document: dict[str, Any], convs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Facts per visitor turn for the peers, read from our engine's traces (untimed)."""
    from builder.engine import compile_ruleset
    from builder.engine.session import Session
    from builder.format.model import Ruleset

    compiled = compile_ruleset(Ruleset.from_dict(document))
    shapes = [leaves(rule["when"], []) for rule in document["rules"]]
    turns = []
    for conv in convs:
        session = Session(compiled, conv["id"], conv["visitor"], trace=True)
        for event in conv["events"]:
            session.observe(event)
        for evaluation in session.turns:
            if evaluation.timer:
                continue
            facts: dict[str, Any] = {}
            for r, (rule_trace, shape) in enumerate(zip(evaluation.trace, shapes, strict=True)):
                traced = trace_leaves(rule_trace["conditions"][0], [])
                for i, (leaf, seen) in enumerate(zip(shape, traced, strict=True)):
                    name = fact_name(r, i, leaf)
                    if leaf["fact"] in TEXT_FACTS:
                        facts[name] = bool(seen["held"])
                    elif leaf["op"] == "in":
                        facts[name] = seen["actual"] if isinstance(seen["actual"], str) else ""
                    elif seen["actual"] is None:
                        facts[name] = MISSING_HIGH if leaf["op"] in ("lt", "lte") else MISSING_LOW
                    else:
                        facts[name] = seen["actual"]
            turns.append(facts)
    return turns


def jre_rules(document: dict[str, Any]) -> list[dict[str, Any]]:
    def cond(node: dict[str, Any], r: int, counter: list[int]) -> dict[str, Any]:
        if "fact" in node:
            i = counter[0]
            counter[0] += 1
            name = fact_name(r, i, node)
            if node["fact"] in TEXT_FACTS:
                return {"fact": name, "operator": "equal", "value": True}
            return {"fact": name, "operator": JRE_OPS[node["op"]], "value": node["value"]}
        if "not" in node:
            return {"not": cond(node["not"], r, counter)}
        key = "all" if "all" in node else "any"
        return {key: [cond(child, r, counter) for child in node[key]]}

    out = []
    for r, rule in enumerate(document["rules"]):
        top = cond(rule["when"], r, [0])
        if "fact" in top or "not" in top:
            top = {"all": [top]}
        out.append({"conditions": top, "event": {"type": rule["id"]}})
    return out


def zen_graph(document: dict[str, Any]) -> dict[str, Any]:
    def expr(node: dict[str, Any], r: int, counter: list[int]) -> str:
        if "fact" in node:
            i = counter[0]
            counter[0] += 1
            name = fact_name(r, i, node)
            if node["fact"] in TEXT_FACTS:
                return name
            if node["op"] == "in":
                return f"({name} in {json.dumps(node['value'])})"
            return f"({name} {ZEN_OPS[node['op']]} {node['value']})"
        if "not" in node:
            return f"not ({expr(node['not'], r, counter)})"
        key = "all" if "all" in node else "any"
        joiner = " and " if key == "all" else " or "
        return "(" + joiner.join(expr(child, r, counter) for child in node[key]) + ")"

    expressions = [{"id": f"e{r}", "key": rule["id"], "value": expr(rule["when"], r, [0])}
                   for r, rule in enumerate(document["rules"])]
    at = {"x": 0, "y": 0}
    return {"nodes": [{"id": "in", "type": "inputNode", "name": "facts", "position": at},
                      {"id": "rules", "type": "expressionNode", "name": "rules", "position": at,
                       "content": {"expressions": expressions}},
                      {"id": "out", "type": "outputNode", "name": "fired", "position": at}],
            "edges": [{"id": "a", "sourceId": "in", "targetId": "rules", "type": "edge"},
                      {"id": "b", "sourceId": "rules", "targetId": "out", "type": "edge"}]}


def run_jre(document: dict[str, Any], turns: list[dict[str, Any]], warm: bool = False
            ) -> tuple[list[list[str]], float] | str:
    node = shutil.which("node")
    if node is None:
        return "skipped: node is not on PATH"
    if not (HERE / "node_modules" / "json-rules-engine").is_dir():
        return "skipped: run `npm ci` in benchmarks/peers"
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({"rules": jre_rules(document), "turns": turns, "warm": warm}, handle)
    try:
        out = subprocess.run([node, str(HERE / "jre_runner.js"), handle.name], cwd=HERE, capture_output=True,
                             text=True, check=True)
    finally:
        os.unlink(handle.name)
    result = json.loads(out.stdout)
    return [sorted(f) for f in result["fired"]], float(result["cpu_s"])


def run_zen(document: dict[str, Any], turns: list[dict[str, Any]], warm: bool = False
            ) -> tuple[list[list[str]], float] | str:
    try:
        import zen
    except ImportError:
        return "skipped: zen-engine is not installed (pip install zen-engine)"
    decision = zen.ZenEngine().create_decision(json.dumps(zen_graph(document)))
    if warm:
        for facts in turns:
            decision.evaluate(facts)
    fired = []
    start = time.process_time()
    for facts in turns:
        result = decision.evaluate(facts)["result"]
        fired.append([rid for rid, held in result.items() if held is True])
    cpu = time.process_time() - start
    return [sorted(f) for f in fired], cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, nargs="+", default=[30, 60, 240])
    parser.add_argument("--conversations", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--warm", action="store_true",
                        help="time each engine's second pass over the same turns (the first warms caches and JITs)")
    args = parser.parse_args()
    print(f"{'R':>4} {'turns':>7} {'ours/cpu-s':>11} {'jre/cpu-s':>10} {'zen/cpu-s':>10} {'vs jre':>7} {'vs zen':>7}"
          f"  decisions")
    for rules in args.rules:
        document, convs = workload(rules, args.conversations, args.seed)
        fired, cpu = ours(document, convs, args.warm)
        turns = peer_facts(document, convs)
        assert len(turns) == len(fired)
        rate = len(fired) / cpu
        cells, notes = [], []
        for name, result in (("json-rules-engine", run_jre(document, turns, args.warm)),
                             ("zen-engine", run_zen(document, turns, args.warm))):
            if isinstance(result, str):
                cells.append(None)
                notes.append(f"{name} {result}")
                continue
            peer_fired, peer_cpu = result
            differ = sum(1 for a, b in zip(fired, peer_fired, strict=True) if a != b)
            cells.append(len(peer_fired) / peer_cpu)
            notes.append(f"{name}: {'identical' if differ == 0 else f'{differ} turns differ'}")
        jre, zen_rate = cells

        def show(v: float | None) -> str:
            return "-" if v is None else f"{v:,.0f}"

        def ratio(v: float | None, ours: float = rate) -> str:
            return "-" if v is None else f"{ours / v:.1f}x"

        print(f"{rules:>4} {len(fired):>7,} {rate:>11,.0f} {show(jre):>10} {show(zen_rate):>10} {ratio(jre):>7}"
              f" {ratio(zen_rate):>7}  {'; '.join(notes)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
