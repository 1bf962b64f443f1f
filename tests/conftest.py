"""Test setup: Qt always runs headless, hypothesis has a fast and a thorough profile, and the shared
development data is located once.

Profiles: `fast` (the default on a developer's machine) and `thorough` (CI, where `CI` is set, or
`HYPOTHESIS_PROFILE=thorough`). A test that sets its own `max_examples` keeps it in both: those are
the expensive ones, sized on purpose.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings

os.environ["QT_QPA_PLATFORM"] = "offscreen"

settings.register_profile("fast", max_examples=60, deadline=None)
settings.register_profile("thorough", max_examples=600, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("thorough" if os.environ.get("CI") else "fast"))

ROOT = Path(__file__).resolve().parents[1]
DEV_DATA = ROOT.parent / "shared" / "data" / "dev"
