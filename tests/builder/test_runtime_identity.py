"""Ruleset identity (`content_hash`, `version`, `exported_at`, `warnings`) and `RulesetHolder.reload`
with a broken file written while conversations are in flight."""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from builder import runtime
from builder.format.io import export_ruleset
from builder.paths import example_playbook

HUMAN = {"at": "2026-11-24T09:00:30.500001Z", "type": "visitor", "text": "Can I talk to a human?"}
HELLO = {"at": "2026-11-24T09:00:00.250001Z", "type": "visitor", "text": "hello"}


def playbook() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(example_playbook().read_text(encoding="utf-8"))
    return document


def write(path: Path, document: dict[str, Any]) -> None:
    path.write_text(json.dumps(document), encoding="utf-8")


def codes(rules: runtime.Runtime) -> list[str]:
    return [p.code for p in rules.warnings]


# --- identity ------------------------------------------------------------------------------------

def test_identity_of_an_exported_file(tmp_path: Path) -> None:
    when = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
    result = export_ruleset(playbook(), tmp_path / "rules.json", exported_at=when)
    rules = runtime.load(result.path)
    assert rules.content_hash == result.content_hash
    assert rules.content_hash == json.loads(result.path.read_text(encoding="utf-8"))["metadata"]["content_hash"]
    assert rules.exported_at == when
    assert rules.version == "2.0.0"
    assert codes(rules) == [p.code for p in result.warnings]
    assert "metadata.hash_mismatch" not in codes(rules)


def test_the_playbook_as_shipped() -> None:
    rules = runtime.load(example_playbook())
    assert rules.exported_at is None  # the file says nothing about when
    assert rules.content_hash.startswith("sha256:") and len(rules.content_hash) == 71
    assert not any(code.startswith("runtime.") for code in codes(rules))


def test_a_hand_edited_file_is_loaded_with_a_warning_and_its_own_hash(tmp_path: Path) -> None:
    exported = export_ruleset(playbook(), tmp_path / "rules.json")
    document = json.loads(exported.path.read_text(encoding="utf-8"))
    document["rules"][0]["name"] = "Asks for a person"  # edited by hand, the hash left as it was
    write(exported.path, document)
    rules = runtime.load(exported.path)
    assert "metadata.hash_mismatch" in codes(rules)
    assert rules.content_hash != exported.content_hash  # the hash of what runs, not of what the file claims
    problem = next(p for p in rules.warnings if p.code == "metadata.hash_mismatch")
    assert problem.path == "$.metadata.content_hash" and "hash" in problem.message


def test_rulesets_that_can_never_hand_over_say_so() -> None:
    document = playbook()
    for rule in document["rules"]:
        rule["enabled"] = False
    rules = runtime.from_document(document)
    assert "runtime.no_enabled_rule" in codes(rules)
    assert rules.session().observe(HUMAN) is None
    document = playbook()
    document["rules"] = [{**document["rules"][0], "actions": [{"type": "tag", "tags": ["human"]}]}]
    assert "runtime.no_escalating_rule" in codes(runtime.from_document(document))
    assert runtime.from_document(playbook()).content_hash == runtime.load(example_playbook()).content_hash


def test_the_hash_follows_the_rules() -> None:
    document = playbook()
    document["rules"][0]["when"]["all"][2]["any"][1]["value"].append("a person please")
    assert runtime.from_document(document).content_hash != runtime.from_document(playbook()).content_hash


# --- reload --------------------------------------------------------------------------------------

def without_explicit_human() -> dict[str, Any]:
    """The playbook with its first rule switched off: "talk to a human" then decides differently."""
    document = playbook()
    document["rules"][0]["enabled"] = False
    return document


def test_reload_mid_traffic_with_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    write(path, playbook())
    holder = runtime.RulesetHolder(path)
    first = holder.runtime
    before = holder.session("before")  # in flight across every reload below
    before.observe(HELLO)

    path.write_text('{"rules": [', encoding="utf-8")  # a half-written file
    result = holder.reload()
    assert not result.ok and not result.changed
    assert result.error is not None and "rules.json" in result.error and "not JSON" in result.error
    assert holder.last_error == result.error and holder.runtime is first and result.runtime is first
    after_bad = holder.session("after-bad")  # opened after the failed reload: still the good rules
    decision = after_bad.observe(HUMAN)
    assert decision is not None and decision.rule == "explicit-human"

    document = playbook()
    document["rules"][0]["when"] = {"fact": "message.mood", "op": "is_true"}  # valid JSON, invalid ruleset
    write(path, document)
    result = holder.reload()
    assert not result.ok and result.error is not None and "message.mood" in result.error
    assert holder.runtime is first

    write(path, without_explicit_human())
    result = holder.reload()
    assert result.ok and result.changed and result.error is None and holder.last_error is None
    assert holder.runtime is result.runtime and holder.runtime.content_hash != first.content_hash
    after_good = holder.session("after-good")
    late = before.observe(HUMAN)  # the conversation that started first keeps its rules
    assert late is not None and late.rule == "explicit-human"
    fresh = after_good.observe(HUMAN)
    assert fresh is not None and fresh.rule == "talk-to-someone"


def test_a_missing_file_keeps_the_ruleset_and_a_first_load_must_succeed(tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    with pytest.raises(runtime.RulesetLoadError):
        runtime.RulesetHolder(path)
    write(path, playbook())
    holder = runtime.RulesetHolder(path)
    path.unlink()
    result = holder.reload()
    assert not result.ok and result.error is not None and "no such file" in result.error
    decision = holder.session("c").observe(HUMAN)
    assert decision is not None and decision.rule == "explicit-human"


def test_reload_only_if_modified(tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    write(path, playbook())
    holder = runtime.RulesetHolder(path)
    first = holder.runtime
    unchanged = holder.reload(only_if_modified=True)
    assert unchanged.ok and not unchanged.changed and holder.runtime is first  # nothing re-read
    assert holder.reload().runtime is not first  # an explicit reload reads the file again
    path.write_text("nope", encoding="utf-8")
    stamp = os.stat(path)
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 10_000_000))
    failed = holder.reload(only_if_modified=True)
    assert not failed.ok
    again = holder.reload(only_if_modified=True)  # the same broken file: still reported, not re-read
    assert not again.ok and again.error == failed.error
    write(path, without_explicit_human())
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 20_000_000))
    assert holder.reload(only_if_modified=True).changed


def test_reloads_while_threads_run_conversations(tmp_path: Path) -> None:
    """Every conversation decides by the ruleset it opened with, whatever reloads happen meanwhile."""
    path = tmp_path / "rules.json"
    write(path, playbook())
    holder = runtime.RulesetHolder(path)
    good = {holder.runtime.content_hash: "explicit-human"}
    wrong: list[str] = []
    stop = threading.Event()

    def chat() -> None:
        while not stop.is_set():
            rules = holder.runtime
            session = rules.session("c")
            session.observe(HELLO)
            decision = session.observe(HUMAN)
            expected = good.get(rules.content_hash)
            if decision is None or (expected is not None and decision.rule != expected):
                wrong.append(f"{rules.content_hash}: {decision and decision.rule}")

    workers = [threading.Thread(target=chat) for _ in range(3)]
    for worker in workers:
        worker.start()
    try:
        for i in range(6):
            if i % 2:
                path.write_text("{broken", encoding="utf-8")
                assert not holder.reload().ok
            else:
                write(path, without_explicit_human() if i % 4 else playbook())
                result = holder.reload()
                assert result.ok
                good[result.runtime.content_hash] = "talk-to-someone" if i % 4 else "explicit-human"
    finally:
        stop.set()
        for worker in workers:
            worker.join()
    assert wrong == []
