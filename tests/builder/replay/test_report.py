"""The HTML report and the CSV of decisions carry the numbers of the replay."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from builder.format.model import Ruleset
from builder.replay.metrics import compute
from builder.replay.report import CHART_KEYS, CSV_COLUMNS, render_html, write_decisions_csv, write_report
from builder.replay.results import ReplayResult


def ruleset() -> Ruleset:
    rules = [{"id": rid, "name": name, "enabled": True, "trigger": trigger,
              "when": {"fact": "cart.abandoned", "op": "is_true"},
              "actions": [{"type": "escalate", "handoff": "instant", "team": "support", "priority": "normal"}]}
             for rid, name, trigger in (("human", "Asks <for> a human", "explicit_request"),
                                        ("angry", "Angry visitor", "emotional"),
                                        ("quiet", "Never used", "keyword"))]
    return Ruleset.from_dict({"schema_version": 1, "metadata": {"name": "Report test", "version": "2.1.0"},
                              "rules": rules, "templates": [], "schedules": [], "channels": [],
                              "routing": {"teams": [], "offline_mode": "email", "sla": {}}})


def result(i: int, rule: str | None, trigger: str | None = None, turn: int = 1,
           expect: dict[str, Any] | None = None, passed: bool | None = None) -> ReplayResult:
    decision = {"id": f"c{i}", "escalated": rule is not None, "rule": rule, "trigger": trigger,
                "turn": turn if rule else None, "at": "2026-11-24T14:05:00Z" if rule else None,
                "handoff": "instant" if rule else None, "team": "support" if rule else None,
                "priority": "normal" if rule else None, "promise": None, "tags": ["a", "b"] if rule else []}
    misses = () if passed is not False else (("escalate", True, False),)
    return ReplayResult(i, f"c{i}", decision, expect, passed, True if rule else None, misses=misses)


RESULTS = [result(0, "human", "explicit_request", 2, {"escalate": True, "rule": "human"}, True),
           result(1, "angry", "emotional", 1),
           result(2, "angry", "emotional", 3),
           result(3, None, expect={"escalate": True}, passed=False),
           *[result(i, None) for i in range(4, 8)]]


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_html_contains_the_numbers_and_escapes_names() -> None:
    m = compute(RESULTS, ruleset())
    page = render_html(m, ruleset(), library="tiny.jsonl")
    words = text_of(page)
    assert "Conversations 8" in words and "Escalated 3" in words and "Escalation rate 37.5%" in words
    assert "above 30%" in words  # the rate's warning, in words
    assert "1 passed, 1 failed" in words
    assert "Asks &lt;for&gt; a human" in page and "Asks <for> a human" not in page
    assert "Rules that never fired: “Never used”" in words
    assert page.count("<svg") == 6 and "<img" not in page
    assert "Frustration: 2" in page  # the by-trigger bar's tooltip
    assert "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")  # self-contained


def test_png_charts_from_a_caller_replace_the_svg() -> None:
    m = compute(RESULTS, ruleset())
    page = render_html(m, ruleset(), charts={"by_hour": "hours.png"})
    assert '<img src="hours.png"' in page and page.count("<svg") == 5


def test_csv_has_one_row_per_conversation() -> None:
    out = io.StringIO()
    assert write_decisions_csv(RESULTS, out) == 8
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert (rows[0]["rule"], rows[0]["turn"], rows[0]["tags"], rows[0]["passed"]) == ("human", "2", "a b", "yes")
    assert rows[3]["escalated"] == "no" and rows[3]["passed"] == "no" and "expected True" in rows[3]["misses"]


def test_write_report_in_one_pass(tmp_path: Path) -> None:
    results = [*RESULTS, result(8, "angry", "emotional")]
    files = write_report(tmp_path / "out", iter(results), ruleset(), library="tiny.jsonl", svg_files=True)
    assert sorted(p.name for p in (tmp_path / "out" / "charts").iterdir()) == sorted(
        f"{k}.svg" for k in CHART_KEYS)
    assert files.metrics.total == 9 and files.metrics.escalated == 4
    page = files.html.read_text(encoding="utf-8")
    assert "decisions.csv" in page
    assert "fired on 33% of the 9" in text_of(page)  # analysis with the replay counts: angry 3 of 9
    assert len(files.csv.read_text(encoding="utf-8").splitlines()) == 10


def test_an_empty_library_still_renders() -> None:
    page = render_html(compute([], ruleset()), ruleset())
    words = text_of(page)
    assert "Conversations 0" in words and "No conversations were replayed." in words
    assert page.count("<svg") == 6
