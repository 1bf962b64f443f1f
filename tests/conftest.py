"""Test setup: Qt always runs headless, and the shared development data is located once."""

from __future__ import annotations

import os
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"

ROOT = Path(__file__).resolve().parents[1]
DEV_DATA = ROOT.parent / "shared" / "data" / "dev"
