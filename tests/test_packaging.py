"""Every package and resource folder in the tree is declared in pyproject.toml, so a wheel has it."""

from __future__ import annotations

import tomllib

from tests.conftest import ROOT


def _declared() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return set(config["tool"]["setuptools"]["packages"])


def test_every_python_package_is_declared() -> None:
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("builder", "widgets", "rules_schema")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert on_disk - _declared() == set()


def test_every_resource_folder_is_declared_with_its_files() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package_data = config["tool"]["setuptools"]["package-data"]
    for folder in (p for p in (ROOT / "resources").iterdir() if p.is_dir() and p.name != "__pycache__"):
        package = f"handoff_resources.{folder.name}"
        assert package in _declared(), f"resources/{folder.name} is not packaged"
        patterns = package_data.get(package, [])
        for file in (f for f in folder.iterdir() if f.suffix != ".py" and f.name != "__pycache__"):
            assert any(file.match(pattern) for pattern in patterns), f"{file} would be left out of the wheel"
