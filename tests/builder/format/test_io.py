"""builder.format.io: guarded reading, deterministic validated export, atomic writes.

The property test builds rulesets from the model's dataclasses (the way the editor does) and
checks export -> import -> export is byte-identical.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.format import io
from builder.format.io import InvalidRuleset, RulesetFileError, export_ruleset, load_ruleset, read_ruleset_file
from builder.format.model import (
    Channel,
    Condition,
    Cooldown,
    Escalate,
    Group,
    HolidaySet,
    Interval,
    Leaf,
    Metadata,
    Not,
    Notify,
    Reply,
    Routing,
    Rule,
    Ruleset,
    Schedule,
    Settings,
    Sla,
    Tag,
    Team,
    Template,
)
from rules_schema import content_hash, validate
from tests.conftest import examples

ROOT = Path(__file__).resolve().parents[3]
PLAYBOOK = ROOT / "resources" / "examples" / "playbook.json"
DRAFT = ROOT / "tests" / "rules_schema" / "fixtures" / "ruleset.v0.json"
FIXTURE = ROOT / "tests" / "rules_schema" / "fixtures" / "ruleset.v1.json"  # stable, unlike the example

# --- strategies: valid rulesets from the model's dataclasses ----------------------------------------

ids = st.from_regex(r"[a-z][a-z0-9_-]{0,12}", fullmatch=True)
words = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="{}"),
                min_size=1, max_size=24).filter(lambda s: s.strip() != "")
numbers = st.one_of(st.integers(0, 1000), st.floats(0, 1000, allow_nan=False, allow_infinity=False))
PLACEHOLDERS = ["visitor.name", "team", "promise", "rule", "last_message", "next_open"]
PATTERNS = [r"\brefund\b", r"order #?\d+", r"(?i)cancel(led)?"]


@st.composite
def leaves(draw: st.DrawFn) -> Leaf:
    kind = draw(st.sampled_from(["phrases", "number", "between", "bool", "choices", "attribute", "pattern", "pages"]))
    if kind == "phrases":
        op = draw(st.sampled_from(["contains_any", "contains_none", "similar_to"]))
        return Leaf("message.text", op, tuple(draw(st.lists(words, min_size=1, max_size=3))))
    if kind == "number":
        op = draw(st.sampled_from(["gt", "gte", "lt", "lte", "eq", "ne"]))
        return Leaf("visitor.score", op, draw(numbers))
    if kind == "between":
        low, high = sorted(draw(st.lists(numbers, min_size=2, max_size=2)))
        return Leaf("conversation.message_count", "between", (low, high))
    if kind == "bool":
        return Leaf(
            draw(st.sampled_from(["cart.abandoned", "visitor.returning"])),
            draw(st.sampled_from(["is_true", "is_false"])),
        )
    if kind == "choices":
        return Leaf(
            "bot.intent", draw(st.sampled_from(["in", "not_in"])), tuple(draw(st.lists(words, min_size=1, max_size=3)))
        )
    if kind == "attribute":
        return Leaf("visitor.attribute", "eq", draw(words), param=draw(ids))
    if kind == "pages":
        return Leaf("pages.views_matching", "gte", draw(st.integers(0, 9)), param="/pricing*")
    return Leaf("message.text", "matches", draw(st.sampled_from(PATTERNS)))


conditions: st.SearchStrategy[Condition] = st.recursive(
    leaves(),
    lambda inner: st.one_of(
        st.builds(Group, st.sampled_from(["all", "any"]), st.lists(inner, min_size=1, max_size=3).map(tuple)),
        st.builds(Not, inner),
    ),
    max_leaves=6,
)


@st.composite
def schedules(draw: st.DrawFn, ident: str) -> Schedule:
    days = draw(st.lists(st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]), unique=True, max_size=7))
    weekly = []
    for day in days:
        start = draw(st.integers(0, 22))
        end = draw(st.integers(start + 1, 24))
        weekly.append(Interval(day, f"{start:02d}:00", f"{end:02d}:00"))
    holidays = draw(
        st.sampled_from([None, HolidaySet("DE", "BE"), HolidaySet("US"), HolidaySet("FR", None, ("2026-07-14",))])
    )
    zone = draw(st.sampled_from(["Europe/Berlin", "America/New_York", "UTC", "Asia/Tokyo"]))
    return Schedule(ident, draw(words), zone, tuple(weekly), holidays)


@st.composite
def rulesets(draw: st.DrawFn) -> Ruleset:
    schedule_ids = draw(st.lists(ids, min_size=1, max_size=2, unique=True))
    schedule_list = tuple(draw(schedules(i)) for i in schedule_ids)
    team_ids = draw(st.lists(ids, min_size=1, max_size=2, unique=True))
    teams = tuple(
        Team(t, draw(words), draw(st.sampled_from(schedule_ids)), draw(st.one_of(st.none(), words))) for t in team_ids
    )
    template_ids = draw(st.lists(ids, min_size=1, max_size=3, unique=True))
    templates = tuple(
        Template(
            t,
            draw(words),
            "chat",
            "".join(
                draw(
                    st.lists(
                        st.one_of(words, st.sampled_from(PLACEHOLDERS).map(lambda p: f"{{{{{p}}}}}")),
                        min_size=1,
                        max_size=4,
                    )
                )
            ),
        )
        for t in template_ids
    )
    channels = (Channel("alerts", "Alerts", "slack", url_env="ALERTS_URL"),) if draw(st.booleans()) else ()
    rule_ids = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    rules = []
    for rid in rule_ids:
        actions: list[Any] = [
            Escalate(
                draw(st.sampled_from(["instant", "callback", "email"])),
                draw(st.sampled_from(team_ids)),
                draw(st.sampled_from(["low", "normal", "high", "urgent"])),
            )
        ]
        if draw(st.booleans()):
            actions.append(Reply(draw(st.sampled_from(template_ids))))
        if draw(st.booleans()):
            actions.append(Tag(tuple(draw(st.lists(words.map(lambda w: w[:60]), min_size=1, max_size=2)))))
        if channels and draw(st.booleans()):
            actions.append(Notify("alerts"))
        cooldown = draw(
            st.sampled_from(
                [Cooldown("once"), Cooldown("every_turn"), Cooldown("after_minutes", 5), Cooldown("after_minutes", 2.5)]
            )
        )
        rules.append(
            Rule(
                rid,
                draw(words),
                draw(st.sampled_from(["keyword", "emotional", "time_based"])),
                draw(conditions),
                tuple(actions),
                draw(st.booleans()),
                draw(st.one_of(st.just(""), words)),
                draw(st.booleans()),
                cooldown,
            )
        )
    sla = tuple(
        (p, Sla(draw(st.integers(1, 2000)), draw(st.sampled_from(["business", "calendar"]))))
        for p in ["low", "normal", "high", "urgent"]
    )
    return Ruleset(
        metadata=Metadata(
            draw(words),
            draw(st.one_of(st.just(""), words)),
            draw(st.sampled_from(["1.0.0", "2.3"])),
            draw(st.one_of(st.just(""), words)),
        ),
        settings=Settings(
            draw(st.sampled_from(["first_match", "all_matches"])),
            schedule_ids[0],
            draw(st.sampled_from([85, 90.5, 50])),
            draw(st.integers(1, 20)),
            "en",
        ),
        rules=tuple(rules),
        templates=templates,
        schedules=schedule_list,
        routing=Routing(
            teams,
            draw(st.sampled_from(["email", "callback"])),
            draw(st.booleans()),
            sla,
            draw(st.one_of(st.none(), words)),
        ),
        channels=channels,
    )


@settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.slow
@given(ruleset=rulesets())
def test_export_import_export_is_byte_identical(tmp_path: Path, ruleset: Ruleset) -> None:
    errors = [str(p) for p in validate(ruleset.to_dict()) if p.is_error]
    assert errors == []
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    export_ruleset(ruleset, first)
    loaded = load_ruleset(first)
    assert loaded == ruleset
    export_ruleset(loaded, second)
    assert first.read_bytes() == second.read_bytes()


# --- export ------------------------------------------------------------------------------------------


def test_export_is_deterministic_and_carries_its_hash(tmp_path: Path) -> None:
    document = read_ruleset_file(PLAYBOOK)
    a, b = export_ruleset(document, tmp_path / "a.json"), export_ruleset(document, tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    written = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert written["metadata"]["content_hash"] == a.content_hash == b.content_hash == content_hash(written)
    assert (tmp_path / "a.json").read_text(encoding="utf-8").endswith("}\n")
    assert validate(written) == []


def test_exported_at_is_written_only_when_asked_and_is_outside_the_hash(tmp_path: Path) -> None:
    plain = export_ruleset(read_ruleset_file(PLAYBOOK), tmp_path / "plain.json")
    when = datetime(2026, 11, 27, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    stamped = export_ruleset(read_ruleset_file(PLAYBOOK), tmp_path / "stamped.json", exported_at=when)
    assert "exported_at" not in plain.document["metadata"]
    assert stamped.document["metadata"]["exported_at"] == "2026-11-27T09:30:00+01:00"
    assert stamped.content_hash == plain.content_hash
    assert validate(stamped.document) == []


def test_re_export_of_a_file_is_identical_to_the_file(tmp_path: Path) -> None:
    export_ruleset(read_ruleset_file(PLAYBOOK), tmp_path / "a.json")
    export_ruleset(read_ruleset_file(tmp_path / "a.json"), tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_export_migrates_an_older_document(tmp_path: Path) -> None:
    result = export_ruleset(read_ruleset_file(DRAFT), tmp_path / "out.json")
    assert result.document["schema_version"] == 2  # export writes the latest version
    assert load_ruleset(tmp_path / "out.json").rule("human") is not None


def test_export_refuses_errors_and_writes_nothing(tmp_path: Path) -> None:
    document = read_ruleset_file(FIXTURE)
    document["rules"][0]["when"]["any"][0]["value"] = []
    document["rules"][1]["actions"][0]["team"] = "nobody"
    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(InvalidRuleset) as caught:
        export_ruleset(document, target)
    assert {p.code for p in caught.value.problems if p.is_error} == {"value.empty", "ref.team"}
    assert "2 errors" in str(caught.value)
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_export_returns_warnings_without_refusing(tmp_path: Path) -> None:
    document = read_ruleset_file(FIXTURE)
    document["rules"][1]["actions"] = []
    result = export_ruleset(document, tmp_path / "out.json")
    assert [p.code for p in result.warnings] == ["rule.no_actions"]


# --- import ------------------------------------------------------------------------------------------


def _file(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "ruleset.json"
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ('{"rules": [', "not JSON (line 1"),
        ("", "not JSON"),
        ("[1, 2]", "holds a list, not a ruleset"),
        ('"text"', "holds a string"),
        ("3", "holds a number"),
        ("null", "holds null"),
        ('{"a": NaN}', "NaN is not a number JSON allows"),
        ('{"a": 1, "a": 2}', "the key 'a' appears twice"),
        ("[" * 65 + "]" * 65, "nested too deeply"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        (b"\xff\xfe{}", "not a text file in UTF-8"),
    ],
)
def test_unreadable_files_get_one_line(tmp_path: Path, content: str | bytes, words: str) -> None:
    path = _file(tmp_path, content)
    with pytest.raises(RulesetFileError) as caught:
        read_ruleset_file(path)
    message = str(caught.value)
    assert words in message and "\n" not in message and message.startswith(str(path))


def test_nesting_up_to_the_limit_is_accepted(tmp_path: Path) -> None:
    path = _file(tmp_path, '{"a": ' + "[" * 63 + "]" * 63 + "}")
    assert read_ruleset_file(path) == {"a": _nested(62)}  # 64 levels: the object and 63 lists


def _nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


def test_a_file_over_the_size_cap_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with open(path, "wb") as handle:
        handle.truncate(io.MAX_BYTES + 1)  # sparse: instant, no 10 MB written
    with pytest.raises(RulesetFileError, match="too big for a ruleset"):
        read_ruleset_file(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(RulesetFileError, match="no such file"):
        read_ruleset_file(tmp_path / "missing.json")
    with pytest.raises(RulesetFileError, match="is a folder"):
        read_ruleset_file(tmp_path)


def test_a_byte_order_mark_is_tolerated(tmp_path: Path) -> None:
    assert read_ruleset_file(_file(tmp_path, '\ufeff{"a": 1}')) == {"a": 1}


def test_load_ruleset_validates(tmp_path: Path) -> None:
    document = read_ruleset_file(FIXTURE)
    del document["rules"][0]["name"]
    path = _file(tmp_path, json.dumps(document))
    with pytest.raises(InvalidRuleset) as caught:
        load_ruleset(path)
    assert [p.code for p in caught.value.problems] == ["schema.required"]
    assert str(caught.value).startswith(f"{path}: the ruleset has 1 error: Rule 1: the name is missing")
    assert load_ruleset(FIXTURE).rule("vip") is not None
    assert isinstance(load_ruleset(PLAYBOOK), Ruleset)


# --- atomic write --------------------------------------------------------------------------------------


def test_atomic_write_replaces_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")
    os.chmod(target, 0o640)
    io.atomic_write_text(target, "new é\n")
    assert target.read_bytes() == "new é\n".encode()
    assert os.stat(target).st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_a_failed_replace_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")

    def broken_replace(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(io.os, "replace", broken_replace)
    with pytest.raises(OSError):
        io.atomic_write_text(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_canonical_json_keeps_key_order_and_unicode() -> None:
    text = io.canonical_json({"b": 1, "a": "é"})
    assert text == '{\n  "b": 1,\n  "a": "é"\n}\n'
