"""Where shipped resources and the user's files live."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path


def resource(*parts: str) -> Traversable:
    """A file shipped in the package's `resources/` (works from a wheel as from a checkout)."""
    node = resources.files("handoff_resources")
    for part in parts:
        node = node.joinpath(part)
    return node


def example_playbook() -> Path:
    """The example ruleset a first launch opens."""
    return Path(str(resource("examples", "playbook.json")))


def sample_conversations() -> Path:
    """The sample conversation library shipped for the simulator and `test`."""
    return Path(str(resource("conversations", "samples.jsonl")))
