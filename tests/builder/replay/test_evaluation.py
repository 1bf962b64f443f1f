"""`builder.replay.utterances` and `handoff-builder evaluate` on a tiny hand-written ruleset and utterance file."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from builder.cli import evaluate as evaluate_command
from builder.cli import main
from builder.cli._common import Progress
from builder.engine import compile_ruleset
from builder.format.model import Ruleset
from builder.replay.utterances import (
    REFERENCE_DAY,
    EvaluationReport,
    LineProblem,
    Utterance,
    evaluate,
    evaluation_instant,
    format_table,
    in_half,
    read_utterances,
    utterance_conversation,
)
from rules_schema.migrate import migrate

DOCUMENT: dict[str, Any] = {
    "schema_version": 1,
    "metadata": {"name": "Tiny"},
    "settings": {"default_schedule": "office"},
    "rules": [
        {
            "id": "human",
            "name": "Asks for a human",
            "enabled": True,
            "trigger": "explicit_request",
            "when": {"fact": "message.text", "op": "contains_any", "value": ["human"]},
            "actions": [{"type": "escalate", "handoff": "instant", "team": "support", "priority": "high"}],
        },
        {
            "id": "refund",
            "name": "Refunds",
            "enabled": True,
            "trigger": "complex",
            "when": {"fact": "message.text", "op": "contains_any", "value": ["refund"]},
            "actions": [{"type": "escalate", "handoff": "instant", "team": "support", "priority": "normal"}],
        },
        {
            "id": "open-only",
            "name": "Only while open",
            "enabled": True,
            "trigger": "keyword",
            "when": {
                "all": [
                    {"fact": "message.text", "op": "contains_any", "value": ["hours"]},
                    {"fact": "time.in_business_hours", "op": "is_true"},
                ]
            },
            "actions": [{"type": "escalate", "handoff": "instant", "team": "support", "priority": "low"}],
        },
    ],
    "templates": [],
    "schedules": [
        {
            "id": "office",
            "name": "Office",
            "timezone": "America/New_York",
            "weekly": [{"day": d, "start": "09:00", "end": "17:00"} for d in ("mon", "tue", "wed", "thu", "fri")],
        }
    ],
    "routing": {
        "teams": [{"id": "support", "name": "Support", "schedule": "office"}],
        "offline_mode": "email",
        "sla": {"normal": {"minutes": 60, "clock": "business"}},
    },
    "channels": [],
}

LINES = [
    {"text": "I want a human", "trigger": "human_request", "label": "contact_human_agent"},
    {"text": "where is my refund?", "trigger": "refund_cancel_billing", "label": "track_refund"},
    {"text": "Can I talk to a HUMAN", "trigger": "human_request", "label": "contact_human_agent"},
    {"text": "what are your opening hours", "trigger": "none", "label": "hours"},
    {"text": "do you ship to Norway?", "trigger": "none", "label": "delivery"},
    {"text": "a refund please", "trigger": "none", "label": "odd_one"},
]


def ruleset(document: dict[str, Any] | None = None) -> Ruleset:
    """The document as a file of its version reads (version 1: phrase conditions match exactly)."""
    return Ruleset.from_dict(migrate(copy.deepcopy(document or DOCUMENT)))


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    ruleset_path = tmp_path / "tiny.json"
    ruleset_path.write_text(json.dumps(DOCUMENT), encoding="utf-8")
    utterances = tmp_path / "utterances.jsonl"
    utterances.write_text("".join(json.dumps(line) + "\n" for line in LINES), encoding="utf-8")
    return ruleset_path, utterances


def test_reading_reports_bad_lines_with_their_number() -> None:
    lines = [
        '{"text": "hi", "trigger": "none"}\n',
        "\n",
        "not json\n",
        '["a list"]\n',
        '{"text": 3, "trigger": "none"}\n',
        '{"text": "x"}\n',
        '{"text": "y", "trigger": "urgency", "label": 7}\n',
    ]
    items = list(read_utterances(lines))
    assert items[0] == Utterance("hi", "none", "", 1)
    problems = [i for i in items if isinstance(i, LineProblem)]
    assert [p.line for p in problems] == [3, 4, 5, 6]
    assert str(problems[0]).startswith("line 3: not JSON")
    assert "trigger" in problems[3].message
    assert items[-1] == Utterance("y", "urgency", "", 7)


def test_halves_split_by_line_number() -> None:
    even, odd = Utterance("a", "none", line=2), Utterance("b", "none", line=3)
    assert in_half(even, "even") and not in_half(even, "odd")
    assert in_half(odd, "odd") and not in_half(odd, "even")
    assert in_half(even, "all") and in_half(odd, "all")


def test_the_instant_is_a_working_weekday_at_ten_in_the_schedules_zone() -> None:
    at = evaluation_instant(ruleset())
    assert (at.hour, at.minute) == (10, 0) and at.weekday() < 5
    assert str(at.tzinfo) == "America/New_York"
    assert at.date() == REFERENCE_DAY


def test_the_instant_skips_a_closed_day() -> None:
    doc = copy.deepcopy(DOCUMENT)
    doc["schedules"][0]["closures"] = [{"date": REFERENCE_DAY.isoformat(), "name": "Company day off"}]
    at = evaluation_instant(ruleset(doc))
    assert at.date() > REFERENCE_DAY and at.weekday() < 5 and at.hour == 10


def test_an_utterance_is_a_one_message_conversation() -> None:
    at = datetime(2026, 11, 25, 10, 0).astimezone()
    conversation = utterance_conversation(Utterance("hello", "none", line=4), at)
    assert conversation["id"] == "u-4"
    assert conversation["events"] == [{"at": at.isoformat(), "type": "visitor", "text": "hello"}]


def test_evaluate_counts_per_label_with_trigger_kinds_and_rules(files: tuple[Path, Path]) -> None:
    compiled = compile_ruleset(ruleset())
    report = evaluate(compiled, read_utterances(files[1]))
    human, refund, none = report.stats("human_request"), report.stats("refund_cancel_billing"), report.stats("none")
    assert (human.count, human.escalated, dict(human.kinds)) == (2, 2, {"explicit_request": 2})
    assert human.kind_rate("explicit_request") == 1.0
    assert (refund.count, refund.escalated, dict(refund.rules)) == (1, 1, {"refund": 1})
    # "opening hours" escalates only because the instant is inside business hours
    assert (none.count, none.escalated, dict(none.kinds)) == (3, 2, {"keyword": 1, "complex": 1})
    assert report.none_rate == pytest.approx(2 / 3)
    assert report.total == 6 and report.problems == []
    assert report.stats("urgency").count == 0 and report.stats("urgency").rate == 0.0


def test_evaluate_by_dataset_label_and_by_half(files: tuple[Path, Path]) -> None:
    compiled = compile_ruleset(ruleset())
    by_label = evaluate(compiled, read_utterances(files[1]), by="label")
    assert set(by_label.labels) == {"contact_human_agent", "track_refund", "hours", "delivery", "odd_one"}
    even = evaluate(compiled, read_utterances(files[1]), half="even")
    assert even.total == 3 and even.stats("human_request").count == 0


def test_reports_merge_and_serialise(files: tuple[Path, Path]) -> None:
    compiled = compile_ruleset(ruleset())
    one = evaluate(compiled, read_utterances(files[1]))
    two = evaluate(compiled, read_utterances(files[1]))
    one.merge(two)
    data = one.to_dict()
    assert data["total"] == 12
    assert list(data["labels"]) == ["human_request", "refund_cancel_billing", "none"]
    assert data["labels"]["human_request"] == {
        "count": 4,
        "escalated": 4,
        "rate": 1.0,
        "kinds": {"explicit_request": 4},
        "rules": {"human": 4},
        "expected": {"human_request": 4},
    }
    assert data["by"] == "trigger"
    assert json.loads(json.dumps(data)) == data


def test_table_has_a_row_per_label_and_the_false_alarm_line() -> None:
    report = EvaluationReport(at=evaluation_instant(ruleset()))
    assert "no 'none' utterances" in format_table(report)
    compiled = compile_ruleset(ruleset())
    report = evaluate(compiled, [Utterance("human!", "human_request", line=1), Utterance("hi", "none", line=2)])
    table = format_table(report).splitlines()
    assert table[0].split() == ["label", "count", "escalated", "rate", "trigger", "kinds", "that", "fired"]
    assert table[2].split() == ["human_request", "1", "1", "100.0%", "explicit_request", "1"]
    assert table[3].split() == ["none", "1", "0", "0.0%", "-"]
    assert table[-1].startswith("2 utterances at Wed 2026-11-25 10:00")
    assert table[-1].endswith("escalation rate on 'none': 0.0%")


def test_command_prints_a_table_or_json(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    ruleset_path, utterances = files
    assert main(["evaluate", str(ruleset_path), str(utterances)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("label") and "human_request" in out
    assert main(["evaluate", str(ruleset_path), str(utterances), str(utterances), "--json", "--lines", "odd"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == 6 and data["labels"]["human_request"]["count"] == 4  # lines 1 and 3, twice


def test_command_progress_counts_on_across_files(files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """With several files the bar keeps counting: the second file starts where the first ended."""
    counts: list[int] = []

    class Recording(Progress):
        def update(self, count: int) -> None:
            counts.append(count)
            super().update(count)

    monkeypatch.setattr(evaluate_command, "Progress", Recording)
    ruleset_path, utterances = files
    assert main(["evaluate", str(ruleset_path), str(utterances), str(utterances)]) == 0
    assert counts == list(range(1, 2 * len(LINES) + 1))


def test_command_skips_bad_lines_and_exits_3(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"text": "human", "trigger": "human_request"}\n{oops\n', encoding="utf-8")
    assert main(["evaluate", str(files[0]), str(broken)]) == 3
    captured = capsys.readouterr()
    assert f"{broken}: line 2: not JSON" in captured.err
    assert "1 malformed line skipped" in captured.err
    assert "human_request" in captured.out


def test_command_usage_errors(files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(files[0]), str(tmp_path / "missing.jsonl")]) == 2
    assert "no such file" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": 1}', encoding="utf-8")
    assert main(["evaluate", str(bad), str(files[1])]) == 1
    assert "Traceback" not in capsys.readouterr().err


CATEGORY_LINES = [
    {"text": "human please", "trigger": "human_request", "category": "short form"},
    {"text": "humna please", "trigger": "human_request", "category": "typo"},
    {"text": "refnud", "trigger": "refund_cancel_billing", "category": "typo"},
    {"text": "no human needed, what are your opening hours", "trigger": "none", "category": "negation"},
    {"text": "do you ship to Norway?", "trigger": "none", "category": "ordinary question"},
    {"text": "is the human app free?", "trigger": "none", "category": "ordinary question"},
    {"text": "a refund please", "trigger": "refund_cancel_billing"},  # no category: counted under its trigger
]


def category_utterances() -> list[Utterance | LineProblem]:
    return list(read_utterances(json.dumps(line) + "\n" for line in CATEGORY_LINES))


def test_reading_keeps_the_category_and_ignores_one_that_is_not_text() -> None:
    items = list(read_utterances(['{"text": "rep pls", "trigger": "human_request", "category": "short form"}\n',
                                  '{"text": "x", "trigger": "none", "category": ["typo"]}\n']))
    assert items == [Utterance("rep pls", "human_request", "", 1, "short form"), Utterance("x", "none", "", 2)]
    assert items[0].group("category") == "short form" and items[0].group("trigger") == "human_request"
    assert items[1].group("category") == "none" and items[1].group("label") == "none"


def test_evaluate_by_category_gives_recall_per_category_and_the_false_alarm_rate() -> None:
    compiled = compile_ruleset(ruleset())
    report = evaluate(compiled, category_utterances(), by="category")
    assert report.by == "category"
    assert set(report.labels) == {"short form", "typo", "negation", "ordinary question", "refund_cancel_billing"}
    typo = report.stats("typo")
    assert (typo.count, typo.escalated, dict(typo.expected)) == (2, 0, {"human_request": 1, "refund_cancel_billing": 1})
    assert (report.stats("short form").escalated, report.stats("refund_cancel_billing").escalated) == (1, 1)
    # the ordinary questions are spread over two rows; the false-alarm rate still counts them all
    assert report.stats("negation").rate == 1.0 and report.stats("ordinary question").rate == 0.5
    assert report.none_rate == pytest.approx(2 / 3)
    assert report.none_rate == evaluate(compiled, category_utterances()).none_rate


def test_by_label_also_keeps_the_false_alarm_rate(files: tuple[Path, Path]) -> None:
    report = evaluate(compile_ruleset(ruleset()), read_utterances(files[1]), by="label")
    assert "none" not in report.labels and report.none_rate == pytest.approx(2 / 3)


def test_category_reports_merge_the_false_alarm_rows() -> None:
    compiled = compile_ruleset(ruleset())
    one = evaluate(compiled, category_utterances(), by="category")
    one.merge(evaluate(compiled, category_utterances(), by="category"))
    assert (one.ordinary.count, one.ordinary.escalated) == (6, 4)
    assert one.stats("typo").expected == {"human_request": 2, "refund_cancel_billing": 2}
    data = one.to_dict()
    assert data["by"] == "category" and data["none_rate"] == round(4 / 6, 4)
    # rows of ordinary questions only come last, as "none" does when grouped by trigger
    assert list(data["labels"]) == ["refund_cancel_billing", "short form", "typo", "negation", "ordinary question"]


def test_category_table_names_the_labels_each_row_holds() -> None:
    report = evaluate(compile_ruleset(ruleset()), category_utterances(), by="category")
    table = format_table(report).splitlines()
    assert table[0].split()[:5] == ["category", "count", "escalated", "rate", "labelled"]
    typo = next(line for line in table if line.startswith("typo"))
    assert typo.split() == ["typo", "2", "0", "0.0%", "human_request", "1,", "refund_cancel_billing", "1", "-"]
    negation = next(line for line in table if line.startswith("negation"))
    assert negation.split() == ["negation", "1", "1", "100.0%", "none", "1", "explicit_request", "1"]
    assert table[-1].endswith("escalation rate on 'none': 66.7%")


def test_command_groups_by_category(files: tuple[Path, Path], tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "challenge.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in CATEGORY_LINES), encoding="utf-8")
    assert main(["evaluate", str(files[0]), str(path), "--by", "category", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["labels"]["ordinary question"]["count"] == 2 and data["none_rate"] == round(2 / 3, 4)
    assert main(["evaluate", str(files[0]), str(path), "--by", "category"]) == 0
    assert capsys.readouterr().out.startswith("category")
