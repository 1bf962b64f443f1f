"""The result of analysis: plain data the problems panel and a dashboard can read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from rules_schema.problems import WARNING, Problem

Severity = Literal["warning"]  # analysis never blocks an export


@dataclass(frozen=True)
class Finding:
    """One thing worth a second look. `path` is a JSON path like `$.rules[2].when.all[0]`."""

    code: str
    severity: Severity
    message: str
    rule_ids: tuple[str, ...] = ()
    path: str = "$"

    @property
    def rule_id(self) -> str | None:
        """The rule the finding is about first (the one to select in the editor)."""
        return self.rule_ids[0] if self.rule_ids else None

    def to_problem(self) -> Problem:
        """The same finding as a validator Problem (code `analysis.<code>`) for the problems panel."""
        return Problem(self.path, self.message, WARNING, f"analysis.{self.code}", self.rule_id)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "message": self.message,
                "rule_ids": list(self.rule_ids), "path": self.path}
