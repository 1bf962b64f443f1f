"""One writer per workspace: a second instance is refused (and told who writes) or reads only; the
OS releases a dead owner's lock, whatever its owner file says."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from ws_helpers import lock_is_free, small_ruleset

from builder.workspace import Workspace, WorkspaceLocked
from builder.workspace.disk.lock import WorkspaceLock, pid_alive

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
    return subprocess.Popen(
        [sys.executable, "-c", code, *args], env=env, text=True, stdout=subprocess.PIPE, stdin=subprocess.PIPE, **kwargs
    )  # type: ignore[call-overload]


FOREIGN_HOLDER = """
import json, sys
import filelock
lock = filelock.FileLock(sys.argv[1] + ".lock", timeout=0)
lock.acquire()
if sys.argv[2]:
    open(sys.argv[1] + ".owner", "w").write(sys.argv[2])
print("ready", flush=True)
sys.stdin.readline()
lock.release()
"""


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _owner_file(ws_path: Path) -> Path:
    return ws_path.with_name(ws_path.name + ".owner")


def _write_owner(ws_path: Path, **info: object) -> Path:
    """An owner file as a crashed owner leaves it (nobody holds the OS lock)."""
    owner = _owner_file(ws_path)
    owner.write_text(json.dumps(info))
    return owner


def _hold(code: str, *args: str) -> subprocess.Popen[str]:
    holder = _python(code, *args)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
    return holder


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
    # the killed holder's owner file is still there, naming it: the OS released the lock anyway
    assert json.loads(_owner_file(ws_path).read_text())["pid"] == holder.pid
    with Workspace.open(ws_path) as ws:
        assert ws.project("P").current() == small_ruleset("a")
        assert WorkspaceLock(ws_path).owner() is not None
        assert WorkspaceLock(ws_path).owner().pid == os.getpid()  # type: ignore[union-attr]


def test_clean_close_of_other_process_releases(ws_path: Path) -> None:
    Workspace.open(ws_path).close()
    holder = _hold(HOLDER, str(ws_path))
    assert not lock_is_free(ws_path)
    holder.communicate("\n", timeout=60)
    assert lock_is_free(ws_path)
    Workspace.open(ws_path).close()


def test_second_open_in_the_same_process_is_refused(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        with pytest.raises(WorkspaceLocked) as caught:
            Workspace.open(ws_path)
        assert caught.value.owner.pid == os.getpid()
        assert not ws.read_only
    Workspace.open(ws_path).close()


def test_closing_from_another_thread_releases(ws_path: Path) -> None:
    ws = Workspace.open(ws_path)
    closer = threading.Thread(target=ws.close)
    closer.start()
    closer.join()
    assert lock_is_free(ws_path)
    Workspace.open(ws_path).close()


def test_owner_file_of_dead_pid_is_replaced(ws_path: Path) -> None:
    _write_owner(ws_path, pid=_dead_pid(), host=socket.gethostname(), since="2026-01-01T00:00:00Z")
    with Workspace.open(ws_path) as ws:
        assert not ws.read_only
        owner = WorkspaceLock(ws_path).owner()
        assert owner is not None and owner.pid == os.getpid() and owner.app == "handoff-builder"


def test_owner_file_naming_a_live_process_does_not_lock(ws_path: Path) -> None:
    # the owner file only informs: a live (e.g. reused) PID in it does not hold the OS lock
    _write_owner(ws_path, pid=os.getppid(), host=socket.gethostname(), since="x")
    with Workspace.open(ws_path):
        assert json.loads(_owner_file(ws_path).read_text())["pid"] == os.getpid()


def test_lock_of_live_process_on_this_host_is_respected(ws_path: Path) -> None:
    holder = _hold(HOLDER, str(ws_path))
    try:
        before = _owner_file(ws_path).read_bytes()
        with pytest.raises(WorkspaceLocked, match="handoff-builder process") as caught:
            Workspace.open(ws_path)
        owner = caught.value.owner
        assert (owner.pid, owner.host, owner.app) == (holder.pid, socket.gethostname(), "handoff-builder")
        assert owner.since.endswith("Z")
        assert _owner_file(ws_path).read_bytes() == before  # the refused opener wrote nothing
    finally:
        holder.communicate("\n", timeout=60)


def test_lock_from_another_host_is_respected(ws_path: Path) -> None:
    info = {"pid": 4242, "host": "some-other-machine", "since": "t", "user": "bo", "app": "x"}
    holder = _hold(FOREIGN_HOLDER, str(ws_path), json.dumps(info))
    try:
        with pytest.raises(WorkspaceLocked, match="some-other-machine") as caught:
            Workspace.open(ws_path)
        assert caught.value.owner.user == "bo"
        assert json.loads(_owner_file(ws_path).read_text())["host"] == "some-other-machine"
    finally:
        holder.communicate("\n", timeout=60)


def test_holder_without_owner_file_is_respected_then_released(ws_path: Path) -> None:
    _owner_file(ws_path).write_text("")  # unreadable, as if its writer died mid-write
    holder = _hold(FOREIGN_HOLDER, str(ws_path), "")
    try:
        with pytest.raises(WorkspaceLocked, match="another program") as caught:
            Workspace.open(ws_path)
        assert caught.value.owner.pid == 0
    finally:
        holder.communicate("\n", timeout=60)
    Workspace.open(ws_path).close()  # the empty owner file was no obstacle


def test_release_never_removes_someone_elses_owner_file(ws_path: Path) -> None:
    ws = Workspace.open(ws_path)
    owner = _owner_file(ws_path)
    owner.unlink()  # e.g. a user deleted it and another instance wrote its own
    _write_owner(ws_path, pid=os.getppid(), host=socket.gethostname(), token="theirs")
    ws.close()
    assert json.loads(owner.read_text())["token"] == "theirs"
    assert WorkspaceLock(ws_path).owner() is None  # the OS lock itself was released


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
