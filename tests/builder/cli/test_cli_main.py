"""The command line's own options: `--version` answers without opening a window or loading Qt."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata

from tests.conftest import ROOT


def test_version_names_the_installed_package() -> None:
    result = subprocess.run([sys.executable, "-m", "builder", "--version"], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"handoff-builder {metadata.version('handoff-builder')}"


def test_the_app_entry_point_answers_version_headless() -> None:
    script = ("import sys\nfrom widgets.app import main\n"
              "try:\n    main(['--version'])\nexcept SystemExit as exit:\n    code = exit.code\n"
              "print('QT' if 'PySide6' in sys.modules else 'NOQT', code)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["NOQT", "0"]
    assert result.stdout.startswith("handoff-builder ")
