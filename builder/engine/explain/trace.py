"""Explanations: the trace of a rule as data, and a plain-text rendering of it.

A trace node is a leaf `{fact, param, op, value, actual, held, matches}` or a group
`{op: all|any|not, held, conditions: [...]}`; a rule trace is `{rule, name, trigger, fired, held,
evaluated, cooldown, conditions_held, conditions_total, conditions: [root]}`, so a near miss
("3 of 4 conditions held") is visible. Every condition is evaluated (no short-circuit) so the
explanation shows every value, using the same compiled closures as the fast path. What a leaf
shows as found follows from its fact (`builder.engine.registry`): the phrases or pattern of a text
condition, the phrases a fact is made of (frustration).
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from typing import TYPE_CHECKING, Any

from builder.engine.nodes import CLeaf, CNode, CRule
from builder.engine.registry import signal
from builder.engine.state import State
from builder.format.model import DEFAULT_WITHIN

if TYPE_CHECKING:
    from builder.engine.compiled import Compiled


TRACE_TEXT_CHARS = 1000
"""The longest text a trace copies (a fact's value, a matched phrase): longer ones are cut with
"…". A trace explains; it must not copy a 10 MB message into every condition."""

TRACE_MATCHES = 50
"""The most matches a trace lists for one condition (a long message can hold thousands)."""


def _jsonable(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, str):
        return value if len(value) <= TRACE_TEXT_CHARS else value[: TRACE_TEXT_CHARS - 1] + "…"
    if isinstance(value, (tuple, list)):
        items = [_jsonable(v) for v in value[:TRACE_MATCHES]]
        return items + ["…"] if len(value) > TRACE_MATCHES else items
    return value


def _first_matches(found: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: _jsonable(v) for k, v in m.items()} for m in islice(found, TRACE_MATCHES)]


def _matches(node: CLeaf, st: State) -> Iterable[dict[str, Any]]:
    src = st.src
    if node.phrase_ids:
        if node.conversation:
            out = []
            for pid in sorted(node.phrase_ids):
                if pid in st.conv_hits:
                    turn, start, end = st.conv_first.get(pid, (0, -1, -1))
                    out.append({"phrase": src.matcher.phrases[pid], "start": start, "end": end, "turn": turn})
            return out
        return (m.to_dict() for m in src.matcher.matches(st.text, st.tokens) if m.phrase_id in node.phrase_ids)
    if node.pattern_id is not None:
        pattern = src.patterns.patterns[node.pattern_id]
        if node.conversation:
            found = st.conv_patterns.get(node.pattern_id)
            return [] if found is None else [{"phrase": pattern, "start": found[1], "end": found[2], "turn": found[0]}]
        span = st.pattern_span(node.pattern_id)
        return [] if span is None else [{"phrase": pattern, "start": span[0], "end": span[1]}]
    sig = signal(node.leaf.fact)
    if sig is not None and sig.phrases is not None:
        ids = sig.phrases(src)
        return (m.to_dict() for m in src.matcher.matches(st.text, st.tokens) if m.phrase_id in ids)
    return []


def _shows_matches(leaf: CLeaf) -> bool:
    """Whether the trace lists what was found (even nothing): conditions on phrases or patterns."""
    if leaf.leaf.op in ("contains_any", "contains_none", "near", "matches"):
        return True
    sig = signal(leaf.leaf.fact)
    return sig is not None and sig.phrases is not None


def explain_node(node: CNode, st: State) -> dict[str, Any]:
    if isinstance(node, CLeaf):
        leaf = node.leaf
        out: dict[str, Any] = {"fact": leaf.fact}
        if leaf.param is not None:
            out["param"] = leaf.param
        out["op"] = leaf.op
        out["value"] = _jsonable(leaf.value)
        if leaf.groups:
            out["groups"] = list(leaf.groups)
        if leaf.near is not None:
            out["near"] = leaf.near.to_dict()
            out["within"] = leaf.within or DEFAULT_WITHIN
        out["actual"] = _jsonable(node.actual(st))
        out["held"] = bool(node.test(st))
        matches = _first_matches(_matches(node, st))
        if matches or _shows_matches(node):
            out["matches"] = matches
        if leaf.ignore_negated and node.phrase_ids and not node.conversation:
            skipped = [m.to_dict() for m in st.src.matcher.matches(st.text, st.tokens, skipped=True)
                       if m.negated_by is not None and m.phrase_id in node.phrase_ids]
            if skipped:  # what was found but said the other way round ("do not need a human")
                out["skipped"] = skipped
        return out
    children = [explain_node(c, st) for c in node.children]
    return {"op": node.kind, "held": bool(node.test(st)), "conditions": children}


def _count(node: dict[str, Any]) -> tuple[int, int]:
    if "fact" in node:
        return (1 if node["held"] else 0), 1
    held = total = 0
    for child in node.get("conditions", []):
        h, t = _count(child)
        held, total = held + h, total + t
    return held, total


def explain_rule(cr: CRule, st: State, *, fired: bool, evaluated: bool, cooldown: bool) -> dict[str, Any]:
    root = explain_node(cr.root, st)
    held_leaves, total = _count(root)
    return {
        "rule": cr.rule.id,
        "name": cr.rule.name,
        "trigger": cr.rule.trigger,
        "fired": fired,
        "held": bool(root["held"]),
        "evaluated": evaluated,
        "cooldown": cooldown,
        "conditions_held": held_leaves,
        "conditions_total": total,
        "conditions": [root],
    }


def fact_snapshot(compiled: Compiled, st: State) -> dict[str, Any]:
    """The value of every fact the rules use (plus the core emotion signals), for display."""
    return {key: _jsonable(read(st)) for key, read in compiled.snapshot}


# --- rendering ---------------------------------------------------------------------------------

def _fmt(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    if isinstance(value, str):
        return repr(value) if len(value) <= 80 else repr(value[:77] + "...")
    if value is None:
        return "unknown"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


def _found(match: dict[str, Any]) -> str:
    """One match in words: where, and how ("matched 'agnet' as 'agent' (typo)", near's distance)."""
    near = match.get("near")
    shown = f"{near['first']!r} … {near['second']!r}" if near else repr(match["phrase"])
    shown += f"@{match['start']}-{match['end']}"
    if near:
        shown += f" ({near['distance']} words apart)"
    for typo in match.get("typos", ()):
        shown += f" matched {typo['written']!r} as {typo['as']!r} (typo)"
    return shown


def _render_node(node: dict[str, Any], depth: int, lines: list[str]) -> None:
    pad = "    " * depth
    mark = "✓" if node.get("held") else "✗"
    if "fact" in node:
        param = f"[{node['param']}]" if "param" in node else ""
        value = "" if node.get("value") is None else " " + _fmt(node["value"])
        if node.get("groups"):
            value += " groups " + _fmt(node["groups"])
        if isinstance(node.get("near"), dict):
            side = node["near"]
            value += f" within {node.get('within')} words of " + _fmt(side.get("value", []) + side.get("groups", []))
        line = f"{pad}{mark} {node['fact']}{param} {node['op']}{value}  (actual: {_fmt(node.get('actual'))})"
        found = node.get("matches") or []
        if found:
            line += "  found: " + ", ".join(_found(m) for m in found)
        skipped = node.get("skipped") or []
        if skipped:
            line += "  skipped (negated): " + ", ".join(
                f"{m['phrase']!r}@{m['start']}-{m['end']} by {m['negated_by']!r}" for m in skipped)
        lines.append(line)
        return
    lines.append(f"{pad}{mark} {node['op']}:")
    for child in node.get("conditions", []):
        _render_node(child, depth + 1, lines)


def render_trace(trace: Any, *, indent: str = "  ") -> str:
    """A readable multi-line rendering of a trace (the CLI's `--trace` / `test` failures)."""
    lines: list[str] = []
    for rule in trace or ():
        if rule.get("fired"):
            status = "FIRED"
        elif rule.get("cooldown"):
            status = "cooling down"
        elif not rule.get("evaluated", True):
            status = "not evaluated (an earlier rule stopped)"
        elif rule.get("held"):
            status = "held"
        else:
            status = "did not hold"
        near = f"{rule.get('conditions_held', 0)} of {rule.get('conditions_total', 0)} conditions held"
        lines.append(f"rule {rule['rule']} ({rule.get('name', '')}): {status}; {near}")
        body: list[str] = []
        for node in rule.get("conditions", []):
            _render_node(node, 1, body)
        lines.extend(body)
    return "\n".join(indent + line for line in lines)
