"""What the validator reports: one `Problem` per thing to fix, in words a support manager reads.

The code is stable (tests, the GUI's filters and scripts rely on it); the message may be reworded.
Every code is listed in PROBLEMS.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]

ERROR: Severity = "error"
WARNING: Severity = "warning"


@dataclass(frozen=True)
class Problem:
    """One problem: where (`path`, a JSON path like `$.rules[2].when.all[0].value`), what, how bad."""

    path: str
    message: str
    severity: Severity = ERROR
    code: str = "schema.invalid"
    rule_id: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def __str__(self) -> str:
        return f"{self.path}: {self.severity}: {self.message}"


def has_errors(problems: list[Problem]) -> bool:
    """True when at least one problem is an error (warnings never block an export)."""
    return any(p.is_error for p in problems)


def json_path(parts: tuple[str | int, ...] | list[str | int]) -> str:
    """`("rules", 2, "when")` -> `$.rules[2].when` (keys that are not plain names are quoted)."""
    out = ["$"]
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif part.isidentifier():
            out.append(f".{part}")
        else:
            escaped = part.replace("\\", "\\\\").replace("'", "\\'")
            out.append(f"['{escaped}']")
    return "".join(out)
