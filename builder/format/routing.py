"""Routing: the teams a handoff goes to, their schedules, first-response promises (SLA) per priority,
and what happens when nobody is online (the decisions themselves live in `builder.handoff`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from builder.format.actions import PRIORITIES


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
