"""Issue #23, problems 1, 4 and 5 through the commands: one bad conversation never loses the
others, "valid" means "loads", odd files and full disks end in one line, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import builder.cli._common as common
from builder.cli import EXIT_CODES, EXIT_INTERNAL, EXIT_OK, EXIT_PROBLEMS, EXIT_SKIPPED, EXIT_USAGE, main
from builder.engine import CompileError
from builder.format.conversation import BLOCK_BYTES
from builder.paths import example_playbook

ROOT = Path(__file__).resolve().parents[3]
AT = "2026-11-24T09:00:00Z"


def line(cid: str, at: str = AT, text: str = "I want to talk to a human", **extra: object) -> str:
    return json.dumps({"id": cid, "events": [{"at": at, "type": "visitor", "text": text}], **extra})


# the reproductions of issue #23 (each crashed `simulate` or `test` with a traceback, losing the rest)
HOSTILE = [
    line("year-9999", at="9999-12-31T23:59:00-05:00"),
    line("year-0001", at="0001-01-01T00:10:00+05:00"),
    line("tags-number", expect={"escalate": True, "tags": 5}),
    '{"id": "sur\\ud800", "events": [{"at": "' + AT + '", "type": "visitor", "text": "human \\udc00 please"}],'
    ' "expect": {"escalate": true, "rule": "x\\ud800"}}',
    line("offset-15h", at="2026-11-24T09:00:00+15:00"),
    line("nan-confidence").replace('"text"', '"confidence": NaN, "text"'),
]


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """Eleven conversations with the hostile ones in the middle: the first and last must be decided."""
    good = [line(f"good-{i}", expect={"escalate": True}) for i in range(5)]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join([*good[:2], *HOSTILE, *good[2:]]) + "\n", encoding="utf-8")
    return path


def test_simulate_decides_every_readable_conversation_and_exits_3(library: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "decisions.jsonl"
    assert main(["simulate", str(example_playbook()), str(library), "-o", str(out)]) == EXIT_SKIPPED
    decided = [json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()]
    assert decided == ["good-0", "good-1", "sur\ufffd", "good-2", "good-3", "good-4"]
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "line 3: conversation 'year-9999': $.events[0].at: '9999-12-31T23:59:00-05:00' is outside the years " \
           "1970 to 2200" in err
    assert "line 4: conversation 'year-0001': $.events[0].at:" in err
    assert "line 5: conversation 'tags-number': $.expect.tags: must be a list" in err
    assert "line 7: conversation 'offset-15h': $.events[0].at:" in err and "beyond ±14 hours" in err
    assert "line 8: not valid JSON (NaN is not a JSON number)" in err
    assert "5 malformed lines skipped; 6 conversations decided" in err


def test_test_and_compare_and_evaluate_go_on_past_bad_lines(library: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    playbook = str(example_playbook())
    assert main(["test", playbook, str(library)]) == EXIT_SKIPPED
    assert capsys.readouterr().out.splitlines()[-1] == "5 passed, 1 failed"  # rule "x\ufffd" fails; 3 wins
    assert main(["compare", playbook, playbook, str(library), "--json"]) == EXIT_SKIPPED
    captured = capsys.readouterr()
    assert json.loads(captured.out)["a"]["total"] == 6 and "Traceback" not in captured.err
    utterances = tmp_path / "utterances.jsonl"
    utterances.write_text('{"text": "human \\ud800 please", "trigger": "x\\udc00"}\n{oops\n', encoding="utf-8")
    assert main(["evaluate", playbook, str(utterances)]) == EXIT_SKIPPED
    captured = capsys.readouterr()
    assert "x\ufffd" in captured.out and "line 2" in captured.err


def test_an_engine_failure_on_one_conversation_exits_4_and_keeps_the_rest(
        library: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    real = common.simulate

    def flaky(compiled: object, conversation: object, **options: object) -> object:
        if getattr(conversation, "id", "") == "good-1":
            raise ZeroDivisionError("a bug")
        return real(compiled, conversation, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(common, "simulate", flaky)
    assert main(["simulate", str(example_playbook()), str(library)]) == EXIT_INTERNAL
    captured = capsys.readouterr()
    assert [json.loads(x)["id"] for x in captured.out.splitlines()][-3:] == ["good-2", "good-3", "good-4"]
    assert "line 2: conversation 'good-1': internal error (ZeroDivisionError: a bug); skipped" in captured.err


def test_an_unexpected_error_anywhere_is_one_line_and_exit_4(monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    def broken(path: str) -> object:
        raise KeyError("surprise")

    monkeypatch.setattr(common, "compile_or_report", broken)
    monkeypatch.setattr("builder.cli.simulate.compile_or_report", broken)
    assert main(["simulate", str(example_playbook()), "-"]) == EXIT_INTERNAL
    assert capsys.readouterr().err.strip() == \
        "handoff-builder simulate: internal error (KeyError: 'surprise'); please report it"


def test_exit_codes_are_in_every_help(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--help"], ["simulate", "--help"], ["validate", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
        out = capsys.readouterr().out
        assert "3  some input was skipped" in out and "4  internal error" in out
    assert (EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_SKIPPED, EXIT_INTERNAL) == (0, 1, 2, 3, 4)
    assert "contract version 2" in EXIT_CODES


def test_validate_loads_what_the_runtime_loads(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Problem 4: a file the runtime cannot compile is not "valid"."""
    import builder.engine

    def refuse(ruleset: object) -> object:
        raise CompileError(["rule 'r': failed to compile Set"])

    monkeypatch.setattr(builder.engine, "compile_ruleset", refuse)
    assert main(["validate", str(example_playbook())]) == EXIT_PROBLEMS
    captured = capsys.readouterr()
    assert "$: error: passes every check but cannot be loaded:" in captured.out
    assert "failed to compile Set [ruleset.cannot_load]" in captured.out and "invalid, 1 error" in captured.err


def test_a_library_error_while_loading_is_the_documented_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import builder.engine
    from builder import runtime

    def refuse(ruleset: object) -> object:
        raise RuntimeError("failed to compile Set")  # what re2 raised before: not a RulesetLoadError

    monkeypatch.setattr(builder.engine, "compile_ruleset", refuse)
    with pytest.raises(runtime.RulesetLoadError, match="failed to compile Set"):
        runtime.load(example_playbook())


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX thing")
def test_fifos_and_devices_are_refused_not_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # reading it would block forever: no writer ever comes
    playbook = str(example_playbook())
    for argv in (["validate", str(fifo)], ["simulate", playbook, str(fifo)], ["test", playbook, str(fifo)],
                 ["evaluate", playbook, str(fifo)], ["compare", playbook, playbook, str(fifo)],
                 ["simulate", playbook, "/dev/zero"], ["export", str(fifo), "-o", str(tmp_path / "x.json")]):
        assert main(argv) == EXIT_USAGE, argv
        err = capsys.readouterr().err
        assert "not a regular file" in err and len(err.strip().splitlines()) == 1, err


def test_an_overlong_line_is_skipped_and_the_next_one_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    import builder.format.conversation as conversation

    monkeypatch.setattr(conversation, "MAX_LINE_BYTES", 200)
    path = tmp_path / "long.jsonl"
    path.write_text(line("long", text="x" * 5000) + "\n" + line("short") + "\n", encoding="utf-8")
    assert main(["simulate", str(example_playbook()), str(path)]) == EXIT_SKIPPED
    captured = capsys.readouterr()
    assert [json.loads(x)["id"] for x in captured.out.splitlines()] == ["short"]
    assert "line 1: longer than" in captured.err


def test_a_failed_write_removes_the_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "decisions.jsonl"
    real_open = open

    class Full:
        def __init__(self, handle: object) -> None:
            self.handle, self.writes = handle, 0

        def write(self, text: str) -> int:
            self.writes += 1
            if self.writes > 1:
                raise OSError(28, "No space left on device")
            return self.handle.write(text)  # type: ignore[attr-defined]

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()  # type: ignore[attr-defined]

    def opening(path: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        handle = real_open(path, mode, *args, **kwargs)  # type: ignore[call-overload]
        return Full(handle) if str(path) == str(out) else handle

    monkeypatch.setattr("builder.cli._common.open", opening, raising=False)
    samples = tmp_path / "samples.jsonl"  # decisions are written a block of input at a time: three blocks
    text = (ROOT / "resources" / "conversations" / "samples.jsonl").read_text(encoding="utf-8")
    samples.write_text(text * (2 * BLOCK_BYTES // len(text) + 1), encoding="utf-8")
    assert main(["simulate", str(example_playbook()), str(samples), "-o", str(out)]) == EXIT_USAGE
    assert not out.exists()
    assert capsys.readouterr().err.strip().endswith("No space left on device; the partial file was removed")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_stdout_is_one_line_and_exit_2(tmp_path: Path) -> None:
    samples = ROOT / "resources" / "conversations" / "samples.jsonl"
    warned = tmp_path / "warned.json"  # validate prints only problems: give it one (a promise a weekend breaks)
    document = json.loads(example_playbook().read_text(encoding="utf-8"))
    document["routing"]["sla"]["urgent"]["clock"] = "calendar"
    warned.write_text(json.dumps(document), encoding="utf-8")
    for args in (["simulate", str(example_playbook()), str(samples)], ["validate", str(warned)]):
        with open("/dev/full", "w") as full:
            result = subprocess.run([sys.executable, "-m", "builder", *args], stdout=full, stderr=subprocess.PIPE,
                                    text=True, cwd=ROOT, timeout=120)
        assert result.returncode == EXIT_USAGE
        assert result.stderr.strip().endswith("cannot write the output: No space left on device"), result.stderr
        assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    assert os.path.exists("/dev/full") and not Path("/dev/full").is_file()
