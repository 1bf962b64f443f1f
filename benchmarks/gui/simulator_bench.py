"""Simulator benchmark: one visitor turn (type + Enter, evaluate with trace, redraw chat, explanation,
handoff) on a 200-rule ruleset. Target: under 50 ms a turn.

The ruleset is the engine benchmark's (`benchmarks/workloads/synthetic.py`; seeded, `all_matches`,
no stop, every-turn cooldown), so every rule is evaluated and explained at every turn — the worst
case for the explanation. Messages mix everyday words with trigger phrases. Offscreen; the window
is shown and painted.

    .venv/bin/python benchmarks/gui/simulator_bench.py [--rules 200] [--turns 30]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rules", type=int, default=200)
    parser.add_argument("--turns", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from benchmarks.workloads.synthetic import make_ruleset, vocabulary
    from builder.editing.document import Document
    from builder.engine import compile_ruleset
    from builder.format.model import Ruleset
    from widgets.simulator import SimulatorPage

    app = QApplication.instance() or QApplication([])
    document_dict, phrases = make_ruleset(args.rules, args.seed, emotion=True)
    ruleset = Ruleset.from_dict(document_dict)
    document = Document(ruleset)
    rng = random.Random(args.seed)
    words = vocabulary(random.Random(args.seed))[1500:]
    messages = []
    for _ in range(args.turns):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(5, 25)))
        if rng.random() < 0.5:
            text += " " + rng.choice(phrases)
        messages.append(text.upper() if rng.random() < 0.1 else text)

    started = time.perf_counter()
    page = SimulatorPage(document)
    page.resize(1280, 800)
    page.show()
    app.processEvents()
    print(f"page built: {(time.perf_counter() - started) * 1000:.0f} ms ({args.rules} rules)")

    totals, explain = [], []
    for text in messages:
        page.sim.advance(__import__("datetime").timedelta(seconds=20))
        page.chat.input.setText(text)
        t0 = time.perf_counter()
        page.chat.input.returnPressed.emit()  # Enter: evaluate, redraw everything
        app.processEvents()  # paint
        totals.append((time.perf_counter() - t0) * 1000)
        page._explained = None  # force the redraw the turn just did
        t1 = time.perf_counter()
        page._refresh_explanation()
        app.processEvents()
        explain.append((time.perf_counter() - t1) * 1000)

    compiled = compile_ruleset(ruleset)
    session = compiled.session("bench", trace=True)
    engine = []
    for i, text in enumerate(messages):
        t0 = time.perf_counter()
        session.observe({"at": f"2026-11-24T10:{i // 3:02d}:{(i % 3) * 20:02d}Z", "type": "visitor", "text": text})
        engine.append((time.perf_counter() - t0) * 1000)

    rows = sum(1 for _ in page.explanation.model.rows())
    t0 = time.perf_counter()
    page.rerun()
    app.processEvents()
    rerun = (time.perf_counter() - t0) * 1000

    def line(name: str, values: list[float]) -> str:
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
        return (f"{name:<34} min {min(values):6.1f}   median {statistics.median(values):6.1f}   "
                f"p95 {p95:6.1f}   max {max(values):6.1f} ms")

    print(f"{args.turns} turns, {rows} explanation rows at the last turn")
    print(line("turn (type, evaluate, render)", totals))
    print(line("  of which engine observe+trace", engine))
    print(line("  explanation redraw alone", explain))
    print(f"{'edit a rule: recompile + replay':<34} {rerun:6.1f} ms ({args.turns} turns)")
    verdict = "OK" if statistics.median(totals) < 50 else "OVER TARGET"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"target < 50 ms/turn (median): {verdict}   (load average {load:.1f}; other work on the machine inflates)")
    page.disconnect_document()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
