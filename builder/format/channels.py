"""Notification channels: where handoffs are announced (Slack, Teams, email, a webhook); secrets stay
in the environment, never in the file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal


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
