"""The per-conversation state the facts are read from, updated incrementally event by event.

A new event costs work proportional to that event: message-level signals are computed lazily (at
most once per message, only when a rule asks), and conversation-level accumulators are kept only
for the facts the compiled ruleset uses (`builder.engine.sources.Needs`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from builder.engine.sources import Sources
from builder.text.normalise import words_of
from builder.text.phrases import Tokens
from builder.text.signals import RepeatTracker, caps_ratio, sentiment, url_path

UTC = UTC
EMPTY: frozenset[int] = frozenset()
_ABSENT = object()


class State:
    """Facts of one conversation at the current instant (`now`, epoch seconds)."""

    __slots__ = (
        "src", "now", "eps", "start", "last_msg", "text", "_words", "_tokens", "patterns_found", "hits", "msg", "turn",
        "conv_hits", "conv_first", "conv_patterns", "conv_similar", "conv_nonempty",
        "message_count", "visitor_count", "repeat", "recent", "lowest", "resolved",
        "fallbacks", "last_conf", "last_fallback", "intent", "visitor", "score", "returning",
        "prev_failed", "email_known", "attributes", "context", "url", "views", "pattern_views",
        "cart_abandoned", "_local_at", "_local", "_open", "record_spans",
    )

    def __init__(self, src: Sources, visitor: Mapping[str, Any] | None, record_spans: bool = False) -> None:
        self.src = src
        self.record_spans = record_spans
        self.now = 0.0
        self.eps = 0.0
        self.start: float | None = None
        self.last_msg: float | None = None
        self.text = ""
        self._words: list[str] | None = None
        self._tokens: Tokens | None = None
        self.patterns_found: frozenset[int] | None = None
        self.hits: set[int] | frozenset[int] = EMPTY
        self.msg: dict[Any, Any] = {}
        self.turn = 0
        self.conv_hits: set[int] = set()
        self.conv_first: dict[int, tuple[int, int, int]] = {}
        self.conv_patterns: dict[int, tuple[int, int, int]] = {}
        self.conv_similar: dict[int, float] = {}
        self.conv_nonempty = False
        self.message_count = 0
        self.visitor_count = 0
        self.repeat = RepeatTracker(src.settings.similarity_threshold) if src.needs.repeat else None
        self.recent: deque[float] = deque()
        self.lowest: float | None = None
        self.resolved = False
        self.fallbacks = 0
        self.last_conf: float | None = None
        self.last_fallback = False
        self.intent: str | None = None
        self.context: dict[str, Any] = {}
        self.visitor: dict[str, Any] = {}
        self.score: float | None = None
        self.returning = self.prev_failed = self.email_known = False
        self.attributes: Mapping[str, Any] = {}
        self.set_visitor(dict(visitor or {}))
        self.url: str | None = None
        self.views = 0
        self.pattern_views = [0] * len(src.url_patterns)
        self.cart_abandoned = False
        self._local_at = -1.0
        self._local: datetime | None = None
        self._open: dict[str, bool] = {}

    # --- events -------------------------------------------------------------------------------

    def visitor_message(self, text: str, at: float) -> None:
        src = self.src
        self.turn += 1
        self.visitor_count += 1
        self.message_count += 1
        self.last_msg = at
        self.text = text
        self.msg = {}
        self._words = self._tokens = None
        if src.scan is not None:  # phrases and RE2 patterns in one pass
            self.hits, self.patterns_found = src.scan(text)
        else:
            self.patterns_found = None
            self.hits = src.matcher.match_text(text)
        if not self.conv_nonempty and text.strip():
            self.conv_nonempty = True
        if src.per_message:
            self._accumulate(text, at)

    def reread_message(self) -> None:
        """Find the latest message's phrases and patterns again: a restored session keeps only its
        text (timer evaluations still read it), not the ids the scan derives from it."""
        if self.turn == 0:
            return
        src = self.src
        if src.scan is not None:
            self.hits, self.patterns_found = src.scan(self.text)
        else:
            self.hits = src.matcher.match_text(self.text)

    def _accumulate(self, text: str, at: float) -> None:
        """Conversation-level signals, kept only when a rule uses them."""
        src = self.src
        needs = src.needs
        if needs.conv_hits and self.hits:
            if self.record_spans:
                for m in src.matcher.matches(text, self.tokens):
                    self.conv_first.setdefault(m.phrase_id, (self.turn, m.start, m.end))
            self.conv_hits |= self.hits
        if src.conv_pattern_ids:
            found = self.pattern_ids()
            for pid in src.conv_pattern_ids:
                if pid in found and pid not in self.conv_patterns:
                    span = src.patterns.search(pid, text) or (-1, -1)
                    self.conv_patterns[pid] = (self.turn, span[0], span[1])
        for key, phrases in src.conv_similar_leaves:
            score = self.similar_score(phrases)
            if score > self.conv_similar.get(key, -1.0):
                self.conv_similar[key] = score
        if self.repeat is not None:
            self.repeat.add(text)
        if needs.per_minute:
            self.recent.append(at)
        if needs.lowest_sentiment:
            s = self.sentiment()
            if self.lowest is None or s < self.lowest:
                self.lowest = s

    def bot_message(self, event: Mapping[str, Any], at: float) -> None:
        self.message_count += 1
        self.last_msg = at
        if event.get("fallback") is True:
            self.last_fallback = True
            self.fallbacks += 1
        else:
            self.last_fallback = False
        conf = event.get("confidence")
        if type(conf) is float:
            self.last_conf = conf
        elif isinstance(conf, (int, float)) and not isinstance(conf, bool):
            self.last_conf = float(conf)
        intent = event.get("intent", _ABSENT)
        if intent is not _ABSENT:
            self.intent = intent if isinstance(intent, str) else None
        if event.get("resolved") is True:
            self.resolved = True

    def set_visitor(self, visitor: dict[str, Any]) -> None:
        """The visitor profile (at the start, or merged by a `profile` event) and the facts read from it."""
        self.visitor = v = visitor
        score = v.get("score")
        self.score = score if isinstance(score, (int, float)) and not isinstance(score, bool) else None
        self.returning = v.get("returning") is True
        self.prev_failed = v.get("previous_chat_failed") is True
        self.email_known = bool(v.get("email"))
        attrs = v.get("attributes")
        attrs = attrs if isinstance(attrs, Mapping) else {}
        self.attributes = {**attrs, **self.context} if self.context else attrs

    def profile(self, update: Mapping[str, Any]) -> None:
        """Merge a `profile` event into the visitor profile: each field given replaces the one known
        (`attributes` key by key); `at` and `type` are the event's own. Facts read the new profile
        from this event on, so a score learned mid-chat counts at the next evaluation."""
        v = dict(self.visitor)
        for key, value in update.items():
            if key == "at" or key == "type":
                continue
            if key == "attributes" and isinstance(value, Mapping):
                old = v.get("attributes")
                v[key] = {**old, **value} if isinstance(old, Mapping) else dict(value)
            else:
                v[key] = value
        self.set_visitor(v)

    def set_context(self, values: Mapping[str, Any]) -> None:
        """Merge a `context` event's values (what the host knows about this conversation: plan of the
        account in view, locale, channel...). `visitor.attribute` reads them before the profile's
        attributes: they describe this conversation, the more specific of the two."""
        self.context = {**self.context, **values}
        self.set_visitor(self.visitor)

    def page_view(self, url: str) -> None:
        path = url_path(url)  # parsed once for every pattern
        self.url = path
        self.views += 1
        for i, (whole, match) in enumerate(self.src.url_patterns):
            if match(url if whole else path) is not None:
                self.pattern_views[i] += 1

    def cart(self, action: str) -> None:
        action = action.casefold()
        if action.startswith("abandon"):
            self.cart_abandoned = True
        elif action in ("checkout", "purchase", "purchased", "recovered", "restore", "restored"):
            self.cart_abandoned = False

    # --- lazy message signals -----------------------------------------------------------------

    @property
    def words(self) -> list[str]:
        """The latest message's normalised words (computed on first use)."""
        if self._words is None:
            self._words = words_of(self.text)
        return self._words

    @property
    def tokens(self) -> Tokens:
        """The latest message as words with stems and spans (for explanations)."""
        if self._tokens is None:
            self._tokens = Tokens(self.text, self.words)
        return self._tokens

    def sentiment(self) -> float:
        s = self.msg.get("sentiment")
        if s is None:
            s = self.msg["sentiment"] = sentiment(self.text)
        return float(s)

    def caps(self) -> float:
        c = self.msg.get("caps")
        if c is None:
            c = self.msg["caps"] = caps_ratio(self.text, self.src.settings.caps_min_letters)
        return float(c)

    def pattern_ids(self) -> frozenset[int]:
        """Ids of the ruleset's RE2 patterns found in the latest message (one scan, cached)."""
        found = self.patterns_found
        if found is None:
            found = self.patterns_found = self.src.patterns.matching_ids(self.text)
        return found

    def pattern_span(self, pid: int) -> tuple[int, int] | None:
        key = ("re", pid)
        if key in self.msg:
            span: tuple[int, int] | None = self.msg[key]
            return span
        span = self.msg[key] = self.src.patterns.search(pid, self.text)
        return span

    def similar_score(self, phrases: tuple[str, ...]) -> float:
        """Best rapidfuzz score of the latest message against normalised `phrases` (0-100)."""
        key = ("sim", phrases)
        score = self.msg.get(key)
        if score is None:
            norm = self.msg.get("norm")
            if norm is None:
                norm = self.msg["norm"] = " ".join(self.words)
            best = 0.0
            if norm:
                scorer = self.src.similarity_scorer
                for p in phrases:
                    s = scorer(norm, p)
                    if s > best:
                        best = s
            score = self.msg[key] = float(best)
        return float(score)

    def per_minute(self) -> int:
        recent = self.recent
        cutoff = self.now - 60.0
        while recent and recent[0] <= cutoff:
            recent.popleft()
        # Messages after `now` cannot exist: events are applied in time order.
        return len(recent)

    # --- clock --------------------------------------------------------------------------------

    def minutes_since_start(self) -> float:
        return 0.0 if self.start is None else (self.now - self.start + self.eps) / 60.0

    def silence(self) -> float:
        base = self.last_msg if self.last_msg is not None else self.start
        return 0.0 if base is None else self.now - base + self.eps

    def local(self) -> datetime:
        if self._local_at != self.now or self._local is None:
            self._local = datetime.fromtimestamp(self.now, self.src.zone)
            self._local_at = self.now
        return self._local

    def instant(self) -> datetime:
        return datetime.fromtimestamp(self.now, UTC)

    def in_hours(self, schedule_id: str) -> bool | None:
        key = f"{schedule_id}@{self.now}"
        if key not in self._open:
            if len(self._open) > 64:
                self._open.clear()
            self._open[key] = self.src.is_open(schedule_id, self.instant())  # type: ignore[assignment]
        return self._open[key]
