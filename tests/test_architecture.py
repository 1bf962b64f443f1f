"""The layering of ARCHITECTURE.md, enforced: the core (builder, rules_schema) never loads Qt or
the widgets, and rules_schema never imports builder."""

from __future__ import annotations

import json
import pkgutil
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]


def core_modules() -> list[str]:
    names = []
    for package in ("rules_schema", "builder"):
        names.append(package)
        for info in pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}."):
            if not info.name.endswith("__main__"):
                names.append(info.name)
    return names


def test_the_core_imports_without_qt() -> None:
    modules = core_modules()
    assert "builder.format.io" in modules and "rules_schema.validation" in modules
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'widgets', 'shiboken6'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_rules_schema_does_not_import_builder() -> None:
    script = (
        "import importlib, pkgutil, sys\n"
        "import rules_schema\n"
        "for info in pkgutil.walk_packages(rules_schema.__path__, 'rules_schema.'):\n"
        "    importlib.import_module(info.name)\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('builder', 'widgets', 'PySide6'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value)


def importlinter_config(tmp_path: Path) -> Path:
    """pyproject's import-linter contracts, with `include_external_packages` on.

    Contracts that forbid an external package (PySide6, pyqtgraph) need that setting; without it
    lint-imports refuses to run at all. Forcing it here keeps the contracts enforced whatever the
    top-level setting says.
    """
    config = dict(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"])
    contracts = config.pop("contracts")
    config["include_external_packages"] = True
    lines = ["[tool.importlinter]", *(f"{k} = {_toml_value(v)}" for k, v in config.items())]
    for contract in contracts:
        lines += ["", "[[tool.importlinter.contracts]]", *(f"{k} = {_toml_value(v)}" for k, v in contract.items())]
    path = tmp_path / "importlinter.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_import_linter_contracts_hold(tmp_path: Path) -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint is None:
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    config = importlinter_config(tmp_path)
    result = subprocess.run([lint, "--config", str(config)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 broken" in result.stdout


def test_ruff_finds_nothing() -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    result = subprocess.run([ruff, "check", "--no-cache", "."], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
