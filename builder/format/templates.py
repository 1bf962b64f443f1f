"""Reply templates: the text a rule sends, per channel kind (rendering lives in `builder.handoff`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CHANNEL_KINDS: tuple[str, ...] = ("chat", "email", "slack", "teams", "webhook")


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
