"""Test setup: Qt always runs headless, hypothesis has a fast and a thorough profile, and the shared
development data is located once.

Profiles: `fast` (the default on a developer's machine) and `thorough` (CI, where `CI` is set, or
`HYPOTHESIS_PROFILE=thorough`). A test that sizes its own run writes `max_examples=examples(N)`: N
examples when thorough, a fifth of them (at least 10) when fast.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings

os.environ["QT_QPA_PLATFORM"] = "offscreen"

PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("thorough" if os.environ.get("CI") else "fast")
settings.register_profile("fast", max_examples=50, deadline=None)
settings.register_profile("thorough", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(PROFILE)


def examples(thorough: int) -> int:
    """A property test's example count in the loaded profile (see the module docstring)."""
    return thorough if PROFILE == "thorough" else max(10, thorough // 5)

ROOT = Path(__file__).resolve().parents[1]
# Beside the repository (../shared/data/dev/); HANDOFF_DEV_DATA names another folder (a git worktree elsewhere).
DEV_DATA = Path(os.environ.get("HANDOFF_DEV_DATA") or ROOT.parent / "shared" / "data" / "dev")
# The challenge set: utterances written for the project (tests/data/challenge/README.md).
CHALLENGE_SET = ROOT / "tests" / "data" / "challenge" / "utterances.jsonl"
