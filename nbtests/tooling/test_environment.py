"""The environment: pins agree across files, ``utils`` is the repo's and imports light."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]


def _constraints() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[_norm(name)] = version
    return pins


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _environment_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        match = re.match(r"^\s+-\s+([A-Za-z0-9_.-]+)=([0-9][^\s#]*)", line)
        if match and match.group(1) != "python":
            pins[_norm(match.group(1))] = match.group(2)
    return pins


def _pyproject_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] + project["optional-dependencies"]["test"]
    return [Requirement(r) for r in reqs]


def test_every_constraint_is_an_exact_pin():
    pins = _constraints()
    assert len(pins) > 50, "constraints.txt should pin the whole environment"
    for name, version in pins.items():
        assert re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", version), f"{name}=={version}"


def test_environment_yml_pins_the_constraints_versions():
    pins, env = _constraints(), _environment_pins()
    assert env, "environment.yml lists no pinned packages"
    for name, version in env.items():
        assert name in pins, f"environment.yml pins {name}, which constraints.txt does not"
        assert pins[name] == version, (
            f"{name}: environment.yml pins {version}, constraints.txt {pins[name]}"
        )


def test_every_declared_dependency_is_pinned_within_its_range():
    pins, env = _constraints(), _environment_pins()
    for req in _pyproject_requirements():
        name = _norm(req.name)
        assert name in pins, f"{req.name} is declared in pyproject.toml but not pinned"
        assert req.specifier.contains(pins[name]), (
            f"{req.name}=={pins[name]} is outside pyproject's range {req.specifier}"
        )
        assert name in env, f"{req.name} is declared in pyproject.toml but not in environment.yml"


def test_environment_yml_is_python_311():
    assert re.search(r"^\s+-\s+python=3\.11\s*$", (ROOT / "environment.yml").read_text(), re.M)


def test_utils_is_imported_from_this_repo():
    import utils

    assert Path(utils.__file__).resolve().is_relative_to(ROOT), utils.__file__


def test_import_utils_loads_neither_matplotlib_nor_ipywidgets():
    code = (
        "import sys, utils, utils.checks, utils.data, utils.perceptron, utils.nn, utils.persistence; "
        "print(sorted(m for m in ('matplotlib', 'ipywidgets') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT / "nbtests",
    )
    assert out.stdout.strip() == "[]"
