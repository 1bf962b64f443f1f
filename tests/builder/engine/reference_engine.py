"""A deliberately simple reference evaluator, to check the compiled engine against.

Naive on purpose: every phrase is searched word by word in every message, every fact is
recomputed from the whole event prefix at every evaluation, timer crossings are recomputed from
scratch after every step of the clock. It shares only the *definitions* with the engine (the caps
and sentiment functions, the schedule), never its machinery (phrase table, indexes, closures,
incremental state, deadline scheduling). The stemmer is written out again here from the matcher's
documented rules, so that a mistake in the production stemmer shows up as a disagreement instead of
being copied. Also holds small builders used by the engine tests.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import re2
from rapidfuzz import fuzz

from builder.format.model import Condition, Group, Leaf, Not, Rule, Ruleset, iter_leaves
from builder.text.signals import FRUSTRATION_PHRASES, caps_ratio, sentiment, url_path
from tests.builder.engine import reference_text

UTC = UTC
EPS = 1e-6
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*|[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF]")


# --- builders for tests ---------------------------------------------------------------------

def make_ruleset(rules: list[dict[str, Any]], *, schedules: list[dict[str, Any]] | None = None,
                 templates: list[dict[str, Any]] | None = None, routing: dict[str, Any] | None = None,
                 word_groups: list[dict[str, Any]] | None = None, **settings: Any) -> Ruleset:
    """A Ruleset from rule dicts (defaults filled in) and settings overrides."""
    full = []
    for i, r in enumerate(rules):
        rule = {"id": f"r{i}", "name": f"Rule {i}", "enabled": True, "trigger": "keyword",
                "actions": [{"type": "escalate", "handoff": "instant", "team": "support", "priority": "normal"}],
                "stop": True, "cooldown": {"policy": "once"}}
        rule.update(r)
        full.append(rule)
    document: dict[str, Any] = {
        "schema_version": 1, "metadata": {"name": "test"},
        "settings": {"evaluation_mode": "first_match", "similarity_threshold": 85, "caps_min_letters": 8,
                     **settings},
        "rules": full, "templates": templates or [], "schedules": schedules or [],
        "routing": routing or {"teams": [], "offline_mode": "email", "sla": {}}, "channels": [],
        "word_groups": word_groups or [],
    }
    return Ruleset.from_dict(document)


def events(start: str, *items: tuple[float, str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Events at `start` + seconds: events("2026-11-24T09:00:00Z", (0, "visitor", {"text": "hi"}))."""
    base = datetime.fromisoformat(start)
    out = []
    for offset, kind, payload in items:
        at = datetime.fromtimestamp(base.timestamp() + offset, UTC)
        out.append({"at": at.isoformat().replace("+00:00", "Z"), "type": kind, **payload})
    return out


# --- naive text -------------------------------------------------------------------------------

# The matcher's light stemmer, as a table: (suffix, what replaces it, fewest letters left, whether
# what is left needs a vowel). The first row that fits applies; then a final e goes and a doubled
# final consonant is undoubled, each only when four letters or more are there.
_SUFFIX_RULES = (("ing", "", 3, True), ("ed", "", 3, True), ("ies", "y", 2, False), ("s", "", 3, False))
_NOT_INFLECTED = {"news", "inning", "outing", "canning", "herring", "earring"}


def stem(word: str) -> str:
    if not word.isalpha() or word in _NOT_INFLECTED:
        return word
    for suffix, replacement, fewest, needs_vowel in _SUFFIX_RULES:
        left = word[: len(word) - len(suffix)]
        if word.endswith(suffix) and len(left) >= fewest and (
                not needs_vowel or any(letter in "aeiouy" for letter in left)):
            word = left + replacement
            break
    if len(word) >= 4 and word[-1] == "e":
        word = word[:-1]
    if len(word) >= 4 and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    return reference_text.message(text).words  # contractions spelled out, as documented


_NO_TYPOS = reference_text.Vocabulary((), ())


def _vocabulary(ruleset: Ruleset) -> reference_text.Vocabulary:
    """Every phrase the enabled rules use (and the frustration list), and those with typo tolerance."""
    every: list[str] = list(FRUSTRATION_PHRASES)
    typo: list[str] = []
    for rule in ruleset.rules:
        if not rule.enabled:
            continue
        for leaf in iter_leaves(rule.when):
            if leaf.op not in ("contains_any", "contains_none", "near"):
                continue
            own = [leaf.value] if isinstance(leaf.value, str) else [str(v) for v in leaf.value or ()]
            phrases = own + reference_text.group_words(ruleset, leaf.groups)
            if leaf.near is not None:
                phrases += list(leaf.near.value) + reference_text.group_words(ruleset, leaf.near.groups)
            every += phrases
            if leaf.typo:
                typo += phrases
    return reference_text.Vocabulary(every, typo)


def phrase_in(text: str, phrase: str) -> bool:
    """Whole-word phrase search with the stemmer (contractions spelled out); `word*` is a prefix."""
    return bool(reference_text.occurrences(reference_text.message(text), phrase, _NO_TYPOS, False))


def norm(text: str) -> str:
    return " ".join(words(text))


# --- the reference ----------------------------------------------------------------------------

@dataclass
class Outcome:
    escalated: bool
    rule: str | None = None
    turn: int | None = None
    at: datetime | None = None
    tags: list[str] = field(default_factory=list)


def _t(event: dict[str, Any]) -> float:
    return datetime.fromisoformat(event["at"]).timestamp()


class Reference:
    def __init__(self, ruleset: Ruleset, visitor: dict[str, Any] | None = None) -> None:
        self.rs = ruleset
        self.visitor = visitor or {}
        self.applied: list[dict[str, Any]] = []
        self.last_fire: dict[str, tuple[int, float]] = {}
        self.tags: list[str] = []
        default = ruleset.schedule(None)
        self.zone = ZoneInfo(default.timezone) if default else UTC
        self.vocabulary = _vocabulary(ruleset)

    # facts, recomputed from scratch
    def visitor_texts(self) -> list[str]:
        return [e.get("text") or "" for e in self.applied if e["type"] == "visitor"]

    def turn(self) -> int:
        return len(self.visitor_texts())

    def fact(self, leaf: Leaf, t: float, eps: float) -> Any:
        name = leaf.fact
        texts = self.visitor_texts()
        text = texts[-1] if texts else ""
        bots = [e for e in self.applied if e["type"] == "bot"]
        msgs = [e for e in self.applied if e["type"] in ("visitor", "bot")]
        start = _t(self.applied[0]) if self.applied else None
        if name == "message.caps_ratio":
            return caps_ratio(text, self.rs.settings.caps_min_letters)
        if name == "message.sentiment":
            return sentiment(text)
        if name == "message.frustration":
            return any(phrase_in(text, p) for p in FRUSTRATION_PHRASES)
        if name == "conversation.message_count":
            return len(msgs)
        if name == "conversation.visitor_message_count":
            return len(texts)
        if name == "conversation.repeated_question_count":
            normed = [norm(x) for x in texts]
            count = 0
            for i, n in enumerate(normed):
                if len(n.split()) < 2:
                    continue
                if any(len(m.split()) >= 2 and fuzz.token_sort_ratio(n, m) >= self.rs.settings.similarity_threshold
                       for m in normed[:i]):
                    count += 1
            return count
        if name == "conversation.messages_per_minute":
            return sum(1 for e in self.applied if e["type"] == "visitor" and t - 60 < _t(e) <= t)
        if name == "conversation.lowest_sentiment":
            return min((sentiment(x) for x in texts), default=None)
        if name == "conversation.resolved":
            return any(e["type"] == "resolved" or (e["type"] == "bot" and e.get("resolved") is True)
                       for e in self.applied)
        if name == "bot.fallback_count":
            return sum(1 for b in bots if b.get("fallback") is True)
        if name == "bot.last_confidence":
            confs = [b["confidence"] for b in bots if isinstance(b.get("confidence"), (int, float))]
            return float(confs[-1]) if confs else None
        if name == "bot.last_fallback":
            return bool(bots) and bots[-1].get("fallback") is True
        if name == "bot.intent":
            intents = [b["intent"] for b in bots if "intent" in b]
            return intents[-1] if intents and isinstance(intents[-1], str) else None
        if name == "time.minutes_since_start":
            return 0.0 if start is None else (t - start + eps) / 60
        if name == "time.silence_seconds":
            base = _t(msgs[-1]) if msgs else start
            return 0.0 if base is None else t - base + eps
        if name == "time.in_business_hours":
            from builder.hours.schedule import open_hours

            schedule = self.rs.schedule(leaf.param)
            return open_hours(schedule).is_open(datetime.fromtimestamp(t, UTC)) if schedule else None
        if name == "time.local_weekday":
            return WEEKDAYS[datetime.fromtimestamp(t, self.zone).weekday()]
        if name == "time.local_hour":
            return datetime.fromtimestamp(t, self.zone).hour
        v = self.visitor
        if name == "visitor.score":
            s = v.get("score")
            return s if isinstance(s, (int, float)) and not isinstance(s, bool) else None
        if name == "visitor.returning":
            return v.get("returning") is True
        if name == "visitor.previous_chat_failed":
            return v.get("previous_chat_failed") is True
        if name == "visitor.email_known":
            return bool(v.get("email"))
        if name == "visitor.attribute":
            attrs = v.get("attributes") or {}
            return attrs.get(leaf.param, v.get(leaf.param or ""))
        views = [e for e in self.applied if e["type"] == "page_view"]
        if name == "pages.current_url":
            return url_path(views[-1]["url"]) if views else None
        if name == "pages.view_count":
            return len(views)
        if name == "pages.views_matching":
            return sum(1 for e in views if fnmatch.fnmatchcase(url_path(e["url"]), leaf.param or ""))
        if name == "cart.abandoned":
            state = False
            for e in self.applied:
                if e["type"] == "cart":
                    a = str(e.get("action", "")).casefold()
                    if a.startswith("abandon"):
                        state = True
                    elif a in ("checkout", "purchase", "purchased", "recovered", "restore", "restored"):
                        state = False
            return state
        raise KeyError(name)

    def holds(self, cond: Condition, t: float, eps: float) -> bool:
        if isinstance(cond, Group):
            results = [self.holds(c, t, eps) for c in cond.children]
            return all(results) if cond.kind == "all" else any(results)
        if isinstance(cond, Not):
            return not self.holds(cond.child, t, eps)
        return self.leaf(cond, t, eps)

    def leaf(self, leaf: Leaf, t: float, eps: float) -> bool:
        op, value = leaf.op, leaf.value
        if leaf.fact in ("message.text", "conversation.text"):
            texts = self.visitor_texts()
            pool = texts if leaf.fact == "conversation.text" else texts[-1:] or [""]
            phrases = (value,) if isinstance(value, str) else value
            if op in ("contains_any", "contains_none", "near"):
                wanted = leaf if op == "near" else replace(leaf, op="contains_any")
                found = any(reference_text.text_holds(wanted, x, self.rs, self.vocabulary) for x in pool)
                return not found if op == "contains_none" else found
            if op == "matches":
                return any(re2.search(value, x, options=_ci()) is not None for x in pool)
            if op == "similar_to":
                best = 0.0
                for x in pool:
                    n = norm(x)
                    if n:
                        best = max([best] + [fuzz.token_sort_ratio(n, norm(p)) for p in phrases if norm(p)])
                return best >= self.rs.settings.similarity_threshold
            if op == "is_set":
                return any(x.strip() for x in pool)
            raise KeyError(op)
        v = self.fact(leaf, t, eps)
        return compare(op, v, value)

    def cooldown_ok(self, rule: Rule, t: float) -> bool:
        last = self.last_fire.get(rule.id)
        if last is None:
            return True
        if rule.cooldown.policy == "once":
            return False
        if rule.cooldown.policy == "every_turn":
            return last[0] != self.turn()
        return t - last[1] >= (rule.cooldown.minutes or 0) * 60

    def evaluate(self, t: float, eps: float) -> Outcome | None:
        first_match = self.rs.settings.evaluation_mode != "all_matches"
        fired: list[Rule] = []
        deciding: Rule | None = None
        for rule in self.rs.rules:
            if not rule.enabled or not self.cooldown_ok(rule, t):
                continue
            if not self.holds(rule.when, t, eps):
                continue
            fired.append(rule)
            if rule.escalation is not None and deciding is None:
                deciding = rule
                if first_match:
                    break
            if rule.stop:
                break
        for rule in fired:
            self.last_fire[rule.id] = (self.turn(), t)
            for action in rule.actions:
                for tag in getattr(action, "tags", ()):
                    if tag not in self.tags:
                        self.tags.append(tag)
        if deciding is None:
            return None
        return Outcome(True, deciding.id, self.turn(), datetime.fromtimestamp(t, UTC), list(self.tags))

    def timer_thresholds(self) -> list[float]:
        """Instants (in the current gap) where a timer leaf of a rule that may still fire crosses."""
        out = []
        msgs = [e for e in self.applied if e["type"] in ("visitor", "bot")]
        start = _t(self.applied[0]) if self.applied else None
        if start is None:
            return out
        silence_base = _t(msgs[-1]) if msgs else start
        for rule in self.rs.rules:
            if not rule.enabled or (rule.cooldown.policy == "once" and rule.id in self.last_fire):
                continue
            for leaf in _leaves(rule.when):
                values = leaf.value if isinstance(leaf.value, tuple) else (leaf.value,)
                for v in values:
                    if not isinstance(v, (int, float)) or isinstance(v, bool):
                        continue
                    if leaf.fact == "time.minutes_since_start":
                        out.append(start + v * 60)
                    elif leaf.fact == "time.silence_seconds":
                        out.append(silence_base + v)
        return out

    def run(self, events_: list[dict[str, Any]]) -> Outcome:
        clock: float | None = None
        for event in events_:
            t = _t(event)
            if clock is not None:
                t = max(t, clock)
                # step the clock second by second through the gap, firing crossings
                step = clock
                while True:
                    crossings = sorted(c for c in self.timer_thresholds() if step < c <= t)
                    if not crossings:
                        break
                    step = crossings[0]
                    found = self.evaluate(step, EPS)
                    if found is not None:
                        return found
            clock = t
            self.applied.append({**event, "at": datetime.fromtimestamp(t, UTC).isoformat()})
            if event["type"] == "visitor":
                found = self.evaluate(t, 0.0)
                if found is not None:
                    return found
        return Outcome(False, tags=list(self.tags))


def _ci() -> Any:
    options = re2.Options()
    options.case_sensitive = False
    return options


def _leaves(cond: Condition) -> list[Leaf]:
    if isinstance(cond, Leaf):
        return [cond]
    if isinstance(cond, Not):
        return _leaves(cond.child)
    return [x for c in cond.children for x in _leaves(c)]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.casefold() == b.casefold()
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return bool(a == b)


def compare(op: str, v: Any, value: Any) -> bool:
    if op in ("gt", "gte", "lt", "lte", "between") and (v is None or isinstance(v, bool)):
        return False
    if op == "gt":
        return bool(v > value)
    if op == "gte":
        return bool(v >= value)
    if op == "lt":
        return bool(v < value)
    if op == "lte":
        return bool(v <= value)
    if op == "between":
        lo, hi = sorted(value)
        return bool(lo <= v <= hi)
    if op == "eq":
        return v is not None and _same(v, value)
    if op == "ne":
        return v is None or not _same(v, value)
    if op == "in":
        return v is not None and any(_same(v, x) for x in value)
    if op == "not_in":
        return v is None or not any(_same(v, x) for x in value)
    if op == "is_true":
        return v is True
    if op == "is_false":
        return v is not True
    if op == "is_set":
        return v is not None and v != ""
    if op == "matches":
        return v is not None and re2.search(value, str(v), options=_ci()) is not None
    raise KeyError(op)


def reference_run(ruleset: Ruleset, conversation: dict[str, Any]) -> Outcome:
    return Reference(ruleset, conversation.get("visitor")).run(conversation["events"])
