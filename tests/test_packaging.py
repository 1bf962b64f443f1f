"""What `pip install` gives: every package and resource folder is declared in pyproject.toml, so a wheel
has it; the core installs no Qt nor numpy (the window is the `gui` extra and says so when missing); the
README's set-up commands and CI agree."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib import metadata
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

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


# --- install without Qt: the runtime and the CLI are the core; the window is the `gui` extra ---------

GUI_ONLY = {"pyside6", "pyside6-essentials", "shiboken6", "pyqtgraph", "numpy"}


def _project() -> dict[str, Any]:
    project: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return project


def _name(requirement: str) -> str:
    return canonicalize_name(Requirement(requirement).name)


def _closure(requirements: list[str]) -> set[str]:
    """Every distribution these requirements install (as installed here), extras' requirements left out."""
    seen: set[str] = set()
    todo = [Requirement(r) for r in requirements]
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        if name in seen or (req.marker is not None and not req.marker.evaluate({"extra": ""})):
            continue
        seen.add(name)
        todo.extend(Requirement(r) for r in metadata.requires(req.name) or ())
    return seen


def test_the_core_install_brings_no_qt_nor_numpy_even_through_its_dependencies() -> None:
    core = _project()["dependencies"]
    assert {_name(r) for r in core} & GUI_ONLY == set()
    installed = _closure(core)
    assert {"jsonschema", "google-re2", "holidays"} <= installed  # the walk follows the requirements
    assert installed & GUI_ONLY == set()


def test_the_gui_extra_holds_qt_and_the_charts() -> None:
    extras = _project()["optional-dependencies"]
    assert {_name(r) for r in extras["gui"]} == {"pyside6-essentials", "pyqtgraph"}
    assert "numpy" in _closure(extras["gui"])


def test_the_server_extra_holds_the_service_and_the_test_extra_brings_it() -> None:
    extras = _project()["optional-dependencies"]
    assert {_name(r) for r in extras["server"]} == {"starlette", "uvicorn", "uvloop", "httptools", "redis",
                                                     "prometheus-client"}
    assert "handoff-builder[server]" in extras["test"]  # so the README's test command installs it


def test_serve_without_the_server_extra_says_how_to_get_it() -> None:
    result = _run_blocked("starlette", "serve", str(ROOT / "resources" / "examples" / "playbook.json"))
    assert result.returncode == 2
    assert 'pip install "handoff-builder[server]"' in result.stderr and "Traceback" not in result.stderr


def test_the_window_packages_are_found_in_the_dev_install() -> None:
    from widgets.app import missing_gui_package

    assert missing_gui_package() is None  # a misspelt package would lock everyone out of the window


def _run_blocked(blocked: str, *argv: str) -> subprocess.CompletedProcess[str]:
    """`handoff-builder ARGV` in a process where `blocked` cannot be imported, as without the extra."""
    code = (f"import sys; sys.modules[{blocked!r}] = None\n"
            "from widgets.app import main\n"
            f"sys.exit(main({list(argv)!r}))")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)


@pytest.mark.parametrize("blocked", ["PySide6", "pyqtgraph"])
def test_bare_command_without_the_gui_extra_says_how_to_get_the_app_in_one_line(blocked: str) -> None:
    result = _run_blocked(blocked)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert blocked in lines[0] and 'pip install "handoff-builder[gui]"' in lines[0]


def test_subcommands_run_without_the_gui_extra() -> None:
    result = _run_blocked("PySide6", "validate", str(ROOT / "resources" / "examples" / "playbook.json"))
    assert result.returncode == 0, result.stderr
    assert "gui" not in result.stderr.replace(str(ROOT), "")  # the checkout's own path may hold "gui"


# --- the README's two set-up commands and CI ----------------------------------------------------------

def _setup_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.S)]


def test_the_readme_keeps_two_setup_commands_launch_with_gui_and_test_with_gui_and_test() -> None:
    launch, test = _setup_commands()
    assert "apt-get install" in launch and "libxcb-cursor0" in launch
    assert "python3-venv" in launch  # a fresh Debian's python3 cannot make a venv without it
    assert "libglib2.0-0" in launch  # Qt's core library links GLib, absent from a minimal Debian
    assert '.venv/bin/pip install ".[gui]"' in launch and launch.endswith(".venv/bin/handoff-builder")
    assert '.venv/bin/pip install -q -e ".[gui,test]"' in test and "pytest" in test


def test_ci_runs_the_readme_test_command_and_checks_a_wheel_without_extras() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    _, test = _setup_commands()
    assert test in ci.splitlines()
    assert '"$tmp/venv/bin/pip" install -q "$tmp"/dist/*.whl\n' in ci  # no [extras] on the wheel
    for needle in ("PySide6", "pyqtgraph", "numpy", "runtime.load(example_playbook())", "handoff-builder[gui]"):
        assert needle in ci
    installs_redis = ci.index("apt-get install -y -qq redis-server")
    assert installs_redis < ci.index(test)  # before the tests, which need a real redis-server
