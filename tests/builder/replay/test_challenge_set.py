"""The challenge set (`tests/data/challenge/`): its shape, that it copies no development line, and that
`handoff-builder evaluate --by category` measures the shipped playbook on it.

The set is a policy test written for the project: each category says what a line tests and which
trigger it must cause (the table in its README). The playbook's floors on it live with the other
floors in `tests/builder/test_playbook_quality.py`.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter
from typing import Any

import pytest
from rapidfuzz import fuzz, process, utils

from builder.cli import main
from builder.paths import example_playbook
from builder.replay.utterances import NONE_LABEL, LineProblem, Utterance, read_utterances
from tests.conftest import CHALLENGE_SET, DEV_DATA, ROOT

SOURCE = "handoff-builder challenge set"
# What each category tests, and the triggers its lines may carry (the README's table).
CATEGORIES: dict[str, set[str]] = {
    "paraphrase": {"human_request", "complaint_frustration", "refund_cancel_billing"},
    "short form": {"human_request"},
    "indirect request": {"human_request"},
    "transfer request": {"human_request"},
    "typo": {"human_request", "complaint_frustration", "refund_cancel_billing", "urgency"},
    "bot-failure complaint": {"complaint_frustration"},
    "case-handling complaint": {"complaint_frustration"},
    "service complaint": {"complaint_frustration"},
    "unrecognised charge": {"refund_cancel_billing"},
    "fee or bill dispute": {"refund_cancel_billing"},
    "fraud or lost card": {"urgency"},
    "negation": {NONE_LABEL},
    "ordinary question": {NONE_LABEL},
}
TRIGGERS = set().union(*CATEGORIES.values())
MIN_LINES, MIN_PER_CATEGORY, MAX_CATEGORY_SHARE, MIN_NONE_SHARE = 400, 20, 0.35, 0.40
# fuzz.ratio (0-100, after lower-casing and stripping punctuation) from which a line counts as a copy
NEAR_COPY = 85.0


def raw_lines() -> list[dict[str, Any]]:
    return [json.loads(line) for line in CHALLENGE_SET.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def lines() -> list[Utterance]:
    items = list(read_utterances(CHALLENGE_SET))
    problems = [item for item in items if isinstance(item, LineProblem)]
    assert problems == [], f"unreadable lines: {problems[:3]}"
    return [item for item in items if isinstance(item, Utterance)]


def test_every_line_has_the_fields_evaluate_reads_and_names_its_source() -> None:
    license_id = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["license"]
    for number, data in enumerate(raw_lines(), start=1):
        assert set(data) == {"text", "trigger", "category", "source", "license"}, f"line {number}: {sorted(data)}"
        assert data["text"].strip() == data["text"] and data["text"], f"line {number}: blank or padded text"
        assert data["source"] == SOURCE and data["license"] == license_id, f"line {number}"
        assert data["category"] in CATEGORIES, f"line {number}: unknown category {data['category']!r}"
        assert data["trigger"] in CATEGORIES[data["category"]], (
            f"line {number}: {data['category']!r} lines are {sorted(CATEGORIES[data['category']])}, "
            f"not {data['trigger']!r}: {data['text']!r}")


def test_size_and_spread(lines: list[Utterance]) -> None:
    assert len(lines) >= MIN_LINES
    categories = Counter(u.category for u in lines)
    assert set(categories) == set(CATEGORIES)
    thin = {c: n for c, n in categories.items() if n < MIN_PER_CATEGORY}
    assert not thin, f"categories with fewer than {MIN_PER_CATEGORY} lines: {thin}"
    largest, size = categories.most_common(1)[0]
    assert size / len(lines) < MAX_CATEGORY_SHARE, f"{largest} holds {size / len(lines):.0%} of the set"
    triggers = Counter(u.trigger for u in lines)
    assert set(triggers) == TRIGGERS
    assert triggers[NONE_LABEL] / len(lines) >= MIN_NONE_SHARE, "too few ordinary questions to measure false alarms"
    assert min(n for t, n in triggers.items() if t != NONE_LABEL) >= 30, dict(triggers)


def test_no_line_repeats_another(lines: list[Utterance]) -> None:
    seen = Counter(utils.default_process(u.text) for u in lines)
    assert [t for t, n in seen.items() if n > 1] == []


def test_the_set_writes_the_way_visitors_do(lines: list[Utterance]) -> None:
    """Mixed case, shouting, curly quotes and emoji, not only tidy ASCII sentences."""
    texts = [u.text for u in lines]
    assert sum(t.isupper() for t in texts) >= 4  # ALL CAPS
    assert sum(bool(re.search("[\u2018\u2019\u201c\u201d]", t)) for t in texts) >= 5  # curly quotes
    assert sum(any(ord(ch) >= 0x1F300 for ch in t) for t in texts) >= 5  # emoji
    assert sum(t[:1].islower() for t in texts) >= 50  # written without a capital


def test_the_readme_lists_every_category() -> None:
    readme = (CHALLENGE_SET.parent / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([a-z -]+) \| ([a-z_, ]+) \|", readme, flags=re.MULTILINE)[1:]  # after the header
    assert {name: set(triggers.split(", ")) for name, triggers in rows} == {
        name: triggers for name, triggers in CATEGORIES.items()
    }


def test_no_line_is_a_near_copy_of_a_development_line(lines: list[Utterance]) -> None:
    files = sorted(DEV_DATA.glob("*.jsonl")) if DEV_DATA.is_dir() else []
    if not files:
        pytest.skip(f"development data not found in {DEV_DATA}: the copy check runs only where it is present")
    dev = [u.text for path in files for u in read_utterances(path) if isinstance(u, Utterance)]
    assert len(dev) > 1000
    ours = [u.text for u in lines]
    scores = process.cdist(ours, dev, scorer=fuzz.ratio, processor=utils.default_process, workers=1)
    best = scores.argmax(axis=1)
    copies = [(ours[i], dev[j], round(float(scores[i, j]), 1)) for i, j in enumerate(best) if scores[i, j] >= NEAR_COPY]
    assert copies == [], f"near-copies of development lines (ours, theirs, similarity): {copies[:5]}"


def test_the_near_copy_check_can_fail() -> None:
    """The measure and threshold flag a lightly reworded line and pass a genuinely new one."""
    dev_line = "I want to talk to a human agent"
    assert fuzz.ratio("i want to talk to an human agent!", dev_line, processor=utils.default_process) >= NEAR_COPY
    assert fuzz.ratio("is there a real person I can chat with?", dev_line, processor=utils.default_process) < NEAR_COPY


def test_evaluate_reports_each_category_of_the_set_on_the_shipped_playbook(
    lines: list[Utterance], capsys: pytest.CaptureFixture[str], record_property: Any
) -> None:
    assert main(["evaluate", str(example_playbook()), str(CHALLENGE_SET), "--by", "category", "--json"]) == 0
    by_category = json.loads(capsys.readouterr().out)
    assert main(["evaluate", str(example_playbook()), str(CHALLENGE_SET), "--json"]) == 0
    by_trigger = json.loads(capsys.readouterr().out)
    rows = by_category["labels"]
    assert {name: row["count"] for name, row in rows.items()} == dict(Counter(u.category for u in lines))
    for name, row in rows.items():
        assert Counter(row["expected"]) == Counter(u.trigger for u in lines if u.category == name), name
    # the false-alarm rate is the same whichever way the rows are grouped
    none = by_trigger["labels"][NONE_LABEL]
    assert by_category["none_rate"] == by_trigger["none_rate"] == round(none["escalated"] / none["count"], 4)
    assert sum(rows[c]["escalated"] for c in ("negation", "ordinary question")) == none["escalated"]
    record_property("challenge_by_trigger", {t: s["rate"] for t, s in by_trigger["labels"].items()})
    record_property("challenge_by_category", {c: s["rate"] for c, s in rows.items()})


def test_the_draft_vocabulary_is_well_formed() -> None:
    """`vocabulary_draft.json`: word groups for the playbook to start from (lower case, no repeats)."""
    draft = json.loads((CHALLENGE_SET.parent / "vocabulary_draft.json").read_text(encoding="utf-8"))
    groups = draft["groups"]
    assert {"people", "contact verbs", "bot words", "negation cues", "billing words", "fraud words"} <= set(groups)
    assert {"rep", "agent", "operator", "human", "person", "staff", "someone", "representative", "advisor",
            "supervisor", "manager"} <= set(groups["people"]["words"])
    for name, group in groups.items():
        words, phrases = group["words"], group["phrases"]
        assert group["description"] and words, name
        assert all(re.fullmatch(r"[a-z]+", w) for w in words), f"{name}: a word with a space or capital"
        assert all(p == p.strip().lower() and p for p in phrases), f"{name}: a phrase not in lower case"
        assert len(set(words)) == len(words) and len(set(phrases)) == len(phrases), f"{name}: repeats"
