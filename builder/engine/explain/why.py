"""`Decision.why`: one plain line saying why a rule handed over, cheap enough for every conversation.

"Visitor asks for a human: the message mentions “agent”". Made once per escalation from what the
engine already holds at that instant, never from a trace: it walks the deciding rule's condition
tree, asks the leaves their compiled test again (the state is the one the rule was just evaluated
on) and, for those that held, names what was found — the phrases the message scan matched (the
`hits` sets), a pattern's span, a fact's value against its threshold. Conditions that only rule
something out (`contains none`, `is no`, `is not`, `is none of`, a `not` group) are named only
when nothing else held, so the line gives the reason, not the guard.
"""

from __future__ import annotations

from typing import Any

from builder.engine.nodes import CGroup, CLeaf, CNode, CRule
from builder.engine.registry import signal
from builder.engine.state import State
from rules_schema.catalog import catalog

MAX_REASONS = 3
MAX_PHRASES = 3
_NEGATIVE = frozenset({"contains_none", "is_false", "ne", "not_in"})


def explain_briefly(cr: CRule, st: State) -> str:
    """`rule name: reason; reason` for `cr`, which has just fired on `st`."""
    reasons: list[str] = []
    guards: list[str] = []
    mentioned: list[str] = []  # the phrases of every phrase condition that held, named once
    _collect(cr.root, st, reasons, guards, mentioned)
    if mentioned:
        reasons.insert(0, f"the message mentions {_listed(list(dict.fromkeys(mentioned)))}")
    said = reasons or guards
    name = cr.rule.name or cr.rule.id
    if not said:
        label = catalog().trigger_kinds.get(cr.rule.trigger, {}).get("label")
        return f"{name} ({_lower(str(label))})" if label else name
    more = " …" if len(said) > MAX_REASONS else ""
    return f"{name}: {'; '.join(said[:MAX_REASONS])}{more}"


def _collect(node: CNode, st: State, reasons: list[str], guards: list[str], mentioned: list[str]) -> None:
    if isinstance(node, CGroup):  # the children that held (under a `not` that held, none did)
        for child in node.children:
            if node.kind == "all" or child.test(st):
                _collect(child, st, reasons, guards, mentioned)
        return
    if not node.test(st):
        return
    if node.leaf.op in ("contains_any", "near") and not node.conversation and node.phrase_ids:
        mentioned.extend(found_words(node, st))
        return
    reason = _leaf_reason(node, st)
    if reason:
        (guards if node.leaf.op in _NEGATIVE else reasons).append(reason)


def found_words(node: CLeaf, st: State) -> list[str]:
    """What a phrase condition found in the latest message, quoted: “agent” (matched 'agnet' as
    'agent', typo); “talk” … “human” (2 words apart)."""
    out: list[str] = []
    for m in st.src.matcher.mentions(st.text, st.words):
        if m.phrase_id not in node.phrase_ids:
            continue
        notes = [f"{m.near[2]} word{'s' if m.near[2] != 1 else ''} apart"] if m.near is not None else []
        if m.typos:
            notes.append("matched " + ", ".join(f"'{w}' as '{meant}'" for w, meant in m.typos) + ", typo")
        shown = f"“{m.near[0]}” … “{m.near[1]}”" if m.near is not None else f"“{m.phrase}”"
        out.append(shown + (f" ({'; '.join(notes)})" if notes else ""))
    return out


def _quoted(phrases: list[str]) -> str:
    return _listed([f"“{p}”" for p in phrases])


def _listed(shown: list[str]) -> str:
    text = ", ".join(shown[:MAX_PHRASES])
    return text + (f" and {len(shown) - MAX_PHRASES} more" if len(shown) > MAX_PHRASES else "")


def _lower(label: str) -> str:
    """A label inside a sentence: first letter lower-cased unless it starts an acronym."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{round(value, 2):g}"
    if isinstance(value, (tuple, list)):
        return " and ".join(_number(v) for v in value) if len(value) == 2 else ", ".join(_number(v) for v in value)
    return str(value)


def _text_reason(node: CLeaf, st: State) -> str:
    leaf = node.leaf
    conv = node.conversation
    if leaf.op == "contains_any":  # over the conversation (the latest message's are `mentioned`)
        found = node.phrase_ids & (st.conv_hits if conv else st.hits)
        return f"the visitor has said {_quoted([st.src.matcher.phrases[pid] for pid in sorted(found)])}"
    if leaf.op == "matches" and node.pattern_id is not None:
        if not conv:
            span = st.pattern_span(node.pattern_id)
            if span is not None and span[1] > span[0]:
                return f"the message contains “{st.text[span[0]:span[1]]}”"
        return f"the visitor wrote something matching {leaf.value}"
    if leaf.op == "similar_to":
        value = leaf.value
        phrases = [str(p) for p in value] if isinstance(value, tuple) else [str(value)]
        return f"the message is close to {_quoted(phrases)}"
    if leaf.op == "contains_none":
        return "the message mentions none of the excluded phrases"
    return "the visitor wrote something"


def _leaf_reason(node: CLeaf, st: State) -> str:
    cat = catalog()
    leaf = node.leaf
    fact = cat.fact(leaf.fact)
    if fact is None:
        return ""
    if fact.type == "text":
        return _text_reason(node, st)
    label = fact.label + (f" {leaf.param}" if leaf.param else "")
    if leaf.op == "is_true":
        sig = signal(leaf.fact)
        if sig is not None and sig.phrases is not None:  # e.g. frustration: the words that showed it
            found = sig.phrases(st.src) & st.hits
            if found:
                return f"{_lower(label)} ({_quoted([st.src.matcher.phrases[p] for p in sorted(found)])})"
        return _lower(label)
    if leaf.op == "is_false":
        return f"not {_lower(label)}"
    actual = node.actual(st)
    if leaf.op in ("eq", "is_set"):
        return f"{_lower(label)}: {_number(actual)}"
    op = cat.operators[leaf.op].label
    op = op[3:] if op.startswith("is ") else op
    return f"{_lower(label)}: {_number(actual)} ({op} {_number(leaf.value)})"
