"""`handoff-builder replay` (a LocalCluster started by the command) and `import`, through a real
subprocess; without Dask the command says how to install it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from builder.paths import example_playbook, sample_conversations

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "builder" / "importers" / "data"


def cli(*args: str, prelude: str = "") -> subprocess.CompletedProcess[str]:
    code = f"import sys; {prelude}from builder.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, timeout=180)


@pytest.mark.slow
def test_replay_writes_simulates_lines_and_the_summary(tmp_path: Path) -> None:
    library = tmp_path / "library.jsonl"
    library.write_text(sample_conversations().read_text(encoding="utf-8") + "{broken\n", encoding="utf-8")
    out, report = tmp_path / "decisions.jsonl", tmp_path / "report"
    result = cli("replay", str(example_playbook()), str(library), "-o", str(out), "--report", str(report))
    assert result.returncode == 3, result.stderr  # the broken line is reported (skipped), the rest replayed
    assert f"library.jsonl: line {len(sample_conversations().read_text().splitlines()) + 1}: not valid JSON" \
        in result.stderr
    simulated = cli("simulate", str(example_playbook()), str(sample_conversations()))
    assert sorted(out.read_text(encoding="utf-8").splitlines()) == sorted(simulated.stdout.splitlines())
    assert result.stdout.startswith("Replayed 18 conversations on 2 workers: 13 escalated (72.2%).")
    assert (report / "report.html").is_file()
    assert len((report / "decisions.csv").read_text(encoding="utf-8").splitlines()) == 19


def test_without_dask_the_command_says_what_to_install(tmp_path: Path) -> None:
    result = cli("replay", str(example_playbook()), str(sample_conversations()),
                 prelude="sys.modules['distributed'] = None; ")
    assert result.returncode == 2
    assert "pip install 'handoff-builder[archive]'" in result.stderr and "Traceback" not in result.stderr


def test_replay_usage_errors_come_before_a_cluster_starts(tmp_path: Path) -> None:
    missing = cli("replay", str(example_playbook()), str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    assert cli("replay", str(broken), str(sample_conversations())).returncode == 2


def test_import_writes_a_library_and_the_summary(tmp_path: Path) -> None:
    out = tmp_path / "library.jsonl"
    result = cli("import", "csv", str(DATA / "chat_export.csv"), "-o", str(out), "--role", "bot=Robot",
                 "--columns", "at=Sent")
    assert result.returncode == 3  # records were dropped (skipped)
    assert "Read 2 conversations, 5 events, 2 visitors." in result.stderr
    assert "chat_export.csv: line 7: the row has no time" in result.stderr
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["T-1", "T-2"]
    clean = tmp_path / "clean.json"
    clean.write_text(json.dumps({"sender_id": "s1", "events": [
        {"event": "user", "timestamp": 1764208800, "text": "hi, I'm ana@example.com"}]}), encoding="utf-8")
    kept = cli("import", "rasa", str(clean), "-o", str(out), "--keep-personal-data")
    assert kept.returncode == 0 and "Nothing was dropped." in kept.stderr
    assert "ana@example.com" in out.read_text(encoding="utf-8")
    assert cli("import", "rasa", str(tmp_path / "nope.json"), "-o", str(out)).returncode == 2
    assert cli("import", "csv", str(DATA / "chat_export.csv"), "-o", str(out), "--columns", "who=Who").returncode == 2


@pytest.mark.slow
def test_ctrl_c_cancels_a_run_on_an_existing_cluster(tmp_path: Path) -> None:
    import signal
    import time

    distributed = pytest.importorskip("distributed")
    archive = tmp_path / "archive"
    archive.mkdir()
    for n in range(30):
        (archive / f"shard-{n:02d}.jsonl").write_text(sample_conversations().read_text(encoding="utf-8") * 10,
                                                      encoding="utf-8")
    out = tmp_path / "decisions.jsonl"
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1",
                                  dashboard_address="127.0.0.1:0",
                                  silence_logs=50) as cluster:
        code = "import sys; from builder.cli import main; sys.exit(main(sys.argv[1:]))"
        run = subprocess.Popen([sys.executable, "-c", code, "replay", str(example_playbook()), str(archive),
                                "--scheduler", cluster.scheduler_address, "-o", str(out)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        deadline = time.monotonic() + 60
        while not (out.exists() and out.stat().st_size) and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.02)
        run.send_signal(signal.SIGINT)
        _stdout, stderr = run.communicate(timeout=60)
    assert run.returncode == 130, stderr
    written = len(out.read_text(encoding="utf-8").splitlines())
    assert f"cancelled after {written:,} conversations; the decisions so far are in {out}" in stderr
    assert 0 < written < 30 * 180 and written % 180 == 0  # whole partitions only


def test_the_writers_replay_feeds_write_parquet_and_the_reports_csv(tmp_path: Path) -> None:
    from contextlib import ExitStack

    import pyarrow.parquet as pq

    from builder.cli.replay import result_writers
    from builder.replay.batch import Replay
    from builder.runtime import read_ruleset

    results = list(Replay(read_ruleset(example_playbook()), sample_conversations()))
    with ExitStack() as stack:
        writers = result_writers(stack, str(tmp_path / "d.parquet"), str(tmp_path / "report"))
        for write in writers:
            write(results[:10])
            write(results[10:])
    rows = pq.read_table(tmp_path / "d.parquet").to_pylist()
    assert [r["id"] for r in rows] == [r.conversation_id for r in results]
    assert [(r["escalated"], r["rule"], r["turn"]) for r in rows] == \
        [(r.decision["escalated"], r.decision["rule"], r.decision["turn"]) for r in results]
    csv_lines = (tmp_path / "report" / "decisions.csv").read_text(encoding="utf-8").splitlines()
    assert csv_lines[0].startswith("index,conversation_id,escalated") and len(csv_lines) == 1 + len(results)
