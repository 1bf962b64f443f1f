"""`runtime.settle()` and what makes it safe: a live service freezes long-lived objects so garbage
collections stop pausing `observe`, which only works if sessions can still be freed by reference
counting, i.e. hold no reference cycles."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

from builder import runtime
from builder.format.conversation import Conversation, read_conversations
from builder.paths import sample_conversations

ROOT = Path(__file__).resolve().parents[2]


def test_finished_sessions_leave_no_garbage_cycles() -> None:
    rules = runtime.load(ROOT / "resources/examples/playbook.json")
    conversations = [c for c in read_conversations(sample_conversations()) if isinstance(c, Conversation)]
    assert len(conversations) > 5
    gc.collect()
    gc.disable()  # no automatic collection may clear cycles before the count below
    try:
        escalated = 0
        for trace in (False, True):
            for conversation in conversations:
                session = rules.session(conversation.id, conversation.visitor, trace=trace)
                for event in conversation.events:
                    decision = session.observe(event)
                    if decision is not None:
                        escalated += 1
                        assert decision.payload is not None  # built on read: no cycle either
                        break
                del session, decision
        assert escalated > 2
        assert gc.collect() == 0  # everything was freed by reference counting already
    finally:
        gc.enable()


def test_settle_loads_lazy_parts_and_freezes() -> None:
    code = ("import gc; from builder import runtime; from builder.text import sentiment;"
            "assert sentiment._model is None; runtime.settle();"
            "assert sentiment._model is not None and gc.get_freeze_count() > 10_000; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert out.stdout.strip() == "ok", out.stderr
