"""The nbgrader course directory: every cell carries the metadata nbgrader needs (no nbgrader here)."""

import json
import re

import pytest

from utils import checks
from utils import nbgrader as nbg

CHAPTERS = ["01", "05", "11"]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    out = tmp_path_factory.mktemp("nbgrader")
    written = [p for only in CHAPTERS for p in nbg.write_course(out, only)]
    return out, {p.parent.name[:2]: json.loads(p.read_text()) for p in written}


def test_the_course_directory_has_a_config_and_one_source_folder_per_chapter(course):
    out, notebooks = course
    config = (out / "nbgrader_config.py").read_text()
    assert "code_stub" in config and '"utils"' in config  # a submitted utils/ is never copied
    compile(config, "nbgrader_config.py", "exec")
    assert sorted(notebooks) == CHAPTERS
    for path in (out / "source").iterdir():
        assert (path / f"{path.name}.ipynb").is_file()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_cell_has_nbgrader_metadata_and_a_unique_grade_id(course, chapter):
    cells = course[1][chapter]["cells"]
    ids = [c["metadata"]["nbgrader"]["grade_id"] for c in cells]
    assert len(ids) == len(set(ids))
    for cell in cells:
        meta = cell["metadata"]["nbgrader"]
        assert meta["schema_version"] == 3 and re.fullmatch(r"[\w-]+", meta["grade_id"])
        assert cell.get("outputs", []) == []


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_exercises_are_solution_cells_and_checks_are_test_cells_worth_the_registry_points(
    course, chapter
):
    cells = course[1][chapter]["cells"]
    registry = {ex.id: ex.points for ex in checks.exercises(chapter)}
    solution = [
        c["metadata"]["nbgrader"]["grade_id"]
        for c in cells
        if c["cell_type"] == "code" and c["metadata"]["nbgrader"]["solution"]
    ]
    assert solution == list(registry)
    tests = {
        c["metadata"]["nbgrader"]["grade_id"].removesuffix("-check"): c["metadata"]["nbgrader"][
            "points"
        ]
        for c in cells
        if c["cell_type"] == "code" and c["metadata"]["nbgrader"]["grade"]
    }
    assert tests == registry
    for cell in cells:
        meta, source = cell["metadata"]["nbgrader"], "".join(cell["source"])
        if cell["cell_type"] == "code" and meta["grade"]:
            assert meta["locked"] and not meta["solution"]
            assert re.search(r'^graded_check\("ex\d\d_\w+", \w+\)$', source, re.M), source
            assert "from utils.checks import graded_check" in source
        if "BEGIN SOLUTION" in source:
            assert meta["solution"], f"a solution region outside a solution cell: {source[:80]}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_written_answers_are_manually_graded_cells_worth_nothing_between_locked_questions(
    course, chapter
):
    cells = course[1][chapter]["cells"]
    answers = [
        c for c in cells if c["cell_type"] == "markdown" and c["metadata"]["nbgrader"]["solution"]
    ]
    assert answers, "the check-your-understanding answers"
    for cell in answers:
        meta = cell["metadata"]["nbgrader"]
        assert meta["grade"] and meta["points"] == 0
        assert "SOLUTION" not in "".join(cell["source"])
    questions = [c for c in cells if "Check your understanding" in "".join(c["source"])]
    assert questions and questions[0]["metadata"]["nbgrader"]["locked"]


def test_graded_check_returns_partial_credit_and_writes_nothing_to_stderr(capsys):
    import numpy as np

    def perceptron(X, w, b):
        import warnings

        warnings.warn("a warning from the student's code", RuntimeWarning, stacklevel=1)
        return (np.asarray(X) @ w + b >= 0).astype(float)  # >= instead of >: 5 of 6 cases

    points = checks.graded_check("ex01_perceptron", perceptron)
    out, err = capsys.readouterr()
    assert points == 1.67 and err == ""
    assert "5/6 checks passed" in out and "used >= instead of >" in out
    assert "warning from your code: RuntimeWarning" in out and "points: 1.67 of 2" in out

    def stub(X, w, b):
        raise NotImplementedError

    assert checks.graded_check("ex01_perceptron", stub) == 0.0
    assert "not done yet" in capsys.readouterr().out


def test_the_command_names_each_assignment_and_its_points(tmp_path, capsys):
    assert nbg.main(["--out", str(tmp_path), "--only", "01"]) == 0
    out = capsys.readouterr().out
    assert "source/01_perceptron_xor/01_perceptron_xor.ipynb: 9 points" in out
    assert nbg.main(["--out", str(tmp_path), "--only", "99"]) == 1
    assert "no solution notebook 99*.ipynb" in capsys.readouterr().err
