"""Fixtures for workspace tests: a workspace path in tmp_path and small ruleset documents."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from builder.paths import example_playbook
from builder.workspace import Workspace


@pytest.fixture
def playbook() -> dict[str, Any]:
    return copy.deepcopy(json.loads(example_playbook().read_text("utf-8")))


@pytest.fixture
def ws_path(tmp_path: Path) -> Path:
    return tmp_path / "workspace.json"


@pytest.fixture
def ws(ws_path: Path) -> Iterator[Workspace]:
    workspace = Workspace.open(ws_path, author="Ana")
    yield workspace
    workspace.close()
