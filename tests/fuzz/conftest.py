"""Prints the fuzz figures (`harness.FIGURES`) at the end of a run that ran fuzz targets."""

from __future__ import annotations

import json
import os
from dataclasses import asdict

import pytest

from tests.fuzz.harness import FIGURES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not FIGURES:
        return
    terminalreporter.section("fuzz figures (issue #23)")
    terminalreporter.write_line(f"{'target':<22}{'inputs':>8}{'crashes':>9}{'hangs':>7}{'worst s':>9}{'peak MB':>9}")
    for name, f in sorted(FIGURES.items()):
        terminalreporter.write_line(f"{name:<22}{f.inputs:>8}{f.crashes:>9}{f.hangs:>7}{f.worst_seconds:>9.3f}"
                                    f"{f.peak_rss_mb:>9.0f}")
    report = os.environ.get("FUZZ_REPORT")
    if report:
        with open(report, "w", encoding="utf-8") as handle:
            json.dump({name: asdict(f) for name, f in FIGURES.items()}, handle, indent=2)
