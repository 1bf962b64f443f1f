"""Actions: the THEN of a rule (escalate to a team, reply with a template, tag, set the priority,
notify a channel), and the priorities and handoff modes an escalation can name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

PRIORITIES: tuple[str, ...] = ("low", "normal", "high", "urgent")
HANDOFF_MODES: tuple[str, ...] = ("instant", "callback", "email")


@dataclass(frozen=True)
class Escalate:
    handoff: str = "instant"
    team: str = "support"
    priority: str = "normal"
    type: Literal["escalate"] = "escalate"

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "handoff": self.handoff, "team": self.team, "priority": self.priority}


@dataclass(frozen=True)
class Reply:
    template: str
    type: Literal["reply"] = "reply"

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "template": self.template}


@dataclass(frozen=True)
class Tag:
    tags: tuple[str, ...]
    type: Literal["tag"] = "tag"

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "tags": list(self.tags)}


@dataclass(frozen=True)
class SetPriority:
    priority: str
    type: Literal["set_priority"] = "set_priority"

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "priority": self.priority}


@dataclass(frozen=True)
class Notify:
    channel: str
    template: str | None = None
    type: Literal["notify"] = "notify"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "channel": self.channel}
        if self.template is not None:
            out["template"] = self.template
        return out


Action = Escalate | Reply | Tag | SetPriority | Notify


def action_from_dict(data: dict[str, Any]) -> Action:
    kind = data["type"]
    if kind == "escalate":
        return Escalate(data["handoff"], data["team"], data["priority"])
    if kind == "reply":
        return Reply(data["template"])
    if kind == "tag":
        return Tag(tuple(data["tags"]))
    if kind == "set_priority":
        return SetPriority(data["priority"])
    if kind == "notify":
        return Notify(data["channel"], data.get("template"))
    raise ValueError(f"unknown action type {kind!r}")
