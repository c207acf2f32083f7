"""The grader on every chapter present: the solution gets full marks, the blank notebook 0.

Chapters are discovered from ``course/*.ipynb``; one batch grades every solution notebook
and every blank course notebook (``--jobs 2``, a fixed ``--secret`` so a statistical probe
cannot make this test flaky; the secret-seed path is exercised by the other grader tests).
Also here: answering with the course's own implementation is flagged, not penalised.
"""

from __future__ import annotations

import ast
import textwrap

import numpy as np
import pytest
from grade_corpus import (
    ROOT,
    exercise_sources,
    notebook_path,
    read_rows,
    run_grader,
    with_cells,
    write,
)

from utils.checks import ExerciseNotDone, FloatingPointOverflow, exercises, get_exercise
from utils.grade.core import rebuild_exception, secret_inputs
from utils.grade.plain import PlainDataError, decode, encode
from utils.grade.submission import course_chapters, course_exercises

# Each test grades notebooks in child kernels (a batch per module): seconds to minutes.
pytestmark = [pytest.mark.grader, pytest.mark.slow]

CHAPTERS = sorted(course_chapters())


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("chapters")
    subs = tmp / "submissions"
    for ch in CHAPTERS:
        for kind in ("solution", "course"):
            src = notebook_path(kind, ch)
            (subs / kind).mkdir(parents=True, exist_ok=True)
            (subs / kind / src.name).write_bytes(src.read_bytes())
    ref = with_cells(
        "02", {"ex02_sigmoid": "def sigmoid(z):\n    return nn.sigmoid(z)\n"}, "solution"
    )
    write(ref, subs / "flagged" / "02_activations.ipynb")
    src = exercise_sources("03")["ex03_mse"]
    imported = with_cells(
        "03",
        {
            "ex03_mse": "from utils.nn import mse_loss\n"
            + src.replace("def mse(", "def _mine(")
            + "\ndef mse(pred, target, half=False):\n"
            "    return mse_loss(pred, target, half=half)\n"
        },
        "solution",
    )
    write(imported, subs / "flagged" / "03_losses.ipynb")
    out = tmp / "grades.csv"
    proc = run_grader(
        subs, "--out", out, "--feedback", tmp / "fb", "--jobs", "2", "--secret", "chapters-12345"
    )
    rows = {}
    for ch in CHAPTERS:
        rows.update(read_rows(tmp / f"grades_{ch}.csv"))
    return {"proc": proc, "rows": rows, "fb": tmp / "fb"}


def _copied(ch: str) -> list[str]:
    """The exercises whose published solution has at least three statements."""
    out = []
    for ex_id, source in exercise_sources(ch).items():
        region = source.split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION", 1)[0]
        tree = ast.parse(textwrap.dedent(region))
        if (
            sum(
                isinstance(n, ast.stmt) and not isinstance(n, (ast.FunctionDef, ast.ClassDef))
                for n in ast.walk(tree)
            )
            >= 3
        ):
            out.append(ex_id)
    return out


def _max(ch: str) -> int:
    return sum(get_exercise(e).points for e in course_exercises(ch))


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_solution_gets_full_marks(graded, chapter):
    name = notebook_path("solution", chapter).name
    row = graded["rows"][f"solution/{name}"]
    feedback = (graded["fb"] / "solution" / name).with_suffix(".md").read_text()
    assert (row["status"], row["total"]) == ("ok", str(_max(chapter))), feedback
    # The published solution is flagged as a copy of itself wherever it is long enough to
    # tell a copy from the obvious answer; nothing else is flagged.
    assert row["flag"] == " ".join(_copied(chapter)), feedback
    if row["flag"]:
        assert "a verbatim copy of the published solution" in feedback
    for ex_id in course_exercises(chapter):
        assert row[ex_id] == str(get_exercise(ex_id).points)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_blank_notebook_gets_zero(graded, chapter):
    name = notebook_path("course", chapter).name
    row = graded["rows"][f"course/{name}"]
    assert (row["status"], row["total"], row["max_total"]) == ("unchanged", "0", str(_max(chapter)))


def test_every_chapter_gets_its_own_gradebook(graded):
    assert graded["proc"].returncode == 0, graded["proc"].stderr
    assert not (ROOT / "grades.csv").exists()
    assert len(graded["rows"]) == 2 * len(CHAPTERS) + 2


def test_answering_with_the_reference_is_flagged_not_penalised(graded):
    rows = graded["rows"]
    sig, mse = rows["flagged/02_activations.ipynb"], rows["flagged/03_losses.ipynb"]
    # The other exercises of these notebooks are the published solution: flagged as copies.
    assert sig["flag"].split() == sorted(
        {"ex02_sigmoid", *_copied("02")}, key=course_exercises("02").index
    )
    assert sig["ex02_sigmoid"] == "2"
    assert "ex03_mse" in mse["flag"].split() and mse["total"] == str(_max("03"))
    text = (graded["fb"] / "flagged" / "03_losses.md").read_text()
    assert "Flagged for the instructor" in text and "imports mse_loss from utils.nn" in text
    text = (graded["fb"] / "flagged" / "02_activations.md").read_text()
    assert "uses nn.sigmoid" in text and "called the course's reference sigmoid" in text


@pytest.mark.parametrize("ex", exercises(), ids=lambda ex: ex.id)
def test_every_probe_input_crosses_the_boundary_as_plain_data(ex):
    inputs = secret_inputs([ex.id], b"plain-data")[ex.id]
    tree, payload = encode(inputs)
    back = decode(tree, payload)
    assert len(back) == len(inputs)
    for got, want in zip(back, inputs, strict=True):
        assert got.keys() == want.keys()
        for key in want:
            _same(got[key], want[key])


def _same(got, want):
    if isinstance(want, np.ndarray):
        assert isinstance(got, np.ndarray) and got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
    elif isinstance(want, tuple | list):
        assert type(got) is type(want) and len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            _same(g, w)
    elif isinstance(want, dict):
        assert got.keys() == want.keys()
        for k in want:
            _same(got[k], want[k])
    else:
        assert type(got) is type(want) and (got == want or (got != got and want != want))


def test_forged_plain_data_is_refused():
    tree, payload = encode((np.arange(6.0), {"a": 1}))
    with pytest.raises(PlainDataError):
        decode(tree, payload[:-3])  # truncated
    with pytest.raises(PlainDataError):
        decode({"t": "array", "blob": 5}, payload)  # a blob that is not there
    import io

    buf = io.BytesIO()
    np.save(buf, np.array([{"x": 1}], dtype=object), allow_pickle=True)
    blob = buf.getvalue()
    with pytest.raises(PlainDataError):
        decode({"t": "array", "blob": 0}, len(blob).to_bytes(8, "big") + blob)
    odd = decode({"t": "opaque", "type": "Tensor"}, b"")
    assert type(odd).__name__ == "Tensor"


def test_exceptions_come_back_as_known_classes():
    exc = rebuild_exception("LinAlgError", ["LinAlgError", "ValueError", "Exception"], "sing")
    assert isinstance(exc, ValueError) and type(exc).__name__ == "LinAlgError"
    assert str(exc) == "sing"
    assert isinstance(rebuild_exception("FloatingPointOverflow", [], "x"), FloatingPointOverflow)
    assert isinstance(rebuild_exception("ExerciseNotDone", [], "x"), ExerciseNotDone)
    assert isinstance(rebuild_exception("SystemExit", [], "0"), SystemExit)
    weird = rebuild_exception("not a name!", "junk", None)
    assert isinstance(weird, Exception) and str(weird) == ""
