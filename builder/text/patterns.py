"""The rules' RE2 patterns: each compiled once, and one `re2.Set` scanning a message for all of
them at once. RE2 runs in linear time, so a visitor's message cannot make a manager's pattern
hang the chatbot."""

from __future__ import annotations

from typing import Any

_NOTHING: frozenset[int] = frozenset()


class PatternSet:
    """RE2 patterns (case-insensitive), each compiled once, plus one `re2.Set` of them all so a
    message is scanned once for every pattern (`matching_ids`). ValueError on a bad pattern."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self.patterns: list[str] = []
        self._compiled: list[Any] = []
        self._set: Any = None
        self._match: Any = None

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
        """Compile the combined set (after the last `add`)."""
        import re2

        if not self.patterns:
            self._set = False
            return
        options = re2.Options()
        options.case_sensitive = False
        combined = re2.Set.SearchSet(options)
        for pattern in self.patterns:
            combined.Add(pattern)
        combined.Compile()
        self._set = combined
        inner = getattr(combined, "_set", None)  # the C++ set: skips a Python frame per message
        self._match = inner.Match if inner is not None and hasattr(inner, "Match") else None

    def matching_ids(self, text: str) -> frozenset[int]:
        """Ids of every pattern found in `text`: one pass for all of them."""
        match = self._match
        if match is None:
            if self._set is None:
                self.build()
            if not self._set:
                return _NOTHING
            match = self._match
            if match is None:
                found = self._set.Match(text)
                return frozenset(found) if found else _NOTHING
        found = match(text.encode("utf-8"))
        return frozenset(found) if found else _NOTHING

    def search(self, pid: int, text: str) -> tuple[int, int] | None:
        """The span of the first match of pattern `pid` in `text`, or None."""
        m = self._compiled[pid].search(text)
        return m.span() if m is not None else None
