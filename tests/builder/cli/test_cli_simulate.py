"""`handoff-builder simulate` and `test` on the shipped samples, through a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from builder.paths import example_playbook, sample_conversations
from rules_schema.schemas import schema_errors

ROOT = Path(__file__).resolve().parents[3]


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "builder", *args], capture_output=True, text=True, cwd=ROOT,
                          input=stdin, timeout=120)


def sample_ids() -> list[str]:
    return [json.loads(line)["id"] for line in sample_conversations().read_text(encoding="utf-8").splitlines() if line]


def test_simulate_prints_decisions_in_input_order() -> None:
    result = cli("simulate", str(example_playbook()), str(sample_conversations()))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    decisions = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["id"] for d in decisions] == sample_ids()
    assert all(schema_errors(d, "decision") == [] for d in decisions)
    assert any(d["escalated"] for d in decisions) and any(not d["escalated"] for d in decisions)
    assert all("trace" not in d for d in decisions)


def test_simulate_with_trace_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "decisions.jsonl"
    result = cli("simulate", str(example_playbook()), str(sample_conversations()), "-o", str(out), "--trace")
    assert result.returncode == 0 and result.stdout == ""
    decisions = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    first = decisions[0]
    assert first["trace"] and first["trace"][0]["rule"] == first["rule"] and first["trace"][0]["fired"]
    assert all(schema_errors(d, "decision") == [] for d in decisions)


def test_simulate_skips_and_counts_bad_lines(tmp_path: Path) -> None:
    lines = sample_conversations().read_text(encoding="utf-8").splitlines()
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text("\n".join([lines[0], "{broken", lines[1], '{"id": "x"}']) + "\n", encoding="utf-8")
    result = cli("simulate", str(example_playbook()), str(mixed))
    assert result.returncode == 3  # some input skipped (CLI contract version 2)
    assert len(result.stdout.splitlines()) == 2
    assert "line 2:" in result.stderr and "line 4:" in result.stderr and "2 malformed lines skipped" in result.stderr


def test_simulate_reads_stdin() -> None:
    first = sample_conversations().read_text(encoding="utf-8").splitlines()[0]
    result = cli("simulate", str(example_playbook()), "-", stdin=first + "\n")
    assert result.returncode == 0 and json.loads(result.stdout)["id"] == json.loads(first)["id"]


def test_unreadable_files_exit_2_and_invalid_rulesets_exit_1(tmp_path: Path) -> None:
    missing = cli("simulate", str(tmp_path / "nope.json"), str(sample_conversations()))
    assert missing.returncode == 2 and "nope.json" in missing.stderr and "Traceback" not in missing.stderr
    no_input = cli("simulate", str(example_playbook()), str(tmp_path / "nope.jsonl"))
    assert no_input.returncode == 2 and "Traceback" not in no_input.stderr
    bad = tmp_path / "bad.json"
    document = json.loads(example_playbook().read_text(encoding="utf-8"))
    document["rules"][0]["when"] = {"fact": "message.mood", "op": "is_true"}
    bad.write_text(json.dumps(document), encoding="utf-8")
    invalid = cli("simulate", str(bad), str(sample_conversations()))
    assert invalid.returncode == 1 and "message.mood" in invalid.stderr and "Traceback" not in invalid.stderr


def test_test_command_passes_on_the_samples() -> None:
    result = cli("test", str(example_playbook()), str(sample_conversations()))
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1] == f"{len(sample_ids())} passed, 0 failed"


def test_test_command_shows_expected_actual_and_trace_on_failure(tmp_path: Path) -> None:
    lines = sample_conversations().read_text(encoding="utf-8").splitlines()
    cases = [json.loads(line) for line in lines[:3]]
    cases[1]["expect"] = {"escalate": True, "rule": "refund-please", "turn": 7}
    del cases[2]["expect"]  # not a test: skipped
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(json.dumps(c) for c in cases) + "\n", encoding="utf-8")
    result = cli("test", str(example_playbook()), str(path))
    assert result.returncode == 1
    out = result.stdout
    assert f"FAIL {cases[1]['id']}" in out
    assert "rule: expected 'refund-please'" in out and "turn: expected 7" in out
    assert "trace:" in out and "conditions held" in out and "FIRED" in out
    assert out.splitlines()[-1] == "1 passed, 1 failed"
