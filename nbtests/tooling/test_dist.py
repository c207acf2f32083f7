"""The student distribution: no answer in it, and every course notebook runs from it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from nbclient.exceptions import CellExecutionError

from utils import dist
from utils._nbfast import nbformat
from utils.build import run_notebook

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def student(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist") / "dist-student"
    proc = subprocess.run(
        [sys.executable, "-m", "utils.dist", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return out


def test_it_ships_the_course_and_no_answers(student):
    names = {p.name for p in student.iterdir()}
    assert {"course", "utils", "README.md", "pyproject.toml", "environment.yml"} <= names
    assert not names & {"solutions", "INSTRUCTORS.md", "nbtests", "benchmarks", ".ci"}
    assert sorted(p.name for p in (student / "course").glob("*.ipynb")) == sorted(
        p.name for p in (ROOT / "course").glob("*.ipynb")
    )
    assert dist.check(student) == []
    # A plainer look than the check's: the first two lines of every longer solution body,
    # searched as raw text in every notebook and document shipped.
    probes = [b[:2] for _, b in dist.solution_bodies() if len(b) > 1 and min(map(len, b[:2])) > 20]
    assert len(probes) > 30
    for path in student.rglob("*"):
        rel = path.relative_to(student)
        if path.is_file() and rel.parts[0] != "utils" and path.suffix in (".ipynb", ".md"):
            text = path.read_text(encoding="utf-8")
            leaked = [b for b in probes if all(line in text for line in b)]
            assert not leaked, (rel, leaked[:1])
    # The course notebooks and the library are the repository's, byte for byte: running three
    # chapters from the distribution (below) stands for all of them, which nbtests run from
    # the repository.
    for path in (ROOT / "course").glob("*.ipynb"):
        assert (student / "course" / path.name).read_bytes() == path.read_bytes()
    for path in (ROOT / "utils").rglob("*.py"):
        assert (student / path.relative_to(ROOT)).read_bytes() == path.read_bytes()


def test_the_check_finds_an_answer_smuggled_in(student, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(student, copy)
    leaked = copy / "course" / "01_perceptron_xor.ipynb"
    leaked.write_bytes((ROOT / "solutions" / "01_perceptron_xor.ipynb").read_bytes())
    found = dist.check(copy)
    assert found and all("course/01_perceptron_xor.ipynb holds the solution" in f for f in found)
    # A written answer (a markdown solution) pasted into a document is found too.
    where, body = next(
        (w, b)
        for w, b in dist.solution_bodies()
        if not any(x.startswith(("return", "def ")) for x in b)
    )
    (copy / "NOTES.md").write_text("\n".join(body) + "\n")
    assert any(f.startswith("NOTES.md holds the solution") for f in dist.check(copy))
    proc = subprocess.run(
        [sys.executable, "-m", "utils.dist", "--check", str(copy)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1 and "holds answers" in proc.stderr


def test_writing_over_a_folder_that_is_not_empty_is_refused(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.txt").write_text("mine")
    with pytest.raises(dist.DistError, match="not empty"):
        dist.build(tmp_path / "x")


@pytest.mark.slow  # runs course notebooks in a kernel
@pytest.mark.parametrize("chapter", ["00", "05", "11"])
def test_a_course_notebook_runs_from_it_to_its_first_exercise(student, chapter, monkeypatch):
    """The kernel imports the distribution's own utils (PYTHONPATH first), not the repo's."""
    (path,) = sorted((student / "course").glob(f"{chapter}_*.ipynb"))
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(
        0,
        nbformat.v4.new_code_cell(
            "import utils\nassert utils.__file__.startswith(" + json.dumps(str(student)) + ")"
        ),
    )
    monkeypatch.setenv("PYTHONPATH", str(student) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    first = nb.metadata["dlf"]["exercises"][0]
    with pytest.raises(CellExecutionError) as info:
        run_notebook(nb, path.parent, timeout=120)
    assert info.value.evalue.startswith(f"{first} is not done yet"), info.value.evalue
