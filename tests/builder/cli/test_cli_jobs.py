"""`simulate --jobs N` (issue #21): worker processes change nothing but the time. The same decisions
in input order, byte for byte, the same messages on stderr with the same line numbers, the same
exit codes, from a file or stdin; Ctrl-C ends the run and its workers; the progress bar still draws."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builder.cli import EXIT_INTERNAL, EXIT_OK, EXIT_SKIPPED, EXIT_USAGE
from builder.cli._workers import AUTO_MIN_BYTES, in_order, jobs_for, usable_cpus
from builder.format.conversation import BLOCK_BYTES
from builder.paths import example_playbook, sample_conversations

ROOT = Path(__file__).resolve().parents[3]
# The engine fails on every conversation whose id ends in "-boom" (as in test_cli_hostile, but in a
# real process whose workers are forked from it: they inherit the failing engine).
FLAKY = """
import sys
import builder.cli._common as common
real = common.simulate
def flaky(compiled, conversation, **options):
    if conversation.id.endswith("-boom"):
        raise ZeroDivisionError("a bug")
    return real(compiled, conversation, **options)
common.simulate = flaky
from builder.cli import main
sys.exit(main(sys.argv[1:]))
"""
BAD = ["{broken", "", '{"id": "x"}', '{"id": "nan", "events": [], "visitor": {"score": NaN}}', "   ",
       '{"id": "late", "events": [{"at": "2201-01-01T00:00:00Z", "type": "visitor", "text": "hi"}]}']
ODD = '{"id": "sur\\ud800", "events": [{"at": "2026-11-24T09:00:00Z", "type": "visitor", "text": "human \\udc00"}]}'


def samples() -> list[dict[str, object]]:
    return [json.loads(x) for x in sample_conversations().read_text(encoding="utf-8").splitlines() if x.strip()]


def mixed_lines(size: int) -> list[str]:
    """Sample conversations (ids made unique) up to `size` bytes, a bad line or an engine failure
    every few dozen lines, lone surrogates and CRLF endings here and there."""
    base, lines, total, n = samples(), [], 0, 0
    while total < size:
        conversation = dict(base[n % len(base)], id=f"{base[n % len(base)]['id']}-{n}")
        if n % 97 == 5:
            conversation["id"] = f"c-{n}-boom"
        text = json.dumps(conversation, ensure_ascii=n % 2 == 0) + ("\r" if n % 13 == 0 else "")
        lines.append(text)
        if n % 41 == 7:
            lines.append(BAD[n % len(BAD)])
        if n % 53 == 11:
            lines.append(ODD)  # decided, its lone surrogates replaced
        total += len(text) + 1
        n += 1
    return lines


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("jobs") / "mixed.jsonl"
    path.write_text("\n".join(mixed_lines(3 * BLOCK_BYTES)) + "\n", encoding="utf-8")
    return path


def simulate(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-c", FLAKY, "simulate", str(example_playbook()), *args],
                          capture_output=True, cwd=ROOT, input=stdin, timeout=300)


def test_jobs_2_writes_the_same_bytes_as_one_process(mixed: Path) -> None:
    one, two = simulate(str(mixed), "--jobs", "1"), simulate(str(mixed), "--jobs", "2")
    assert one.returncode == two.returncode == EXIT_INTERNAL  # skipped lines and engine failures: 4 wins
    assert two.stdout == one.stdout and two.stderr == one.stderr
    err = one.stderr.decode("utf-8")
    assert "Traceback" not in err
    assert "internal error (ZeroDivisionError: a bug); skipped, please report it" in err
    assert "not valid JSON" in err and "is outside the years 1970 to 2200" in err
    decided = [json.loads(x) for x in one.stdout.decode("utf-8").splitlines()]
    lines = mixed.read_text(encoding="utf-8").splitlines()
    assert len(decided) > 2 * len(samples()) and not any(d["id"].endswith("-boom") for d in decided)
    assert err.splitlines()[-1].endswith(f"; {len(decided)} conversations decided")
    # every message names the right line (numbers counted over the whole file, across blocks)
    for message in err.splitlines()[:-1]:
        number = int(message.split(": line ")[1].split(":")[0])
        assert lines[number - 1].strip() in BAD or "-boom" in lines[number - 1], message
    ids = [json.loads(x)["id"] for x in lines if x.strip() and x.strip() not in BAD and "-boom" not in x]
    assert [d["id"] for d in decided] == [i.replace("\ud800", "\ufffd") for i in ids]


def test_jobs_2_reads_stdin_and_traces(mixed: Path) -> None:
    data = mixed.read_bytes()
    from_file = simulate(str(mixed), "--trace")
    from_stdin = simulate("-", "--jobs", "2", "--trace", stdin=data)
    assert from_stdin.returncode == from_file.returncode == EXIT_INTERNAL
    assert from_stdin.stdout == from_file.stdout
    assert from_stdin.stderr == from_file.stderr.replace(str(mixed).encode(), b"-")


@pytest.mark.parametrize("jobs", ["1", "2", "auto"])
def test_exit_codes_are_those_of_one_process(tmp_path: Path, jobs: str) -> None:
    good = [json.dumps(c) for c in samples()] * 40
    clean = tmp_path / "clean.jsonl"
    clean.write_text("\n".join(good) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = simulate(str(clean), "--jobs", jobs, "-o", str(out))
    assert result.returncode == EXIT_OK and result.stderr == b"" and result.stdout == b""
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(good)
    skipped = tmp_path / "skipped.jsonl"
    skipped.write_text("\n".join([*good, "{broken"]) + "\n", encoding="utf-8")
    result = simulate(str(skipped), "--jobs", jobs)
    assert result.returncode == EXIT_SKIPPED
    assert result.stderr.decode("utf-8").splitlines() == [
        f"{skipped}: line {len(good) + 1}: not valid JSON (Expecting property name enclosed in double quotes: "
        "line 1 column 2 (char 1))", f"1 malformed line skipped; {len(good)} conversations decided"]


@pytest.mark.parametrize("value", ["0", "-1", "two", ""])
def test_a_bad_jobs_value_is_a_usage_error(value: str) -> None:
    result = simulate(str(sample_conversations()), "--jobs", value)
    assert result.returncode == EXIT_USAGE and b"--jobs" in result.stderr and b"Traceback" not in result.stderr


def test_auto_is_the_usable_cpus_for_a_big_file_and_one_below(mixed: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.jsonl"
    big.write_bytes(mixed.read_bytes() * (AUTO_MIN_BYTES // mixed.stat().st_size + 1))
    assert jobs_for("auto", str(big)) == jobs_for(None, str(big)) == usable_cpus() == len(os.sched_getaffinity(0))
    assert jobs_for("auto", str(mixed)) == jobs_for(None, str(mixed)) == 1  # workers would cost more than they win
    assert jobs_for("auto", "-") == usable_cpus() and jobs_for(None, "-") == 1
    assert jobs_for(3, str(sample_conversations())) == 3 and jobs_for(1, str(big)) == 1


def test_one_block_never_starts_a_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    import concurrent.futures

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("a worker was started")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", refused)
    assert list(in_order(lambda block: block * 2, [21], jobs=4)) == [(21, 42)]
    assert list(in_order(lambda block: block * 2, [], jobs=4)) == []


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk_is_one_line_and_exit_2_with_workers(mixed: Path) -> None:
    with open("/dev/full", "wb") as full:
        result = subprocess.run([sys.executable, "-m", "builder", "simulate", str(example_playbook()), str(mixed),
                                 "--jobs", "2"], stdout=full, stderr=subprocess.PIPE, cwd=ROOT, timeout=300)
    err = result.stderr.decode("utf-8")
    assert result.returncode == EXIT_USAGE
    assert err.strip().splitlines()[-1] == "handoff-builder simulate: cannot write the output: No space left on device"
    assert "Traceback" not in err and "Exception ignored" not in err


def test_ctrl_c_ends_the_run_and_its_workers(tmp_path: Path) -> None:
    big = tmp_path / "big.jsonl"
    good = "".join(json.dumps(c) + "\n" for c in samples())
    big.write_text(good * (60 * BLOCK_BYTES // len(good)), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    run = subprocess.Popen([sys.executable, "-m", "builder", "simulate", str(example_playbook()), str(big),
                            "-o", str(out), "--jobs", "2"], cwd=ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while not (out.exists() and out.stat().st_size) and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run.poll() is None, "the run ended before it could be interrupted"
    os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground group
    _, err = run.communicate(timeout=60)
    assert run.returncode == 130
    assert err.decode("utf-8") == "interrupted\n"
    with pytest.raises(ProcessLookupError):  # no worker left behind
        os.killpg(run.pid, 0)


def test_the_progress_bar_draws_with_workers(mixed: Path, tmp_path: Path) -> None:
    leader, follower = pty.openpty()
    run = subprocess.Popen([sys.executable, "-m", "builder", "simulate", str(example_playbook()), str(mixed),
                            "-o", str(tmp_path / "out.jsonl"), "--jobs", "2"], cwd=ROOT, stderr=follower)
    os.close(follower)
    drawn = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        try:
            chunk = os.read(leader, 4096) if ready else b""
        except OSError:  # the terminal closed: the run ended
            chunk = b""
        if not chunk:
            break
        drawn += chunk
    os.close(leader)
    assert run.wait(timeout=60) == EXIT_SKIPPED  # the bad lines (the engine does not fail here)
    assert b"conversations" in drawn and b"\r[" in drawn
    assert b"malformed lines skipped" in drawn
