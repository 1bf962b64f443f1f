"""The ruleset as typed, immutable values: the whole playbook (`Ruleset`), its settings and metadata.

Everything the manager edits is a frozen dataclass; an edit makes a new value with
`dataclasses.replace`, so undo can keep the old one and views can compare identities.
`from_dict` reads a document that already passed `rules_schema.validate`; `to_dict` writes the
canonical form that export serialises (optional fields left out when empty, so that a
round trip is byte-identical).

This is the one module callers import the model from: each part is defined in a module of its own
(`conditions`, `actions`, `rules`, `templates`, `routing`, `channels`, `word_groups`, `hours_model`)
and re-exported here, see `__all__`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from builder.format.actions import (
    HANDOFF_MODES,
    PRIORITIES,
    Action,
    Escalate,
    Notify,
    Reply,
    SetPriority,
    Tag,
    action_from_dict,
)
from builder.format.channels import Channel
from builder.format.conditions import (
    DEFAULT_WITHIN,
    Condition,
    Group,
    Leaf,
    NearSide,
    Not,
    Scalar,
    Value,
    condition_from_dict,
    iter_leaves,
)
from builder.format.hours_model import (
    WEEKDAYS,
    Closure,
    HolidaySet,
    Interval,
    Schedule,
    SpecialOpening,
)
from builder.format.routing import Routing, Sla, Team
from builder.format.rules import TRIGGER_KINDS, Cooldown, Rule, TriggerKind
from builder.format.templates import CHANNEL_KINDS, Template
from builder.format.word_groups import WordGroup, group_words

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
