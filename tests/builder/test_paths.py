"""Shipped resources are real files, from a checkout as from a zipped install."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

from builder.paths import example_playbook, sample_conversations
from tests.conftest import ROOT


def test_from_a_checkout_the_paths_are_the_shipped_files() -> None:
    assert example_playbook() == ROOT / "resources" / "examples" / "playbook.json"
    assert sample_conversations().read_text(encoding="utf-8").strip()


def test_from_a_zipped_install_the_resources_are_extracted_to_real_files(tmp_path: Path) -> None:
    archive = tmp_path / "handoff.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for package in ("builder", "resources"):
            for path in (ROOT / package).rglob("*"):
                if path.is_file() and "__pycache__" not in path.parts:
                    name = path.relative_to(ROOT).as_posix()
                    zf.write(
                        path, name.replace("resources/", "handoff_resources/", 1) if package == "resources" else name
                    )
    script = (
        "import json, sys\nfrom builder.paths import example_playbook, sample_conversations\n"
        "p = example_playbook()\nprint(json.dumps([str(p), p.is_file(), sample_conversations().is_file(),"
        " json.loads(p.read_text('utf-8'))['metadata']['name']]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(archive), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    path, is_file, samples_is_file, name = json.loads(result.stdout)
    assert not path.startswith(str(archive)) and is_file and samples_is_file
    assert name == json.loads(example_playbook().read_text(encoding="utf-8"))["metadata"]["name"]
