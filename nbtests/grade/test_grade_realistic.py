"""Realistic submissions get the score a fair human grader gives, and the same score again.

Each case is what students really hand in: a helper in a cell of its own, an import in a new
top cell, the chapter's own class used by a later exercise, an exercise cell retyped without
its metadata, a stub left above the pasted answer, cells moved to the end, a deleted exercise,
a syntax error in one exercise, a file renamed by an LMS with its metadata stripped, a
JupyterLab save with 30 MB of printed output, and per-student folders whose files share a
name. Next to each case: the score a person running "Restart and Run All" would give, and why.
The whole batch is then graded again with ``--force``: every row must come out identical.
"""

from __future__ import annotations

import copy
import json
import uuid

import pytest
from grade_corpus import exercise_sources, load, read_rows, run_grader, write

from utils._nbfast import nbformat
from utils.notebook import check_cell_id, exercise_id

# Each test grades notebooks in child kernels (a batch per module): seconds to minutes.
pytestmark = [pytest.mark.grader, pytest.mark.slow]

SOL01, SOL05 = exercise_sources("01"), exercise_sources("05")


def _index(nb, ex_id: str, check: bool = False) -> int:
    """Position of an exercise's cell (or of its check cell) in a notebook."""
    for i, cell in enumerate(nb.cells):
        if check and cell.get("id") == check_cell_id(ex_id):
            return i
        if not check and exercise_id(cell) == ex_id:
            return i
    raise LookupError(ex_id)


def _code(source: str):
    """A new code cell as JupyterLab inserts it: a random id, no metadata."""
    cell = nbformat.v4.new_code_cell(source)
    cell.id = uuid.uuid4().hex[:8]
    return cell


def solved(chapter: str):
    """The course notebook with every exercise answered with the published solution."""
    nb = copy.deepcopy(load("course", chapter))
    answers = exercise_sources(chapter)
    for cell in nb.cells:
        if cell.cell_type == "code" and exercise_id(cell) in answers:
            cell.source = answers[exercise_id(cell)]
    return nb


def helper_cell():
    """ch01: `perceptron` calls `heaviside0`, defined in a cell the student inserted above."""
    nb = solved("01")
    i = _index(nb, "ex01_perceptron")
    nb.cells.insert(i, _code("def heaviside0(z):\n    return (z > 0).astype(np.int64)\n"))
    nb.cells[i + 1].source = "def perceptron(X, w, b):\n    return heaviside0(X @ w + b)\n"
    return nb


def import_in_new_top_cell():
    """ch01: `import math` in a new first cell; `make_gates` uses math.sqrt."""
    nb = solved("01")
    nb.cells.insert(0, _code("import math\n"))
    i = _index(nb, "ex01_gates")
    nb.cells[i].source = (
        "def make_gates():\n"
        "    half = math.sqrt(2.25)  # 1.5\n"
        "    one = np.array([1.0, 1.0])\n"
        "    return {'AND': (one, -half), 'OR': (one, -0.5), 'NAND': (-one, half)}\n"
    )
    return nb


def retyped_exercise():
    """ch01: the xor_network cell deleted and retyped in a new cell (no exercise metadata)."""
    nb = solved("01")
    i = _index(nb, "ex01_xor_network")
    source = nb.cells[i].source
    nb.cells[i] = _code(source)
    return nb


def stub_above_answer():
    """ch01: the stub copied, the answer pasted into the copy below; the stub is still there."""
    nb = solved("01")
    stub = load("course", "01").cells[_index(load("course", "01"), "ex01_perceptron")]
    i = _index(nb, "ex01_perceptron")
    pasted = copy.deepcopy(stub)  # the same exercise metadata; JupyterLab gives a new id
    pasted.id = uuid.uuid4().hex[:8]
    nb.cells.insert(i, pasted)
    return nb


def broken_copy_below():
    """ch01: a correct perceptron, then a copy with `>=` below it, above the check."""
    nb = solved("01")
    i = _index(nb, "ex01_perceptron")
    broken = copy.deepcopy(nb.cells[i])
    broken.source = broken.source.replace("(z > 0)", "(z >= 0)")
    broken.id = uuid.uuid4().hex[:8]
    nb.cells.insert(i + 1, broken)
    return nb


def moved_to_the_end():
    """ch01: the gates exercise and its check moved to the bottom of the notebook."""
    nb = solved("01")
    i = _index(nb, "ex01_gates")
    j = _index(nb, "ex01_gates", check=True)
    moved = nb.cells[i : j + 1]
    del nb.cells[i : j + 1]
    nb.cells.extend(moved)
    return nb


def deleted_exercise():
    """ch01: the train_perceptron cell deleted (its check cell is still there)."""
    nb = solved("01")
    del nb.cells[_index(nb, "ex01_train_perceptron")]
    return nb


def syntax_error():
    """ch01: a syntax error in xor_network; the three other exercises are right."""
    nb = solved("01")
    i = _index(nb, "ex01_xor_network")
    nb.cells[i].source = nb.cells[i].source.replace("H = step(X @ W1 + b1)", "H = step(X @ W1 + b1")
    return nb


def lms_renamed():
    """ch01: metadata stripped (notebook and cells), new cell ids: only the code is left."""
    nb = solved("01")
    nb.metadata = {"kernelspec": nb.metadata["kernelspec"]}
    for cell in nb.cells:
        cell.metadata = {}
        cell.id = uuid.uuid4().hex[:8]
    return nb


def large_outputs():
    """ch01: saved by JupyterLab after printing 30 MB, with execution counts and outputs."""
    nb = solved("01")
    for n, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.execution_count = n + 1
    nb.cells[_index(nb, "ex01_train_perceptron")].outputs = [
        nbformat.v4.new_output("stream", name="stdout", text=("epoch 1: 3 errors\n" * 1_700_000))
    ]
    return nb


def from_numpy_imports():
    """ch05: `from numpy import maximum` in a new top cell, used by two_layer_loss_and_grads."""
    nb = solved("05")
    nb.cells.insert(0, _code("from numpy import maximum\n"))
    i = _index(nb, "ex05_two_layer_loss_and_grads")
    nb.cells[i].source = nb.cells[i].source.replace("np.maximum(Z1, 0.0)", "maximum(Z1, 0.0)")
    assert "maximum(Z1, 0.0)" in nb.cells[i].source
    return nb


def chapter_class():
    """ch05: two_layer_loss_and_grads built from the chapter's own `Affine` class and the
    student's relu_backward, as the chapter suggests."""
    nb = solved("05")
    i = _index(nb, "ex05_two_layer_loss_and_grads")
    nb.cells[i].source = (
        "def two_layer_loss_and_grads(X, y, params):\n"
        "    first = Affine(params['W1'], params['b1'])\n"
        "    second = Affine(params['W2'], params['b2'])\n"
        "    Z1 = first.forward(X)\n"
        "    S = second.forward(np.maximum(Z1, 0.0))\n"
        "    loss, dS = nn.softmax_cross_entropy(S, y)\n"
        "    first.backward(relu_backward(second.backward(dS), Z1))\n"
        "    grads = {'W1': first.grads['W'], 'b1': first.grads['b'],\n"
        "             'W2': second.grads['W'], 'b2': second.grads['b']}\n"
        "    return loss, grads\n"
    )
    return nb


# name -> (builder, file name inside the batch, expected total, status, points that differ
#          from full marks); the maximum is 9 for chapter 01 and 14 for chapter 05.
CASES = {
    # The helper runs before the exercise, as in the student's Run All: full marks.
    "helper_cell": (helper_cell, "helper/01_perceptron_xor.ipynb", 9, "ok", {}),
    "import_top": (import_in_new_top_cell, "import/01_perceptron_xor.ipynb", 9, "ok", {}),
    # Graded as Run All uses it: the retyped function is the one bound at the check.
    "retyped": (retyped_exercise, "retyped/01_perceptron_xor.ipynb", 9, "ok", {}),
    "stub_above": (stub_above_answer, "stub_above/01_perceptron_xor.ipynb", 9, "ok", {}),
    # The broken copy is what the check sees in Run All: it fails the boundary cases.
    "broken_below": (
        broken_copy_below,
        "broken_below/01_perceptron_xor.ipynb",
        None,
        "ok",
        {"ex01_perceptron": "<2"},
    ),
    "moved": (moved_to_the_end, "moved/01_perceptron_xor.ipynb", 9, "ok", {}),
    "deleted": (
        deleted_exercise,
        "deleted/01_perceptron_xor.ipynb",
        6,
        "missing exercise cells",
        {"ex01_train_perceptron": "0"},
    ),
    "syntax_error": (
        syntax_error,
        "syntax/01_perceptron_xor.ipynb",
        7,
        "ok",
        {"ex01_xor_network": "0"},
    ),
    "lms_renamed": (lms_renamed, "lms/jdoe_123456_attempt_2.ipynb", 9, "ok", {}),
    "large_outputs": (large_outputs, "large/01_perceptron_xor.ipynb", 9, "ok", {}),
    "from_numpy": (from_numpy_imports, "alice/05_backpropagation.ipynb", 14, "ok", {}),
    "chapter_class": (chapter_class, "bob/05_backpropagation.ipynb", 14, "ok", {}),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("realistic")
    subs = tmp / "submissions"
    for builder, name, *_ in CASES.values():
        write(builder(), subs / name)
    out, fb = tmp / "grades" / "grades.csv", tmp / "feedback"
    first = run_grader(
        subs, "--out", out, "--feedback", fb, "--jobs", "2", "--secret", "realistic-corpus"
    )
    rows = {
        **read_rows(out.with_name("grades_01.csv")),
        **read_rows(out.with_name("grades_05.csv")),
    }
    texts = {p.name: p.read_bytes() for p in out.parent.glob("grades_*.csv")}
    again = run_grader(
        subs,
        "--out",
        out,
        "--feedback",
        fb,
        "--jobs",
        "2",
        "--force",
        "--secret",
        "realistic-corpus",
    )
    texts_again = {p.name: p.read_bytes() for p in out.parent.glob("grades_*.csv")}
    return {
        "first": first,
        "again": again,
        "rows": rows,
        "fb": fb,
        "texts": texts,
        "texts_again": texts_again,
        "subs": subs,
    }


def test_the_batch_runs(graded):
    assert graded["first"].returncode == 0, graded["first"].stderr
    assert len(graded["rows"]) == len(CASES)


@pytest.mark.parametrize("case", list(CASES))
def test_a_fair_score(graded, case):
    _, name, total, status, differs = CASES[case]
    row = graded["rows"][name]
    feedback = (graded["fb"] / name).with_suffix(".md").read_text()
    assert row["status"] == status, feedback
    if total is not None:
        assert float(row["total"]) == total, feedback
    for ex_id, want in differs.items():
        if want.startswith("<"):
            assert float(row[ex_id]) < float(want[1:]), feedback
        else:
            assert row[ex_id] == want, feedback
    shown = sum(float(row[c]) for c in row if c.startswith("ex"))
    assert abs(shown - float(row["total"])) < 1e-9, "total must be the sum of the columns"


def test_regrading_with_force_reproduces_every_row(graded):
    assert graded["again"].returncode == 0, graded["again"].stderr
    for name, text in graded["texts"].items():
        first, again = text.decode().splitlines(), graded["texts_again"][name].decode().splitlines()
        changed = [(a, b) for a, b in zip(first, again, strict=True) if a != b]
        assert not changed, f"{name}: rows changed on re-grading: {changed}"


def test_what_the_feedback_says(graded):
    fb = graded["fb"]
    syntax = (fb / "syntax/01_perceptron_xor.md").read_text()
    assert "SyntaxError" in syntax
    lms = (fb / "lms/jdoe_123456_attempt_2.md").read_text()
    assert "told by the functions the notebook defines" in lms
    deleted = (fb / "deleted/01_perceptron_xor.md").read_text()
    assert "`train_perceptron` is not defined where the check cell of" in deleted


def test_the_large_file_is_graded_and_its_outputs_ignored(graded):
    path = graded["subs"] / "large/01_perceptron_xor.ipynb"
    assert path.stat().st_size > 30_000_000
    assert json.loads(path.read_text())["nbformat"] == 4
