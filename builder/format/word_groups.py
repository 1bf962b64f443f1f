"""Word groups: named vocabularies text conditions refer to by id, and the words a set of them holds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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
