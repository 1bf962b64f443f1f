"""Closing the window while a test send is stuck on a server that drips 1 byte a second ends the
process: the send runs on a daemon thread that closing cancels (a subprocess runs the real window)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.drip_server import DripServer

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = textwrap.dedent("""
    import sys
    from pathlib import Path

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from builder.workspace import Workspace
    from widgets.shell.main_window import MainWindow
    from widgets.shell.startup import open_start_project

    app = QApplication(["handoff-builder"])
    window = MainWindow(Workspace.open(Path(sys.argv[1])))
    assert open_start_project(window)
    window.show()
    page = window.ensure_page("Channels")
    page.send_timeout = 300.0  # far longer than the test waits: only cancelling can end it
    page.select_channel("slack-support")

    def close() -> None:
        print("sending" if page.sending else "not sending", flush=True)
        window.close()

    QTimer.singleShot(200, page.send_test)
    QTimer.singleShot(1500, close)
    app.exec()
    print("closed", flush=True)
""")


def test_closing_the_window_during_a_stuck_test_send_ends_the_process(tmp_path: Path) -> None:
    """(The headers drip: the answer never even starts; `send` itself is tested on both drips.)"""
    env = {**os.environ, "HANDOFF_SLACK_WEBHOOK_URL": "", "PYTHONPATH": str(ROOT)}
    with DripServer("headers") as drip:
        env["HANDOFF_SLACK_WEBHOOK_URL"] = drip.url
        started = time.monotonic()
        process = subprocess.Popen([sys.executable, "-c", SCRIPT, str(tmp_path / "workspace.json")], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        try:
            out, err = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
            pytest.fail(f"the process was still running 60 s after its window closed: {out} {err}")
        took = time.monotonic() - started
        assert drip.connections == 1  # the send really reached the dripping server
    assert out.split() == ["sending", "closed"], err
    assert process.returncode == 0, err
    assert took < 30  # the 300 s send did not hold the process
