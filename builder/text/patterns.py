"""The rules' RE2 patterns: each compiled once, and one `re2.Set` scanning a message for all of
them at once. RE2 runs in linear time, so a visitor's message cannot make a manager's pattern
hang the chatbot."""

from __future__ import annotations

from typing import Any

_NOTHING: frozenset[int] = frozenset()
# RE2's memory budget for one set (a cap, not an allocation): a quarter goes to the compiled
# program, the rest to the DFA that runs it. RE2's default (8 MB) fails on a few hundred
# patterns with `.{0,80}`-style gaps; this holds thousands.
_SET_MEMORY = 64 << 20


def _compiled_set(patterns: list[str]) -> Any:
    """The `Match` (bytes -> indexes) of one compiled `re2.Set` of `patterns`, or None when RE2
    cannot build it within `_SET_MEMORY` (RE2 also checks there that its DFA can start)."""
    import re2

    options = re2.Options()
    options.case_sensitive = False
    options.max_mem = _SET_MEMORY
    options.log_errors = False
    combined = re2.Set.SearchSet(options)
    try:
        for pattern in patterns:
            combined.Add(pattern)
        combined.Compile()
    except re2.error:
        return None
    inner = getattr(combined, "_set", None)  # the C++ set: skips a Python frame per message
    return inner.Match if inner is not None and hasattr(inner, "Match") else combined.Match


class PatternSet:
    """RE2 patterns (case-insensitive), each compiled once, plus one `re2.Set` of them all so a
    message is scanned once for every pattern (`matching_ids`). ValueError on a bad pattern."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self.patterns: list[str] = []
        self._compiled: list[Any] = []
        self._set: Any = None  # None until built, then whether there are patterns
        self._match: Any = None  # the one set's C++ `Match` (bytes -> indexes) when one set holds all
        self._parts: list[tuple[Any, tuple[int, ...] | None]] = []  # (a set's Match, its pattern ids)
        self._alone: list[int] = []  # patterns no set can hold: searched one by one

    def add(self, pattern: str) -> int:
        pid = self._ids.get(pattern)
        if pid is not None:
            return pid
        import re2

        options = re2.Options()
        options.case_sensitive = False
        try:
            compiled = re2.compile(pattern, options)
        except re2.error as exc:
            raise ValueError(f"the pattern {pattern!r} is not a valid RE2 expression: {exc}") from None
        pid = len(self.patterns)
        self._ids[pattern] = pid
        self.patterns.append(pattern)
        self._compiled.append(compiled)
        return pid

    def build(self) -> None:
        """Compile the combined set (after the last `add`): one set within `_SET_MEMORY` when the
        patterns fit, as they do for any ordinary ruleset, else several sets (halves, recursively),
        so a ruleset whose patterns all compile always loads. A pattern too big for a set even on
        its own is searched alone."""
        self._parts = []
        self._alone = []
        if not self.patterns:
            self._set = False
            return
        self._split(list(range(len(self.patterns))))
        self._set = True
        if len(self._parts) == 1 and not self._alone and self._parts[0][1] is None:
            self._match = self._parts[0][0]

    def _split(self, pids: list[int]) -> None:
        """Compile `pids` as one set, or each half of them the same way when RE2 cannot."""
        match = _compiled_set([self.patterns[pid] for pid in pids])
        if match is not None:
            whole = len(pids) == len(self.patterns)  # ids are the set's indexes: no mapping
            self._parts.append((match, None if whole else tuple(pids)))
        elif len(pids) == 1:
            self._alone.append(pids[0])
        else:
            half = len(pids) // 2
            self._split(pids[:half])
            self._split(pids[half:])

    @property
    def set_count(self) -> int:
        """How many `re2.Set`s scan a message: 1 for an ordinary ruleset (0 without patterns)."""
        if self._set is None:
            self.build()
        return len(self._parts)

    def matching_ids(self, text: str) -> frozenset[int]:
        """Ids of every pattern found in `text`: one pass for all of them (one per set when the
        patterns needed several)."""
        match = self._match
        if match is None:
            return self._matching_ids_in_parts(text)
        found = match(text.encode("utf-8"))
        return frozenset(found) if found else _NOTHING

    def _matching_ids_in_parts(self, text: str) -> frozenset[int]:
        if self._set is None:
            self.build()
            if self._match is not None:
                return self.matching_ids(text)
        if not self._set:
            return _NOTHING
        data = text.encode("utf-8")
        ids: set[int] = set()
        for match, pids in self._parts:
            found = match(data)
            if found:
                ids.update(found if pids is None else (pids[i] for i in found))
        ids.update(pid for pid in self._alone if self._compiled[pid].search(text) is not None)
        return frozenset(ids) if ids else _NOTHING

    def search(self, pid: int, text: str) -> tuple[int, int] | None:
        """The span of the first match of pattern `pid` in `text`, or None."""
        m = self._compiled[pid].search(text)
        return m.span() if m is not None else None
