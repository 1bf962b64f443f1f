"""The README's "In your chatbot" loop, run as written, decides the shipped samples exactly as
`handoff-builder simulate` does: one clock (the events' own timestamps), timers before each event."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

SAMPLES = ROOT / "resources" / "conversations" / "samples.jsonl"
PLAYBOOK = ROOT / "resources" / "examples" / "playbook.json"


def _readme_loop() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## In your chatbot", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 1, "the section shows one loop"
    return str(blocks[0])


def _simulated() -> list[dict[str, Any]]:
    result = subprocess.run([sys.executable, "-m", "builder", "simulate", str(PLAYBOOK), str(SAMPLES)],
                            capture_output=True, text=True, cwd=ROOT, timeout=120, check=True)
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture
def readme_namespace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    shutil.copy(PLAYBOOK, tmp_path / "playbook.json")  # the block loads "playbook.json" from where it runs
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {"__name__": "readme_loop"}
    exec(compile(_readme_loop(), "README.md:In your chatbot", "exec"), namespace)
    return namespace


def test_the_readme_loop_decides_every_sample_as_simulate(readme_namespace: dict[str, Any]) -> None:
    conversations = [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines()]
    expected = _simulated()
    assert [d["id"] for d in expected] == [c["id"] for c in conversations]
    for conversation, simulated in zip(conversations, expected, strict=True):
        handed: list[dict[str, Any]] = []
        readme_namespace["run_conversation"](conversation["id"], conversation.get("visitor"),
                                             conversation["events"], handed.append)
        if simulated["escalated"]:
            assert handed == [simulated], conversation["id"]
        else:
            assert handed == [], conversation["id"]
    escalated = sum(d["escalated"] for d in expected)
    assert 0 < escalated < len(expected)  # both outcomes are compared, timers included
    assert any(d.get("timer") for d in expected)


def test_the_readme_loop_uses_the_events_clock_only() -> None:
    code = _readme_loop()
    assert "now(" not in code and "time.time" not in code
