"""The benchmarks stay where the project says they are and start the way their docstrings say.

Read statically (nothing is run, no Qt needed): every `benchmarks/…` path named in the docs, the
code and CI exists; each benchmark's docstring gives its own command line from the repository root
and `benchmarks/README.md` lists it; shared inputs come from `benchmarks/workloads`, never from
another benchmark, and every name a benchmark imports from the project is defined where it looks.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.conftest import ROOT

BENCHMARKS = sorted(p for p in (ROOT / "benchmarks").rglob("*.py") if "node_modules" not in p.parts)
SCRIPTS = [p for p in BENCHMARKS if p.name.endswith("_bench.py")]
PATH_NAMED = re.compile(r"benchmarks/[\w/.-]+\.(?:py|js|json|md)")


def _texts_naming_benchmarks() -> list[Path]:
    sources = [ROOT / "README.md", ROOT / "pyproject.toml", ROOT / ".ci" / "run", *BENCHMARKS,
               ROOT / "benchmarks" / "README.md"]
    for folder, pattern in (("docs", "*.md"), ("builder", "*.py"), ("rules_schema", "*.py"), ("tests", "*.py"),
                            ("scripts", "*.py")):
        sources += (ROOT / folder).rglob(pattern)
    return sources


def test_every_benchmark_path_named_in_the_project_exists() -> None:
    named = {(source.relative_to(ROOT).as_posix(), path)
             for source in _texts_naming_benchmarks() for path in PATH_NAMED.findall(source.read_text("utf-8"))}
    assert named  # the scan found the references it is there to check
    missing = sorted(f"{source}: {path}" for source, path in named if not (ROOT / path).is_file())
    assert not missing, missing


def test_each_benchmark_says_how_to_run_it_and_is_listed() -> None:
    assert len(SCRIPTS) >= 20
    listing = (ROOT / "benchmarks" / "README.md").read_text("utf-8")
    for script in SCRIPTS:
        own = script.relative_to(ROOT).as_posix()
        docstring = ast.get_docstring(ast.parse(script.read_text("utf-8"))) or ""
        assert f"python {own}" in docstring, f"{own}: no command line running it from the repository root"
        assert f"`{script.name}`" in listing and own in listing, f"{own} is missing from benchmarks/README.md"


def _defined_names(module: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.parse(module.read_text("utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.ImportFrom | ast.Import):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return names


def test_benchmarks_share_workloads_and_never_import_each_other() -> None:
    problems = []
    for script in BENCHMARKS:
        where = script.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(script.read_text("utf-8"))):  # imports inside functions too
            if isinstance(node, ast.Import):
                modules = [(alias.name, []) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                modules = [(node.module, [alias.name for alias in node.names])]
            else:
                continue
            for module, names in modules:
                if module.split(".")[-1].endswith("_bench"):
                    problems.append(f"{where} imports the benchmark {module}")
                if module.split(".")[0] not in ("benchmarks", "tests"):
                    continue
                target = ROOT.joinpath(*module.split(".")).with_suffix(".py")
                if not target.is_file():
                    problems.append(f"{where}: {module} is no file")
                    continue
                undefined = set(names) - _defined_names(target)
                if undefined:
                    problems.append(f"{where}: {module} defines no {sorted(undefined)}")
    assert not problems, problems
