"""The fact and operator catalog: the one list of what a condition can test.

It is data (`catalog.json`) so that the validator, the engine and the editor's dropdowns all read
the same entries; adding a fact is one entry there (plus its signal in the engine).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Operator:
    name: str
    label: str
    value: str  # phrases | pattern | scalar | number | range | choices | none
    help: str


@dataclass(frozen=True)
class Fact:
    name: str
    label: str
    type: str  # text | number | boolean | category
    group: str
    description: str
    operators: tuple[str, ...]
    unit: str | None = None
    param: str | None = None  # schedule | attribute | url_pattern
    timer: bool = False
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    example: Any = None


@dataclass(frozen=True)
class Catalog:
    facts: dict[str, Fact]
    operators: dict[str, Operator]
    trigger_kinds: dict[str, dict[str, str]]
    actions: dict[str, dict[str, str]]
    handoff_modes: dict[str, dict[str, str]]
    priorities: dict[str, dict[str, str]]
    channels: dict[str, dict[str, Any]]
    placeholders: dict[str, dict[str, str]]

    def fact(self, name: str) -> Fact | None:
        return self.facts.get(name)

    def operators_for(self, fact_name: str) -> tuple[Operator, ...]:
        fact = self.facts.get(fact_name)
        return tuple(self.operators[o] for o in fact.operators) if fact else ()


def _load_json(name: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def catalog() -> Catalog:
    """The catalog, read once from the package data."""
    raw = _load_json("catalog.json")
    types = raw["types"]
    facts = {
        name: Fact(
            name=name,
            label=f["label"],
            type=f["type"],
            group=f.get("group", ""),
            description=f.get("description", ""),
            operators=tuple(types[f["type"]]["operators"]),
            unit=f.get("unit"),
            param=f.get("param"),
            timer=bool(f.get("timer", False)),
            minimum=f.get("min"),
            maximum=f.get("max"),
            choices=tuple(f.get("choices", ())),
            example=f.get("example"),
        )
        for name, f in raw["facts"].items()
    }
    operators = {
        name: Operator(name, o["label"], o["value"], o.get("help", "")) for name, o in raw["operators"].items()
    }
    return Catalog(
        facts=facts,
        operators=operators,
        trigger_kinds=raw["trigger_kinds"],
        actions=raw["actions"],
        handoff_modes=raw["handoff_modes"],
        priorities=raw["priorities"],
        channels=raw["channels"],
        placeholders=raw["placeholders"],
    )
