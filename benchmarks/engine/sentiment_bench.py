"""Sentiment benchmark: our linear VADER (`builder.text.sentiment`) against vaderSentiment.

Prints microseconds per message (CPU time of this process, robust to a busy machine) on the
development sentences (when `../shared/data/dev` or `HANDOFF_DEV_DATA` is there) and on generated
sentences, then the time of one long message at 10 KB ... 10 MB: ours grows linearly, VADER's
quadratically (it is only run up to `--vader-max` bytes: 100 KB already takes it ~24 s).

    .venv/bin/python benchmarks/engine/sentiment_bench.py
    .venv/bin/python benchmarks/engine/sentiment_bench.py --max-bytes 1000000 --vader-max 20000
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from builder.text.sentiment import compound  # noqa: E402
from tests.builder.text.sentence_maker import sentences  # noqa: E402

PIECE = "This is NOT good, but the bot was kind of helpful :) 😡 really?? no refund!!! I hate it. "


def per_message(score: Callable[[str], float], texts: list[str]) -> float:
    start = time.process_time()
    for text in texts:
        score(text)
    return (time.process_time() - start) / len(texts) * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-bytes", type=int, default=10_000_000)
    parser.add_argument("--vader-max", type=int, default=20_000)
    args = parser.parse_args()
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()

    def vader(text: str) -> float:
        score: float = analyzer.polarity_scores(text)["compound"]
        return score

    compound("warm up")
    dev = Path(os.environ.get("HANDOFF_DEV_DATA") or ROOT.parent / "shared" / "data" / "dev")
    sets = {"generated": list(sentences(20_000, seed=1, lexicon=sorted(analyzer.lexicon)))}
    if dev.is_dir():
        sets["dev"] = [json.loads(line)["text"] for path in sorted(dev.glob("*.jsonl"))
                       for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    print(f"{'sentences':>10} {'n':>7} {'vader µs':>9} {'ours µs':>8} {'speed-up':>8} {'differ':>6}")
    for name, texts in sets.items():
        differ = sum(compound(t) != vader(t) for t in texts)
        ours, theirs = per_message(compound, texts), per_message(vader, texts)
        print(f"{name:>10} {len(texts):>7} {theirs:>9.1f} {ours:>8.1f} {theirs / ours:>7.1f}x {differ:>6}")
    print(f"\n{'one message':>12} {'ours s':>8} {'vader s':>8}")
    size = 10_000
    while size <= args.max_bytes:
        text = (PIECE * (size // len(PIECE) + 1))[:size]
        start = time.process_time()
        ours_score = compound(text)
        ours = time.process_time() - start
        theirs = "-"
        if size <= args.vader_max:
            start = time.process_time()
            same = vader(text) == ours_score
            theirs = f"{time.process_time() - start:.3f}" + ("" if same else " (differs)")
        print(f"{size:>12,} {ours:>8.3f} {theirs:>8}")
        size *= 10
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
