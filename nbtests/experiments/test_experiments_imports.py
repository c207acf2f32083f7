"""Dependency direction: the checks and the experiments never load matplotlib or ipywidgets.

The grader imports every chapter's checks; plotting has no place in it. Each module is
imported in a fresh interpreter, so nothing loaded by another test can hide an import.
"""

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import utils.checks
import utils.experiments

ROOT = Path(utils.checks.__file__).resolve().parents[2]
CHAPTERS = sorted(
    m.name for m in pkgutil.iter_modules(utils.checks.__path__) if m.name.startswith("ch")
)
# ch10's checks still share code with its figures; every other chapter must stay clean.
CLEAN_CHAPTERS = [name for name in CHAPTERS if name != "ch10"]
TOPICS = sorted(m.name for m in pkgutil.iter_modules(utils.experiments.__path__))
HEAVY = ("matplotlib", "ipywidgets")


def _loaded_after(code: str) -> list[str]:
    """The HEAVY packages in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    return out.stdout.split()


def test_every_chapter_module_is_listed():
    assert len(CHAPTERS) >= 12 and "ch07" in CLEAN_CHAPTERS and "ch11" in CLEAN_CHAPTERS


@pytest.mark.parametrize("chapter", CLEAN_CHAPTERS)
def test_checks_of_a_chapter_load_no_plotting(chapter):
    assert _loaded_after(f"import utils.checks.{chapter}") == []


@pytest.mark.parametrize("topic", TOPICS)
def test_experiments_load_no_plotting(topic):
    assert _loaded_after(f"import utils.experiments.{topic}") == []


def test_experiments_package_is_documented():
    assert utils.experiments.__doc__ == (
        "Training runs, sweeps and model builders the chapters and widgets use."
    )
