"""Hypothesis strategies shared by the format's tests: arbitrary JSON and broken documents."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(-2, 2, allow_nan=False),
              st.sampled_from(["", "x", "Europe/Berlin", "09:00", "25:00", "mon", "escalate", "reply", "matches",
                               "(?=x)", "2026-01-01", "2026-13-01", "a@b.c", "HOOK_URL", "https://x", "high",
                               "all", "any", "message.text", "contains_any", "sha256:" + "0" * 64])),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(["all", "any", "not", "fact", "op", "value", "type",
                                                             "id", "name", "x", "team", "template"]), inner,
                                            max_size=3)),
    max_leaves=6)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _paths(value, (*prefix, index))
    return out


@st.composite
def broken(draw: st.DrawFn, base: dict[str, Any]) -> Any:
    """`base` with one to three nodes replaced, removed or given an extra key."""
    document = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(document)))
        if not path:
            continue
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "remove", "extra"]))
        if action == "replace":
            parent[path[-1]] = draw(json_values)
        elif action == "remove" and isinstance(parent, dict):
            del parent[path[-1]]
        elif isinstance(parent[path[-1]], dict):
            parent[path[-1]][draw(st.sampled_from(["x", "op", "all", "minutes"]))] = draw(json_values)
    return document
