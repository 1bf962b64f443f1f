"""`python -m builder validate` in a subprocess: exit codes, one line per problem, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PLAYBOOK = ROOT / "resources" / "examples" / "playbook.json"
FIXTURE = ROOT / "tests" / "rules_schema" / "fixtures" / "ruleset.v1.json"


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "builder", "validate", *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


def broken_fixture(tmp_path: Path) -> Path:
    """The (stable) v1 format fixture with four errors and a warning."""
    document = json.loads(FIXTURE.read_text(encoding="utf-8"))
    document["rules"][0]["when"]["any"][0]["value"] = []                      # value.empty
    document["rules"][0]["actions"][1]["template"] = "missing"                # ref.template
    document["rules"][1]["when"]["all"][0]["fact"] = "visitor.atribute"       # fact.unknown
    document["rules"][1]["actions"] = []                                      # rule.no_actions (warning)
    document["schedules"][0]["timezone"] = "Mars/Olympus"                     # schedule.timezone
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_the_example_is_valid_without_a_warning() -> None:
    result = run(PLAYBOOK)
    assert result.returncode == 0
    assert result.stdout == "" and "valid, no problems" in result.stderr


def test_a_calendar_promise_over_a_weekend_is_warned(tmp_path: Path) -> None:
    document = json.loads(PLAYBOOK.read_text(encoding="utf-8"))
    document["routing"]["sla"]["urgent"]["clock"] = "calendar"  # 30 minutes, but nobody works weekends
    path = tmp_path / "calendar.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = run(path)
    assert result.returncode == 0
    [line] = result.stdout.splitlines()  # the same warning the routing page shows under "urgent"
    assert line.startswith("$.routing.sla.urgent: warning: Closed longer than the 30 minutes calendar-time promise")
    assert line.endswith(" [analysis.unkept_promise]")
    assert "valid, 1 warning" in result.stderr


def test_unkept_promises_are_warnings_one_a_line(tmp_path: Path) -> None:
    document = json.loads(PLAYBOOK.read_text(encoding="utf-8"))
    document["schedules"][1]["weekly"] = []  # Sales never opens
    document["routing"]["backup_contact"] = "on-call@example.com"  # bridges the weekend
    path = tmp_path / "never.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = run(path)
    assert result.returncode == 0  # warnings never fail validation
    lines = result.stdout.splitlines()
    assert lines[0].endswith("[schedule.never_open]")  # the validator's own warning comes first
    assert lines[1:] == [
        f"$.routing.sla.{p}: warning: Sales never opens (no opening within a year), so the {promise} promise for "
        f"{p} priority can never be kept. [analysis.unkept_promise]"
        for p, promise in [("low", "24 hours business-hours"), ("normal", "4 hours business-hours"),
                           ("high", "1 hour business-hours"), ("urgent", "30 minutes business-hours")]]
    rows = [json.loads(line) for line in run("--json", path).stdout.splitlines()]
    assert {(r["code"], r["severity"]) for r in rows[1:]} == {("analysis.unkept_promise", "warning")}


def test_a_file_with_errors_gets_no_promise_analysis(tmp_path: Path) -> None:
    document = json.loads(PLAYBOOK.read_text(encoding="utf-8"))
    document["rules"][0]["actions"] = [{"type": "reply", "template": "missing"}]
    path = tmp_path / "error.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = run(path)
    assert result.returncode == 1
    assert "unkept_promise" not in result.stdout and "[ref.template]" in result.stdout


def test_a_broken_file_lists_every_problem_one_a_line(tmp_path: Path) -> None:
    result = run(broken_fixture(tmp_path))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "$.rules[0].when.any[0].value: error: Rule 'Visitor asks for a human', condition on 'Latest visitor "
        "message': the phrase list is empty [value.empty]",
        "$.rules[0].actions[1].template: error: Rule 'Visitor asks for a human', action 2 ('Reply with a "
        "template'): there is no template with the id 'missing'; known templates: ack [ref.template]",
        "$.rules[1].when.all[0].fact: error: Rule 'Enterprise visitor', condition on 'visitor.atribute': "
        "'visitor.atribute' is not a known fact (did you mean 'visitor.attribute'?) [fact.unknown]",
        "$.rules[1].actions: warning: Rule 'Enterprise visitor': has no actions, so it does nothing when it holds "
        "[rule.no_actions]",
        "$.schedules[0].timezone: error: Schedule 'Office': 'Mars/Olympus' is not a time zone name such as "
        "Europe/Berlin [schedule.timezone]",
    ]
    assert "4 errors and 1 warning" in result.stderr
    assert "Traceback" not in result.stderr


def test_warnings_alone_exit_zero(tmp_path: Path) -> None:
    document = json.loads(FIXTURE.read_text(encoding="utf-8"))
    document["rules"][1]["actions"] = []
    path = tmp_path / "warn.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = run(path)
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "$.rules[1].actions: warning: Rule 'Enterprise visitor': has no actions, so it does nothing when it holds "
        "[rule.no_actions]"]


def test_json_output_is_one_object_a_line(tmp_path: Path) -> None:
    result = run("--json", broken_fixture(tmp_path))
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["code"] for r in rows] == ["value.empty", "ref.template", "fact.unknown", "rule.no_actions",
                                         "schedule.timezone"]
    assert [r["rule_id"] for r in rows] == ["human", "human", "vip", "vip", None]


@pytest.mark.parametrize(("content", "words"), [
    ("{\"rules\": [", "not JSON"),
    ("[1]", "holds a list, not a ruleset"),
    ("[" * 5000 + "]" * 5000, "nested too deeply"),
])
def test_unreadable_input_is_one_line_and_exit_2(tmp_path: Path, content: str, words: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    result = run(path)
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and words in result.stderr
    assert "Traceback" not in result.stderr


def test_a_huge_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with open(path, "wb") as handle:
        handle.truncate(11 * 1024 * 1024)
    result = run(path)
    assert result.returncode == 2 and "too big" in result.stderr and len(result.stderr.splitlines()) == 1


def test_a_missing_file_and_a_missing_argument_exit_2(tmp_path: Path) -> None:
    missing = run(tmp_path / "nope.json")
    assert missing.returncode == 2 and "no such file" in missing.stderr
    usage = run()
    assert usage.returncode == 2 and "Traceback" not in usage.stderr
