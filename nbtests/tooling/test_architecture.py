"""The import rules of the ``utils`` package (CONTRIBUTING.md), checked on the source.

Every module under ``utils/`` is parsed (nothing is imported) and each of its imports of
another part of ``utils`` is checked against two rules:

- **One direction.** The library is layered: a part may import the parts before it in
  ``LAYERS`` and nothing after it. ``utils.checks`` may import the library up to
  ``experiments`` (never plots or widgets); ``utils.grade`` the checks and the reference
  implementations; the tooling (build, site, dist) the notebook contract.
- **Private stays private.** No import of a name starting with ``_`` (a function, or a
  module such as ``utils.plots._core``) from another part, except the shared helper
  modules in ``SHARED_PRIVATE``.

Imports inside functions count: they run too. A failure lists each violation as
``utils/x.py:LINE imports utils.y`` with the rule it breaks.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UTILS = ROOT / "utils"

# The library, bottom up: each part may import the parts listed before it.
LAYERS = [
    "_validate",
    "nn",
    "persistence",
    "perceptron",
    "data",
    "pretrain",
    "experiments",
    "plots",
    "widgets",
]
_LIBRARY = {part: set(LAYERS[:i]) for i, part in enumerate(LAYERS)}
_BELOW_PLOTS = set(LAYERS[: LAYERS.index("plots")])
TOOLING = {"build", "site", "decks", "dist", "nbcompare", "nbgrader"}

ALLOWED: dict[str, set[str]] = {
    **_LIBRARY,
    "": set(),  # utils/__init__.py: `import utils` stays light
    "_nbfast": set(),
    "notebook": set(),  # the notebook contract: standard library only
    "checks": _BELOW_PLOTS | {"notebook"},
    "grade": {"checks", "notebook", "_nbfast", "nn", "data"},
    **{tool: TOOLING | {"notebook", "_nbfast"} for tool in TOOLING},
    # the nbgrader course reads each exercise's points from the checks' registry
    "nbgrader": TOOLING | {"notebook", "_nbfast", "checks"},
}
# Private by name, shared on purpose: argument validation and the fast nbformat import.
SHARED_PRIVATE = {"utils._validate", "utils._nbfast"}


def part_of(module: str) -> str:
    """The part of ``utils`` a dotted module name belongs to (``utils.plots.capstone`` ->
    ``plots``; ``utils`` -> ``""``)."""
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 else ""


def module_name(path: Path, root: Path = ROOT) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path, root: Path = ROOT) -> list[tuple[int, str, list[str]]]:
    """``(line, module, names)`` of every import of ``utils`` in a file, relative ones
    resolved; ``names`` are the names taken from the module (empty for ``import x``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = module_name(path, root)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [
                (node.lineno, a.name, [])
                for a in node.names
                if a.name == "utils" or a.name.startswith("utils.")
            ]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module == "utils" or module.startswith("utils."):
                found.append((node.lineno, module, [a.name for a in node.names]))
    return sorted(found)


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def violations(root: Path = ROOT) -> list[str]:
    """Every import that breaks a rule, as ``utils/x.py:LINE imports utils.y (why)``."""
    found = []
    for path in sorted((root / "utils").rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        here = part_of(module_name(path, root))
        if here not in ALLOWED:
            found.append(
                f"{rel}:1 is in no part of the import rules (add {here!r} to ALLOWED "
                "in nbtests/tooling/test_architecture.py and to CONTRIBUTING.md)"
            )
            continue
        for line, module, names in imports(path, root):
            # `from utils import nn, data` imports the parts nn and data.
            targets = [f"utils.{n}" for n in names] if module == "utils" and names else [module]
            for target in targets:
                there = part_of(target)
                if there == here:
                    continue
                if there not in ALLOWED.get(here, set()) and there not in ("",):
                    may = ", ".join(sorted(ALLOWED[here])) or "nothing in utils"
                    found.append(
                        f"{rel}:{line} imports {target} ({here or 'utils'} may import only: {may})"
                    )
                    continue
                dotted = target.split(".")[1:]
                shared = any(target == s or target.startswith(s + ".") for s in SHARED_PRIVATE)
                taken = [n for n in names if module != "utils" and _private(n)]
                if not shared and (any(_private(p) for p in dotted) or taken):
                    what = f"{target}.{taken[0]}" if taken else target
                    found.append(f"{rel}:{line} imports {what} (a private name of utils.{there})")
    return found


def test_the_rules_cover_every_part():
    parts = {part_of(module_name(p)) for p in UTILS.rglob("*.py")}
    assert parts <= set(ALLOWED), sorted(parts - set(ALLOWED))


def test_the_scan_reports_each_broken_rule_with_its_line(tmp_path):
    files = {
        "utils/__init__.py": "",
        "utils/_validate.py": "",
        "utils/nn/__init__.py": "from . import layers\n",
        "utils/nn/layers.py": "from utils._validate import as_count\n\n\n"
        "def f():\n    from utils.plots import LossPlot\n",
        "utils/plots/__init__.py": "from ._core import *\n",
        "utils/plots/_core.py": "from utils.checks.ch07 import _helper\n",
        "utils/widgets/x.py": "from utils.plots import _core\nimport utils.plots._core\n",
        "utils/checks/__init__.py": "from utils import nn, notebook, data\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    found = violations(tmp_path)
    assert [v.split(" (")[0] for v in found] == [
        "utils/nn/layers.py:5 imports utils.plots",
        "utils/plots/_core.py:1 imports utils.checks.ch07",
        "utils/widgets/x.py:1 imports utils.plots._core",
        "utils/widgets/x.py:2 imports utils.plots._core",
    ], found


def test_imports_follow_the_rules():
    found = violations()
    assert not found, "imports that break the rules of CONTRIBUTING.md:\n  " + "\n  ".join(found)


@pytest.mark.parametrize(
    "code",
    [
        "import utils.checks; utils.checks.exercises()",
        "import utils.grade, utils.grade.core, utils.grade.submission",
        "import utils.notebook, utils.build, utils.dist",
    ],
)
def test_checks_and_grader_load_no_plotting(code):
    probe = (
        f"import sys; {code}; "
        "print(sorted(m for m in ('matplotlib', 'ipywidgets') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=ROOT / "nbtests",
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", f"`{code}` loads {done.stdout.strip()}"
