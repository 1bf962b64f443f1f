"""Conditions: the IF of a rule, a tree of `all` / `any` / `not` over leaves `fact op value`.

Frozen values like the rest of the model; `condition_from_dict` reads the file's form and each
node's `to_dict` writes it back (optional fields left out when empty, for byte-identical round trips).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

DEFAULT_WITHIN = 4  # words apart, for "near"

Scalar = str | int | float | bool
Value = Scalar | tuple[str | int | float, ...] | None


def _freeze(value: Any) -> Value:
    return tuple(value) if isinstance(value, list) else value


def _thaw(value: Value) -> Any:
    return list(value) if isinstance(value, tuple) else value



@dataclass(frozen=True)
class NearSide:
    """The second side of a "near" condition: phrases and word groups."""

    value: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.value:
            out["value"] = list(self.value)
        if self.groups:
            out["groups"] = list(self.groups)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NearSide:
        return cls(tuple(data.get("value", ())), tuple(data.get("groups", ())))


@dataclass(frozen=True)
class Leaf:
    """One test on one fact: `fact op value`, e.g. message.text contains_any [refund].

    A text condition may also name word groups (`groups`, their words count as phrases), say how
    its words are matched (`typo`: misspellings tolerated, on unless turned off; `ignore_negated`:
    "I don't need a human" does not count) and, for `near`, what the phrases must be close to
    (`near`, at most `within` words apart)."""

    fact: str
    op: str
    value: Value = None
    param: str | None = None
    groups: tuple[str, ...] = ()
    near: NearSide | None = None
    within: int | None = None
    typo: bool = True
    ignore_negated: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"fact": self.fact}
        if self.param is not None:
            out["param"] = self.param
        out["op"] = self.op
        if self.value is not None:
            out["value"] = _thaw(self.value)
        if self.groups:
            out["groups"] = list(self.groups)
        if self.near is not None:
            out["near"] = self.near.to_dict()
        if self.within is not None:
            out["within"] = self.within
        if not self.typo:
            out["typo"] = False
        if self.ignore_negated:
            out["ignore_negated"] = True
        return out


@dataclass(frozen=True)
class Group:
    """`all` (every child holds) or `any` (at least one holds)."""

    kind: Literal["all", "any"]
    children: tuple[Condition, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {self.kind: [c.to_dict() for c in self.children]}


@dataclass(frozen=True)
class Not:
    """Holds when its single child does not."""

    child: Condition

    def to_dict(self) -> dict[str, Any]:
        return {"not": self.child.to_dict()}


Condition = Leaf | Group | Not


def condition_from_dict(data: dict[str, Any]) -> Condition:
    if "all" in data:
        return Group("all", tuple(condition_from_dict(c) for c in data["all"]))
    if "any" in data:
        return Group("any", tuple(condition_from_dict(c) for c in data["any"]))
    if "not" in data:
        return Not(condition_from_dict(data["not"]))
    near = data.get("near")
    return Leaf(data["fact"], data["op"], _freeze(data.get("value")), data.get("param"),
                groups=tuple(data.get("groups", ())), near=NearSide.from_dict(near) if near is not None else None,
                within=data.get("within"), typo=data.get("typo", True),
                ignore_negated=data.get("ignore_negated", False))


def iter_leaves(condition: Condition) -> list[Leaf]:
    """Every leaf of a condition tree, depth first, in order."""
    if isinstance(condition, Leaf):
        return [condition]
    if isinstance(condition, Not):
        return iter_leaves(condition.child)
    return [leaf for child in condition.children for leaf in iter_leaves(child)]
