"""The ruleset as typed, immutable values.

Everything the manager edits is a frozen dataclass; an edit makes a new value with
`dataclasses.replace`, so undo can keep the old one and views can compare identities.
`from_dict` reads a document that already passed `rules_schema.validate`; `to_dict` writes the
canonical form that export serialises (optional fields left out when empty, so that a
round trip is byte-identical).

This is the one module callers import the model from. The business-hours values live in
`builder.format.hours_model` (to keep this module short) and are re-exported here, see `__all__`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from builder.format.hours_model import (
    WEEKDAYS,
    Closure,
    HolidaySet,
    Interval,
    Schedule,
    SpecialOpening,
)

__all__ = [  # the model's public names, the business-hours ones included
    "CHANNEL_KINDS", "HANDOFF_MODES", "PRIORITIES", "SCHEMA_URL", "SCHEMA_VERSION",
    "TRIGGER_KINDS", "WEEKDAYS", "Action", "Channel", "Closure", "Condition", "Cooldown",
    "DEFAULT_WITHIN", "Escalate", "Group", "HolidaySet", "Interval", "Leaf", "Metadata", "NearSide", "Not",
    "Notify", "Reply", "WordGroup",
    "Routing", "Rule", "Ruleset", "Scalar", "Schedule", "SetPriority", "Settings", "Sla",
    "SpecialOpening", "Tag", "Team", "Template", "TriggerKind", "Value", "action_from_dict",
    "condition_from_dict", "group_words", "iter_leaves",
]

SCHEMA_VERSION = 2
SCHEMA_URL = "https://handoff-builder.example/schemas/ruleset.v2.schema.json"
DEFAULT_WITHIN = 4  # words apart, for "near"

TriggerKind = Literal[
    "explicit_request", "emotional", "complex", "high_intent", "keyword", "behavioral", "time_based"
]
TRIGGER_KINDS: tuple[str, ...] = (
    "explicit_request", "emotional", "complex", "high_intent", "keyword", "behavioral", "time_based",
)
PRIORITIES: tuple[str, ...] = ("low", "normal", "high", "urgent")
HANDOFF_MODES: tuple[str, ...] = ("instant", "callback", "email")
CHANNEL_KINDS: tuple[str, ...] = ("chat", "email", "slack", "teams", "webhook")

Scalar = str | int | float | bool
Value = Scalar | tuple[str | int | float, ...] | None


def _freeze(value: Any) -> Value:
    return tuple(value) if isinstance(value, list) else value


def _thaw(value: Value) -> Any:
    return list(value) if isinstance(value, tuple) else value


# --- conditions --------------------------------------------------------------------------------

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


# --- actions -----------------------------------------------------------------------------------

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


# --- rules -------------------------------------------------------------------------------------

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


# --- templates ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Template:
    id: str
    name: str
    channel: str
    body: str
    subject: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name, "channel": self.channel}
        if self.subject is not None:
            out["subject"] = self.subject
        out["body"] = self.body
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Template:
        return cls(data["id"], data["name"], data["channel"], data["body"], data.get("subject"))


# --- routing and channels ----------------------------------------------------------------------

@dataclass(frozen=True)
class Sla:
    """First-response promise: `minutes`, counted in business or calendar time."""

    minutes: int
    clock: Literal["business", "calendar"] = "business"

    def to_dict(self) -> dict[str, Any]:
        return {"minutes": self.minutes, "clock": self.clock}


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    schedule: str
    backup_contact: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name, "schedule": self.schedule}
        if self.backup_contact:
            out["backup_contact"] = self.backup_contact
        return out


@dataclass(frozen=True)
class Routing:
    teams: tuple[Team, ...] = ()
    offline_mode: Literal["email", "callback"] = "email"
    callback_enabled: bool = False
    sla: tuple[tuple[str, Sla], ...] = ()
    backup_contact: str | None = None

    def sla_for(self, priority: str) -> Sla | None:
        return dict(self.sla).get(priority)

    def team(self, team_id: str) -> Team | None:
        return next((t for t in self.teams if t.id == team_id), None)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "teams": [t.to_dict() for t in self.teams],
            "offline_mode": self.offline_mode,
            "callback_enabled": self.callback_enabled,
            "sla": {p: s.to_dict() for p, s in sorted(self.sla, key=lambda kv: PRIORITIES.index(kv[0]))},
        }
        if self.backup_contact:
            out["backup_contact"] = self.backup_contact
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Routing:
        return cls(
            teams=tuple(
                Team(t["id"], t["name"], t["schedule"], t.get("backup_contact")) for t in data.get("teams", [])
            ),
            offline_mode=data.get("offline_mode", "email"),
            callback_enabled=data.get("callback_enabled", False),
            sla=tuple(
                (p, Sla(s["minutes"], s["clock"]))
                for p, s in sorted(data.get("sla", {}).items(), key=lambda kv: PRIORITIES.index(kv[0]))
            ),
            backup_contact=data.get("backup_contact"),
        )


@dataclass(frozen=True)
class Channel:
    """Where handoffs are announced. Secrets live in the environment variable `url_env`."""

    id: str
    name: str
    type: Literal["slack", "teams", "email", "webhook"]
    url_env: str | None = None
    address: str | None = None
    template: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name, "type": self.type}
        for key in ("url_env", "address", "template"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Channel:
        return cls(data["id"], data["name"], data["type"], data.get("url_env"), data.get("address"),
                   data.get("template"))


# --- word groups -------------------------------------------------------------------------------

@dataclass(frozen=True)
class WordGroup:
    """A named vocabulary ("people we can put you through to") that text conditions refer to by
    id; `includes` names other groups whose words belong to it too."""

    id: str
    name: str
    words: tuple[str, ...] = ()
    includes: tuple[str, ...] = ()
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name}
        if self.description:
            out["description"] = self.description
        out["words"] = list(self.words)
        if self.includes:
            out["includes"] = list(self.includes)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WordGroup:
        return cls(data["id"], data["name"], tuple(data.get("words", ())), tuple(data.get("includes", ())),
                   data.get("description", ""))


def group_words(groups: tuple[WordGroup, ...], group_ids: tuple[str, ...]) -> tuple[str, ...]:
    """Every word of the named groups and of the groups they include, each once, in order (an
    unknown id or a cycle of includes adds nothing more: validation reports those)."""
    by_id = {g.id: g for g in groups}
    seen: set[str] = set()
    out: dict[str, None] = {}

    def visit(group_id: str) -> None:
        group = by_id.get(group_id)
        if group is None or group_id in seen:
            return
        seen.add(group_id)
        out.update(dict.fromkeys(group.words))
        for included in group.includes:
            visit(included)

    for group_id in group_ids:
        visit(group_id)
    return tuple(out)


# --- the ruleset -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Settings:
    evaluation_mode: Literal["first_match", "all_matches"] = "first_match"
    default_schedule: str | None = None
    similarity_threshold: float = 85
    caps_min_letters: int = 8
    locale: str = "en"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"evaluation_mode": self.evaluation_mode}
        if self.default_schedule is not None:
            out["default_schedule"] = self.default_schedule
        out.update(similarity_threshold=self.similarity_threshold, caps_min_letters=self.caps_min_letters,
                   locale=self.locale)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        return cls(
            evaluation_mode=data.get("evaluation_mode", "first_match"),
            default_schedule=data.get("default_schedule"),
            similarity_threshold=data.get("similarity_threshold", 85),
            caps_min_letters=data.get("caps_min_letters", 8),
            locale=data.get("locale", "en"),
        )


@dataclass(frozen=True)
class Metadata:
    name: str
    description: str = ""
    version: str = "1.0.0"
    author: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if self.description:
            out["description"] = self.description
        out["version"] = self.version
        if self.author:
            out["author"] = self.author
        return out


@dataclass(frozen=True)
class Ruleset:
    """One playbook: rules in priority order plus everything they refer to."""

    metadata: Metadata
    settings: Settings = field(default_factory=Settings)
    rules: tuple[Rule, ...] = ()
    templates: tuple[Template, ...] = ()
    schedules: tuple[Schedule, ...] = ()
    routing: Routing = field(default_factory=Routing)
    channels: tuple[Channel, ...] = ()
    tests: tuple[dict[str, Any], ...] = ()
    word_groups: tuple[WordGroup, ...] = ()

    def word_group(self, group_id: str) -> WordGroup | None:
        return next((g for g in self.word_groups if g.id == group_id), None)

    def words_of(self, group_ids: tuple[str, ...]) -> tuple[str, ...]:
        """Every word of these groups, included groups too."""
        return group_words(self.word_groups, group_ids)

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def template(self, template_id: str) -> Template | None:
        return next((t for t in self.templates if t.id == template_id), None)

    def schedule(self, schedule_id: str | None) -> Schedule | None:
        if schedule_id is None:
            schedule_id = self.settings.default_schedule
        return next((s for s in self.schedules if s.id == schedule_id), None)

    def channel(self, channel_id: str) -> Channel | None:
        return next((c for c in self.channels if c.id == channel_id), None)

    def to_dict(self) -> dict[str, Any]:
        """The canonical document (without export-time metadata such as the content hash)."""
        out: dict[str, Any] = {
            "$schema": SCHEMA_URL,
            "schema_version": SCHEMA_VERSION,
            "metadata": self.metadata.to_dict(),
            "settings": self.settings.to_dict(),
        }
        if self.word_groups:
            out["word_groups"] = [g.to_dict() for g in self.word_groups]
        out.update({
            "rules": [r.to_dict() for r in self.rules],
            "templates": [t.to_dict() for t in self.templates],
            "schedules": [s.to_dict() for s in self.schedules],
            "routing": self.routing.to_dict(),
            "channels": [c.to_dict() for c in self.channels],
        })
        if self.tests:
            out["tests"] = [dict(t) for t in self.tests]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Ruleset:
        meta = data.get("metadata", {})
        return cls(
            metadata=Metadata(meta.get("name", "Untitled"), meta.get("description", ""),
                              meta.get("version", "1.0.0"), meta.get("author", "")),
            settings=Settings.from_dict(data.get("settings", {})),
            rules=tuple(Rule.from_dict(r) for r in data.get("rules", [])),
            templates=tuple(Template.from_dict(t) for t in data.get("templates", [])),
            schedules=tuple(Schedule.from_dict(s) for s in data.get("schedules", [])),
            routing=Routing.from_dict(data.get("routing", {})),
            channels=tuple(Channel.from_dict(c) for c in data.get("channels", [])),
            tests=tuple(data.get("tests", [])),
            word_groups=tuple(WordGroup.from_dict(g) for g in data.get("word_groups", [])),
        )
