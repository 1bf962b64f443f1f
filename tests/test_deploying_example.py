"""docs/DEPLOYING.md's service loop is the file the tests run, and it decides as `simulate` does while
saving every session to JSON and restoring it at the next event or timer."""

from __future__ import annotations

import asyncio
import json
import re
import runpy
import subprocess
import sys
from typing import Any

import pytest

from builder.engine import Session
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "service_loop.py"
SAMPLES = ROOT / "resources" / "conversations" / "samples.jsonl"
PLAYBOOK = ROOT / "resources" / "examples" / "playbook.json"

needs_session_state = pytest.mark.skipif(
    not hasattr(Session, "to_state"),
    reason="Session.to_state / Runtime.restore (issue #18 item 1) are not merged yet; the example uses them")


def test_the_deploying_page_shows_the_example_file_as_it_is() -> None:
    page = (ROOT / "docs" / "DEPLOYING.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", page, re.S)
    assert EXAMPLE.read_text(encoding="utf-8") in blocks
    assert "examples/service_loop.py" in page


@needs_session_state
def test_the_example_service_loop_decides_every_sample_as_simulate_and_hands_over_the_message() -> None:
    ran = subprocess.run([sys.executable, str(EXAMPLE)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert ran.returncode == 0, ran.stderr
    handed = [json.loads(line) for line in ran.stdout.splitlines()]
    simulated = subprocess.run([sys.executable, "-m", "builder", "simulate", str(PLAYBOOK), str(SAMPLES)],
                               capture_output=True, text=True, cwd=ROOT, timeout=120, check=True)
    expected = [d for d in map(json.loads, simulated.stdout.splitlines()) if d["escalated"]]
    by_id = {h["decision"]["id"]: h for h in handed}
    assert len(by_id) == len(handed) and set(by_id) == {d["id"] for d in expected}  # in time order, once each
    assert [by_id.get(d["id"], {}).get("decision") for d in expected] == expected
    assert any(d.get("timer") for d in expected)
    conversations = {c["id"]: c for c in map(json.loads, SAMPLES.read_text(encoding="utf-8").splitlines())}
    for decision in (d for d in expected if not d.get("timer")):
        said = [e["text"] for e in conversations[decision["id"]]["events"] if e["type"] == "visitor"]
        payload = json.dumps(by_id[decision["id"]]["payload"], ensure_ascii=False)
        assert json.dumps(said[decision["turn"] - 1], ensure_ascii=False)[1:-1] in payload, decision["id"]
    assert "largest saved session state" in ran.stderr


@needs_session_state
def test_the_live_loop_stamps_events_on_arrival_and_hands_over() -> None:
    from builder import runtime

    example = runpy.run_path(str(EXAMPLE))
    handed: list[tuple[Any, Any]] = []
    host = example["Host"](runtime.load(PLAYBOOK), lambda decision, payload: handed.append((decision, payload)))

    async def chat() -> None:
        inbox: asyncio.Queue[Any] = asyncio.Queue()
        await inbox.put(("live-1", {"name": "Ana"}, {"type": "visitor", "text": "hello, where is my parcel?"}))
        await inbox.put(("live-1", None, {"type": "visitor", "text": "Can I talk to a human please?"}))
        await inbox.put(None)
        await asyncio.wait_for(example["serve"](host, inbox), 30)

    asyncio.run(chat())
    assert [(d.id, d.rule, d.turn) for d, _ in handed] == [("live-1", "explicit-human", 2)]
    assert host.store == {} and host.scheduled == {}  # handed over: nothing left to resume
