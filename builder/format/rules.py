"""A rule: its trigger kind, condition, actions, switches and cooldown (how often it may fire)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from builder.format.actions import Action, Escalate, action_from_dict
from builder.format.conditions import Condition, condition_from_dict

TriggerKind = Literal[
    "explicit_request", "emotional", "complex", "high_intent", "keyword", "behavioral", "time_based"
]
TRIGGER_KINDS: tuple[str, ...] = (
    "explicit_request", "emotional", "complex", "high_intent", "keyword", "behavioral", "time_based",
)


@dataclass(frozen=True)
class Cooldown:
    """When a rule that fired may fire again in the same conversation."""

    policy: Literal["once", "every_turn", "after_minutes"] = "once"
    minutes: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"policy": self.policy}
        if self.minutes is not None:
            out["minutes"] = self.minutes
        return out


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    trigger: str
    when: Condition
    actions: tuple[Action, ...] = ()
    enabled: bool = True
    description: str = ""
    stop: bool = True
    cooldown: Cooldown = field(default_factory=Cooldown)

    @property
    def escalation(self) -> Escalate | None:
        return next((a for a in self.actions if isinstance(a, Escalate)), None)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name}
        if self.description:
            out["description"] = self.description
        out.update(
            enabled=self.enabled,
            trigger=self.trigger,
            when=self.when.to_dict(),
            actions=[a.to_dict() for a in self.actions],
            stop=self.stop,
            cooldown=self.cooldown.to_dict(),
        )
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Rule:
        cd = data.get("cooldown") or {"policy": "once"}
        return cls(
            id=data["id"],
            name=data["name"],
            trigger=data["trigger"],
            when=condition_from_dict(data["when"]),
            actions=tuple(action_from_dict(a) for a in data.get("actions", [])),
            enabled=data.get("enabled", True),
            description=data.get("description", ""),
            stop=data.get("stop", True),
            cooldown=Cooldown(cd["policy"], cd.get("minutes")),
        )
