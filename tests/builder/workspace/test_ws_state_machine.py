"""Save / restore / diff / recovery / reopen against a plain in-memory model of the history."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from builder.workspace import Workspace, content_hash, deltas
from tests.conftest import examples

RULE_IDS = ("a", "b", "c", "d", "e")

rules = st.builds(
    lambda rid, name, enabled, value: {
        "id": rid, "name": f"{name} {rid}", "enabled": enabled, "trigger": "keyword",
        "when": {"all": [{"fact": "message.text", "op": "contains_any", "value": [value]}]},
        "actions": [{"type": "escalate", "handoff": "instant", "team": "support"}],
    },
    st.sampled_from(RULE_IDS), st.sampled_from(["Refund", "Angry"]), st.booleans(),
    st.sampled_from(["refund", "cancel"]),
)
documents = st.builds(
    lambda rule_list, templates, name: {
        "schema_version": 1, "metadata": {"name": name}, "rules": rule_list,
        "templates": templates, "schedules": [], "routing": {"teams": []}, "channels": [],
    },
    st.lists(rules, max_size=4, unique_by=lambda r: r["id"]),
    st.sampled_from([[], [{"id": "ack", "body": "Hello"}], [{"id": "ack", "body": "Hi"}]]),
    st.sampled_from(["Support", "Sales"]),
)


def _ids(document: dict[str, Any]) -> set[str]:
    return {r["id"] for r in document["rules"]}


class WorkspaceModel(RuleBasedStateMachine):
    """The model: the list of revision documents (index 0 = revision 1) and the unsaved edits."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="ws-model-"))
        self.path = self.folder / "workspace.json"
        self.history: list[dict[str, Any]] = []
        self.recovery: dict[str, Any] | None = None
        self.recovery_from_this_session = False
        self.ws = Workspace.open(self.path, author="model")
        self.keyframe_every, self.ratio = deltas.KEYFRAME_EVERY, deltas.DELTA_MAX_RATIO
        deltas.KEYFRAME_EVERY = 3  # cross keyframe boundaries within a short run
        deltas.DELTA_MAX_RATIO = 1e9  # and store deltas even for these tiny documents

    @initialize(document=documents)
    def create(self, document: dict[str, Any]) -> None:
        self.ws.create_project("P", document)
        self.history.append(json.loads(json.dumps(document)))

    @property
    def project(self) -> Any:
        return self.ws.project("P")

    @rule(document=documents, description=st.sampled_from(["", "by hand"]))
    def save(self, document: dict[str, Any], description: str) -> None:
        revision = self.project.save(document, description)
        if document != self.history[-1]:
            self.history.append(json.loads(json.dumps(document)))
            if description:
                assert revision.description == description
            else:
                assert revision.description != "No changes"
        if self.recovery == document:
            self.recovery = None
        assert revision.number == len(self.history)

    @rule(data=st.data())
    def restore(self, data: st.DataObject) -> None:
        number = data.draw(st.integers(1, len(self.history)))
        revision = self.project.restore(number)
        if self.history[number - 1] != self.history[-1]:
            self.history.append(self.history[number - 1])
            assert revision.description == f"Restored revision {number}"
        if self.recovery == self.history[-1]:
            self.recovery = None
        assert revision.number == len(self.history)

    @rule(data=st.data())
    def diff(self, data: st.DataObject) -> None:
        a = data.draw(st.integers(1, len(self.history)))
        b = data.draw(st.integers(1, len(self.history)))
        old, new = self.history[a - 1], self.history[b - 1]
        result = self.project.diff(a, b)
        assert {r.id for r in result.added} == _ids(new) - _ids(old)
        assert {r.id for r in result.removed} == _ids(old) - _ids(new)
        old_rules = {r["id"]: r for r in old["rules"]}
        for change in result.changed:
            assert change.id in old_rules and change.id in _ids(new)
        for rule_ in new["rules"]:
            if rule_["id"] in old_rules and rule_ != old_rules[rule_["id"]]:
                assert rule_["id"] in {c.id for c in result.changed}
        assert bool(result) == (old != new)

    @rule(document=documents)
    def autosave(self, document: dict[str, Any]) -> None:
        self.project.write_recovery(document)
        self.recovery = json.loads(json.dumps(document))
        self.recovery_from_this_session = True

    @precondition(lambda self: self.recovery is not None)
    @rule()
    def discard_recovery(self) -> None:
        self.project.clear_recovery()
        self.recovery = None

    @rule(clean=st.booleans())
    def reopen(self, clean: bool) -> None:
        self.ws.close(keep_recovery=not clean)
        if clean and self.recovery_from_this_session:
            self.recovery = None  # a clean close drops this session's edits, not a crash's
        self.recovery_from_this_session = False
        self.ws = Workspace.open(self.path)

    @invariant()
    def matches_model(self) -> None:
        if not self.history:
            return
        project = self.project
        assert project.current() == self.history[-1]
        revisions = project.revisions()
        assert [r.number for r in revisions] == list(range(1, len(self.history) + 1))
        assert revisions[-1].content_hash == content_hash(self.history[-1])
        assert project.recovery() == self.recovery
        assert self.ws.projects()[0].revisions == len(self.history)
        for number in (1, len(self.history) // 2 + 1, len(self.history)):
            assert project.revision_document(number) == self.history[number - 1]

    def teardown(self) -> None:
        deltas.KEYFRAME_EVERY, deltas.DELTA_MAX_RATIO = self.keyframe_every, self.ratio
        self.ws.close()
        shutil.rmtree(self.folder, ignore_errors=True)


WorkspaceModel.TestCase.settings = settings(
    max_examples=examples(15), stateful_step_count=15, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestWorkspaceModel = WorkspaceModel.TestCase
