"""Semantic checks of condition trees: facts, operators, parameters and values against the catalog.

The schema only knows a leaf is `{fact, op, value}` with strings; whether `visitor.score` may use
`contains_any`, or whether `between` got `[low, high]`, is decided here from `catalog.json`, the
same data the engine and the editor read.
"""

from __future__ import annotations

import json
from typing import Any

from rules_schema.catalog import Fact, Operator
from rules_schema.checks.word_groups import check_text_options
from rules_schema.context import Context, suggest, text
from rules_schema.locations import VALUE_LABELS, Part
from rules_schema.problems import WARNING

# Facts read in the default schedule's time zone without naming a schedule (catalog: "In the default
# schedule's time zone"); see the report: a catalog flag would make this data.
LOCAL_TIME_FACTS = ("time.local_weekday", "time.local_hour")

# The catalog's type labels are not exposed by `Catalog`; kept in step with catalog.json "types".
TYPE_LABELS = {"text": "text", "number": "a number", "boolean": "yes / no", "category": "a choice"}


def check_condition(ctx: Context, node: Any, parts: list[Part]) -> None:
    """Walk a condition tree, checking every group and leaf (malformed nodes are the schema's)."""
    if not isinstance(node, dict):
        return
    for kind in ("all", "any"):
        if kind in node:
            children = node[kind]
            if isinstance(children, list):
                if not children:
                    words = ("an empty 'all of' group always holds, so the rule fires on every message"
                             if kind == "all" else "an empty 'any of' group never holds, so the rule never fires")
                    ctx.add([*parts, kind], words, "condition.empty", WARNING)
                for index, child in enumerate(children):
                    check_condition(ctx, child, [*parts, kind, index])
            return
    if "not" in node:
        check_condition(ctx, node["not"], [*parts, "not"])
        return
    check_leaf(ctx, node, parts)


def check_leaf(ctx: Context, leaf: dict[str, Any], parts: list[Part]) -> None:
    fact_name, op_name = text(leaf, "fact"), text(leaf, "op")
    fact = ctx.catalog.fact(fact_name) if fact_name else None
    if fact_name and fact is None:
        ctx.add([*parts, "fact"], f"'{fact_name}' is not a known fact{suggest(fact_name, list(ctx.catalog.facts))}",
                "fact.unknown")
    operator = ctx.catalog.operators.get(op_name) if op_name else None
    if op_name and operator is None:
        ctx.add([*parts, "op"],
                f"'{op_name}' is not a known operator{suggest(op_name, list(ctx.catalog.operators))}", "op.unknown")
    if fact is not None:
        _check_param(ctx, leaf, fact, parts)
    if fact is None or operator is None:
        return
    if operator.name not in fact.operators:
        allowed = ", ".join(f"'{ctx.catalog.operators[o].label}'" for o in fact.operators)
        ctx.add([*parts, "op"], f"'{operator.label}' does not apply to {TYPE_LABELS.get(fact.type, fact.type)}; "
                f"use one of {allowed}", "op.not_for_fact")
        return
    check_text_options(ctx, leaf, operator.name, parts)
    _check_value(ctx, leaf, fact, operator, parts)


def _check_param(ctx: Context, leaf: dict[str, Any], fact: Fact, parts: list[Part]) -> None:
    param = leaf.get("param")
    if fact.param is None:
        if param is not None:
            ctx.add([*parts, "param"], f"'{fact.label}' takes no parameter; remove '{param}'", "param.unexpected")
        elif fact.name in LOCAL_TIME_FACTS and ctx.default_schedule is None:
            ctx.add(parts, f"'{fact.label}' is read in the default schedule's time zone, but no default "
                    "schedule is set (UTC is used)", "ref.default_schedule", WARNING)
        return
    if fact.param == "schedule":
        if param is None:
            if ctx.default_schedule is None:
                ctx.add(parts, f"'{fact.label}' names no schedule and the settings have no default schedule",
                        "ref.default_schedule")
        else:
            ctx.ref([*parts, "param"], param, ctx.schedules, "schedule", "ref.schedule")
        return
    if param is None or (isinstance(param, str) and not param.strip()):
        what = {"attribute": "the attribute name (e.g. plan)", "url_pattern": "the URL pattern (e.g. /pricing*)"}
        ctx.add([*parts, "param"], f"'{fact.label}' needs {what.get(fact.param, 'a parameter')}", "param.missing")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_value(ctx: Context, leaf: dict[str, Any], fact: Fact, op: Operator, parts: list[Part]) -> None:
    where = [*parts, "value"]
    value = leaf.get("value")
    label = VALUE_LABELS.get(op.value, "the value")
    if op.value == "none":
        if value is not None:
            ctx.add(where, f"'{op.label}' takes no value; {_show(value)} is ignored", "value.unexpected", WARNING)
        return
    has_groups = bool(leaf.get("groups")) and op.value == "phrases"
    if value is None:
        if not has_groups:  # a phrase condition may use word groups alone
            ctx.add(where, f"{label} is missing ('{op.label}' needs one)", "value.missing")
        return
    if op.value == "phrases":
        if not isinstance(value, list):
            ctx.add(where, f"{label} must be a list of words or phrases, not {_show(value)}", "value.shape")
        elif not value and not has_groups:
            ctx.add(where, f"{label} is empty", "value.empty")
        else:
            for index, phrase in enumerate(value):
                if not isinstance(phrase, str) or not phrase.strip():
                    ctx.add([*where, index], f"phrase {index + 1} is empty", "value.empty")
    elif op.value == "pattern":
        if not isinstance(value, str):
            ctx.add(where, f"{label} must be text, not {_show(value)}", "value.shape")
        elif not value:
            ctx.add(where, f"{label} is empty (it would match everything)", "value.empty")
    elif op.value == "number":
        if not _is_number(value):
            ctx.add(where, f"{label} must be a number, not {_show(value)}", "value.shape")
        else:
            _check_bounds(ctx, where, fact, [value])
    elif op.value == "range":
        if not (isinstance(value, list) and len(value) == 2 and all(_is_number(v) for v in value)):
            ctx.add(where, f"{label} must be two numbers [low, high], not {_show(value)}", "value.shape")
        elif value[0] > value[1]:
            ctx.add(where, f"{label} {value[0]} to {value[1]} is upside down: the low end must not exceed "
                    "the high end", "value.range")
        else:
            _check_bounds(ctx, where, fact, value)
    elif op.value in ("scalar", "choices"):
        _check_scalars(ctx, where, fact, op, value, label)


def _check_scalars(ctx: Context, where: list[Part], fact: Fact, op: Operator, value: Any, label: str) -> None:
    if op.value == "choices":
        if not isinstance(value, list):
            ctx.add(where, f"{label} must be a list, not {_show(value)}", "value.shape")
            return
        if not value:
            ctx.add(where, f"{label} is empty", "value.empty")
            return
        values, paths = value, [[*where, i] for i in range(len(value))]
    else:
        if isinstance(value, list):
            ctx.add(where, f"{label} must be a single value, not a list", "value.shape")
            return
        values, paths = [value], [where]
    for item, path in zip(values, paths, strict=True):
        if fact.type == "number" and not _is_number(item):
            ctx.add(path, f"{_show(item)} is not a number", "value.shape")
        elif fact.type == "number":
            _check_bounds(ctx, path, fact, [item])
        elif fact.choices and item not in fact.choices:
            ctx.add(path, f"{_show(item)} is not one of {', '.join(fact.choices)}{suggest(str(item), fact.choices)}",
                    "value.choice")


def _check_bounds(ctx: Context, where: list[Part], fact: Fact, values: list[Any]) -> None:
    for value in values:
        low, high = fact.minimum, fact.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            span = f"from {low} to {high}" if low is not None and high is not None else (
                f"at least {low}" if low is not None else f"at most {high}")
            ctx.add(where, f"'{fact.label}' is {span}, so {value} can never be reached", "value.out_of_range",
                    WARNING)
            return


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f"'{value}'" if len(value) <= 40 else f"'{value[:37]}…'"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, dict)):
        shown = json.dumps(value, ensure_ascii=False)
        return shown if len(shown) <= 40 else shown[:37] + "…"
    return str(value)
