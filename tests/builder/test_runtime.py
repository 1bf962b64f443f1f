"""The runtime a chatbot imports: cheap import, validated load, sessions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from builder import runtime
from builder.paths import example_playbook


def test_load_and_observe_like_a_chatbot() -> None:
    rules = runtime.load(example_playbook())
    session = rules.session("c-17", {"name": "Ana"})
    assert session.observe({"at": "2026-11-24T09:00:00Z", "type": "visitor", "text": "hi"}) is None
    decision = session.observe({"at": "2026-11-24T09:00:30Z", "type": "visitor", "text": "Can I talk to a human?"})
    assert decision is not None and decision.escalated and decision.turn == 2
    out = decision.to_dict()
    assert out["rule"] == "explicit-human" and out["handoff"] == "instant" and "Ana" in (out["reply"] or "")


def test_tick_drives_timers_live() -> None:
    session = runtime.load(example_playbook()).session("c")
    session.observe({"at": "2026-11-24T09:00:00Z", "type": "visitor", "text": "my plug does not connect"})
    from datetime import datetime

    assert session.tick(datetime.fromisoformat("2026-11-24T09:05:00Z")) is None
    decision = session.tick(datetime.fromisoformat("2026-11-24T09:07:00Z"))
    assert decision is not None and decision.to_dict()["at"] == "2026-11-24T09:06:00Z"


def test_invalid_and_unreadable_files_raise_one_readable_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{nope", encoding="utf-8")
    with pytest.raises(runtime.RulesetLoadError, match="broken.json"):
        runtime.load(broken)
    document = json.loads(example_playbook().read_text(encoding="utf-8"))
    document["rules"][0]["when"] = {"fact": "message.mood", "op": "is_true"}
    invalid = tmp_path / "invalid.json"
    invalid.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(runtime.RulesetLoadError) as info:
        runtime.load(invalid)
    assert "message.mood" in str(info.value)
    with pytest.raises(runtime.RulesetLoadError):
        runtime.load(tmp_path / "missing.json")


def test_from_document() -> None:
    document = json.loads(example_playbook().read_text(encoding="utf-8"))
    session = runtime.from_document(document).session()
    assert session.observe({"at": "2026-11-24T09:00:00Z", "type": "visitor", "text": "refund please"}) is not None


def test_import_is_cheap_and_qt_free() -> None:
    code = ("import sys, builder.runtime; "
            "heavy = [m for m in ('PySide6', 'vaderSentiment', 'rapidfuzz', 'holidays', 'widgets') "
            "if m in sys.modules];"
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "[]"


def test_docstring_example_is_short() -> None:
    doc = runtime.__doc__ or ""
    example = [line for line in doc.splitlines() if line.startswith("    ")]
    assert 6 <= len(example) <= 12 and any("runtime.load" in line for line in example)
