"""nbgrader 0.9.6 end to end on chapters 01 and 05: ``make test-nbgrader``.

nbgrader lives in its own environment (``.venv-nbgrader``, made by ``make test-nbgrader``,
with the course package installed so the grading kernel can import ``utils``). For each
chapter: ``generate_assignment`` from ``python -m utils.nbgrader``'s source, the release
checked for solution code, three submissions (correct, partly wrong, untouched) autograded
and exported, and the exported scores compared with ``python -m utils.grade``'s totals for
the same notebooks.
"""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from utils import dist
from utils import nbgrader as nbg

pytestmark = pytest.mark.nbgrader

ROOT = Path(__file__).resolve().parents[2]
NBGRADER_BIN = ROOT / ".venv-nbgrader" / "bin"
# Per chapter: a known mistake (exercise, text of the solution, the mistaken text) and the
# exercise left as the stub in the partly wrong submission.
CASES = {
    "01_perceptron_xor": (("ex01_perceptron", "> 0", ">= 0"), "ex01_gates"),
    "05_backpropagation": (
        ("ex05_affine_backward", "db = dout.sum(axis=0)", "db = dout.mean(axis=0)"),
        "ex05_sigmoid_backward",
    ),
}


def _nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{NBGRADER_BIN}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        [str(NBGRADER_BIN / "nbgrader"), *args],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    if not (NBGRADER_BIN / "nbgrader").exists():
        pytest.fail(
            f"{NBGRADER_BIN / 'nbgrader'} is missing: run `make test-nbgrader`, "
            "which installs nbgrader 0.9.6 into .venv-nbgrader"
        )
    out = tmp_path_factory.mktemp("course")
    for name in CASES:
        nbg.write_course(out, name[:2])
        done = _nbgrader(out, "generate_assignment", name, "--force")
        assert done.returncode == 0, done.stderr[-3000:]
    return out


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def test_release_notebooks_hold_no_solution_code_and_keep_the_checks(course):
    assert dist.check(course / "release") == []
    for name in CASES:
        cells = _cells(course / "release" / name / f"{name}.ipynb")
        stubs = [
            c
            for c in cells
            if c["metadata"].get("nbgrader", {}).get("solution") and c["cell_type"] == "code"
        ]
        assert stubs and all("raise NotImplementedError()" in "".join(c["source"]) for c in stubs)
        assert sum("graded_check(" in "".join(c["source"]) for c in cells) == len(stubs)


def _submit(course: Path, name: str, student: str, fill: dict[str, str]) -> Path:
    cells = _cells(course / "release" / name / f"{name}.ipynb")
    for cell in cells:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id in fill:
            cell["source"] = fill[grade_id]
    nb = json.loads((course / "release" / name / f"{name}.ipynb").read_text())
    nb["cells"] = cells
    target = course / "submitted" / student / name / f"{name}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(nb))
    return target


def test_autograded_scores_equal_the_course_graders_totals(course, tmp_path):
    submitted = []
    for name, ((ex_id, right, wrong), stub) in CASES.items():
        source = _cells(course / "source" / name / f"{name}.ipynb")
        answers = {
            c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"])
            for c in source
            if c["cell_type"] == "code" and c["metadata"]["nbgrader"]["solution"]
        }
        assert right in answers[ex_id]
        partly = dict(answers, **{ex_id: answers[ex_id].replace(right, wrong, 1)})
        del partly[stub]
        submitted += [
            _submit(course, name, "correct", answers),
            _submit(course, name, "partly", partly),
            _submit(course, name, "untouched", {}),
        ]
    for name in CASES:
        done = _nbgrader(course, "autograde", name, "--create")
        assert done.returncode == 0, done.stderr[-3000:]
    done = _nbgrader(course, "export")
    assert done.returncode == 0, done.stderr[-3000:]
    exported = {
        (row["assignment"], row["student_id"]): (float(row["score"]), float(row["max_score"]))
        for row in csv.DictReader((course / "grades.csv").open())
    }

    gradebook = tmp_path / "grades.csv"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "utils.grade",
            *map(str, submitted),
            "--out",
            str(gradebook),
            "--secret",
            "nbgrader test",
            "--quiet",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    ours = {}
    for path in sorted(tmp_path.glob("grades*.csv")):
        for row in csv.DictReader(path.open()):
            student, name = Path(row["submission"]).parts[-3:-1]
            ours[name, student] = (float(row["total"]), float(row["max_total"]))
    assert set(ours) == set(exported) and len(ours) == 6
    for key, (score, max_score) in exported.items():
        assert abs(score - ours[key][0]) <= 0.01 and max_score == ours[key][1], (
            key,
            score,
            ours[key],
        )
    # The three kinds of submission are told apart: full marks, some points, nothing.
    for name in CASES:
        full = exported[name, "correct"][1]
        assert exported[name, "correct"][0] == full
        assert 0 < exported[name, "partly"][0] < full
        assert exported[name, "untouched"][0] == 0
