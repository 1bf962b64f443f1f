"""One writer per workspace: a second process is refused or reads only; stale locks are taken over."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builder.workspace import Workspace, WorkspaceLocked
from builder.workspace.lock import WorkspaceLock, pid_alive
from ws_helpers import small_ruleset

ROOT = Path(__file__).resolve().parents[3]

SECOND_PROCESS = """
import json, sys
from builder.workspace import Workspace, WorkspaceLocked
path = sys.argv[1]
try:
    Workspace.open(path)
    print(json.dumps({"opened": "read-write"}))
except WorkspaceLocked as error:
    ws = Workspace.open(path, read_only=True)
    print(json.dumps({"locked_by": error.owner.pid, "host": error.owner.host,
                      "message": str(error), "rules": len(ws.project("P").current()["rules"])}))
    ws.close()
"""

HOLDER = """
import sys
from builder.workspace import Workspace
ws = Workspace.open(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()
ws.close()
"""


def _python(code: str, *args: str, **kwargs: object) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-c", code, *args], env=env, text=True,
                            stdout=subprocess.PIPE, stdin=subprocess.PIPE, **kwargs)  # type: ignore[call-overload]


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _write_lock(ws_path: Path, **info: object) -> Path:
    lock = ws_path.with_name(ws_path.name + ".lock")
    lock.write_text(json.dumps(info))
    return lock


def test_second_process_is_refused_and_can_read(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        ws.create_project("P", small_ruleset("a", "b"))
        child = _python(SECOND_PROCESS, str(ws_path))
        out, _ = child.communicate(timeout=60)
    result = json.loads(out)
    assert result["locked_by"] == os.getpid()
    assert result["host"] == socket.gethostname()
    assert "open it read-only or cancel" in result["message"]
    assert result["rules"] == 2


def test_lock_held_by_other_process_then_killed_is_taken_over(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        ws.create_project("P", small_ruleset("a"))
    holder = _python(HOLDER, str(ws_path))
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(WorkspaceLocked) as caught:
            Workspace.open(ws_path)
        assert caught.value.owner.pid == holder.pid
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.communicate()
    with Workspace.open(ws_path) as ws:  # the killed holder's lock is stale
        assert ws.project("P").current() == small_ruleset("a")
        assert WorkspaceLock(ws_path).owner() is not None
        assert WorkspaceLock(ws_path).owner().pid == os.getpid()  # type: ignore[union-attr]


def test_clean_close_of_other_process_releases(ws_path: Path) -> None:
    Workspace.open(ws_path).close()
    holder = _python(HOLDER, str(ws_path))
    assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
    holder.communicate("\n", timeout=60)
    assert not ws_path.with_name("workspace.json.lock").exists()
    Workspace.open(ws_path).close()


def test_stale_lock_of_dead_pid_is_taken_over(ws_path: Path) -> None:
    _write_lock(ws_path, pid=_dead_pid(), host=socket.gethostname(), time="2026-01-01T00:00:00Z")
    with Workspace.open(ws_path) as ws:
        assert not ws.read_only
        owner = WorkspaceLock(ws_path).owner()
        assert owner is not None and owner.pid == os.getpid()


def test_lock_of_reused_pid_is_stale(ws_path: Path) -> None:
    # a live PID whose start time differs from the recorded one: the PID was reused
    _write_lock(ws_path, pid=os.getppid(), host=socket.gethostname(), started="1", time="x")
    if not Path(f"/proc/{os.getppid()}/stat").exists():
        pytest.skip("no /proc: PID reuse cannot be recognised here")
    Workspace.open(ws_path).close()


def test_lock_of_live_process_on_this_host_is_respected(ws_path: Path) -> None:
    _write_lock(ws_path, pid=os.getppid(), host=socket.gethostname(), time="t")
    with pytest.raises(WorkspaceLocked) as caught:
        Workspace.open(ws_path)
    assert caught.value.owner.pid == os.getppid()


def test_lock_from_another_host_is_respected(ws_path: Path) -> None:
    lock = _write_lock(ws_path, pid=_dead_pid(), host="some-other-machine", time="t", user="bo")
    with pytest.raises(WorkspaceLocked, match="some-other-machine") as caught:
        Workspace.open(ws_path)
    assert caught.value.owner.user == "bo"
    assert json.loads(lock.read_text())["host"] == "some-other-machine"


def test_unreadable_lock_is_respected_while_fresh_and_taken_over_when_old(ws_path: Path) -> None:
    lock = ws_path.with_name("workspace.json.lock")
    lock.write_text("")
    with pytest.raises(WorkspaceLocked, match="another program"):
        Workspace.open(ws_path)
    old = time.time() - 3600
    os.utime(lock, (old, old))
    Workspace.open(ws_path).close()


def test_release_never_removes_someone_elses_lock(ws_path: Path) -> None:
    ws = Workspace.open(ws_path)
    lock = ws_path.with_name("workspace.json.lock")
    lock.unlink()  # e.g. a user deleted it and another instance took over
    _write_lock(ws_path, pid=os.getppid(), host=socket.gethostname(), token="theirs")
    ws.close()
    assert json.loads(lock.read_text())["token"] == "theirs"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="zombies are a POSIX matter")
def test_unreaped_killed_process_counts_as_dead() -> None:
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        time.sleep(30)
        os._exit(0)
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        assert not pid_alive(pid)
    finally:
        os.waitpid(pid, 0)
    assert pid_alive(os.getpid())
