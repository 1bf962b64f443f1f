"""Where shipped resources live, as real files even when the package is installed zipped.

Callers (the CLI, the window's first launch, the simulator's sample library) hand these paths to
`open()` and to other programs, so a resource inside a zip archive is extracted once to a temporary
file that lives until the process exits.
"""

from __future__ import annotations

import atexit
from contextlib import ExitStack
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path


def resource(*parts: str) -> Traversable:
    """A file shipped in the package's `resources/` (works from a wheel as from a checkout)."""
    node = resources.files("handoff_resources")
    for part in parts:
        node = node.joinpath(part)
    return node


@cache
def resource_file(*parts: str) -> Path:
    """A shipped resource as a file on disk: itself when installed as files, else an extracted copy."""
    node = resource(*parts)
    if isinstance(node, Path):
        return node
    return _extractions().enter_context(resources.as_file(node))


@cache
def _extractions() -> ExitStack:
    """The temporary copies made so far, removed at exit (nothing is registered unless one is made)."""
    stack = ExitStack()
    atexit.register(stack.close)
    return stack


def example_playbook() -> Path:
    """The example ruleset a first launch opens."""
    return resource_file("examples", "playbook.json")


def sample_conversations() -> Path:
    """The sample conversation library shipped for the simulator and `test`."""
    return resource_file("conversations", "samples.jsonl")
