"""Copy flags: a renamed, reformatted copy is flagged; answers written independently are not.

The exercise is chapter 01's `train_perceptron`, whose published solution and library
function (`utils.perceptron.train_perceptron`) are long enough to tell a copy from the
obvious answer. The five independent answers below are correct (each passes the check) and
written the ways students write them: index loops, a prediction helper, vectorised error
counts, a while loop, a different update form.
"""

from __future__ import annotations

import inspect
import json
import re

import pytest
from grade_corpus import exercise_sources, read_rows, run_grader, with_cells, write

from utils import perceptron
from utils.checks import get_exercise, run_exercise
from utils.grade import similarity
from utils.grade.flags import copy_flags

# Each test grades notebooks in child kernels (a batch per module): seconds to minutes.
pytestmark = [pytest.mark.grader, pytest.mark.slow]

EX = "ex01_train_perceptron"
SOLUTION = exercise_sources("01")[EX]
LIBRARY = inspect.getsource(perceptron.train_perceptron)


def _renamed_library_copy() -> str:
    """The library function with every local name changed, re-indented and re-wrapped."""
    text = LIBRARY
    for old, new in (
        ("x_i", "row"),
        ("y_i", "target"),
        ("y_hat", "guess"),
        ("errors", "errs"),
        ("epoch", "ep"),
        ("w", "weights"),
        ("b", "bias"),
    ):
        text = re.sub(rf"\b{old}\b", new, text)
    text = text.replace('"""Rosenblatt', '"""My version of Rosenblatt')
    return "\n".join(line.replace("    ", "  ") for line in text.splitlines()) + "\n"


COPIES = {
    "verbatim_solution": SOLUTION,
    "renamed_library": _renamed_library_copy(),
}

INDEPENDENT = {
    "index_loops": """
def train_perceptron(X, y, lr=1.0, epochs=10):
    n, d = X.shape
    w = np.zeros(d)
    b = 0.0
    errors = []
    for _ in range(epochs):
        count = 0
        for i in range(n):
            out = 1 if X[i].dot(w) + b > 0 else 0
            delta = y[i] - out
            if delta != 0:
                w = w + lr * delta * X[i]
                b += lr * delta
                count += 1
        errors.append(count)
    return w, float(b), np.array(errors)
""",
    "predict_helper": """
def predict_one(x, w, b):
    return int(np.dot(x, w) + b > 0)


def train_perceptron(X, y, lr=1.0, epochs=10):
    weights, bias = np.zeros(X.shape[1]), 0.0
    history = np.zeros(epochs, dtype=int)
    for e in range(epochs):
        for features, label in zip(X, y):
            mistake = label - predict_one(features, weights, bias)
            if mistake:
                history[e] += 1
                weights += lr * mistake * features
                bias += lr * mistake
    return weights, float(bias), history
""",
    "while_loop": """
def train_perceptron(X, y, lr=1.0, epochs=10):
    w = np.zeros(X.shape[1]); b = 0.0
    per_epoch = np.zeros(epochs, dtype=np.int64)
    epoch = 0
    while epoch < epochs:
        k = 0
        while k < len(X):
            p = step(X[k] @ w + b)
            if p != y[k]:
                per_epoch[epoch] = per_epoch[epoch] + 1
                w, b = w + lr * (y[k] - p) * X[k], b + lr * (y[k] - p)
            k += 1
        epoch += 1
    return w, float(b), per_epoch
""",
    "sign_form": '''
def train_perceptron(X, y, lr=1.0, epochs=10):
    """Perceptron rule written with the error sign."""
    w = np.zeros(X.shape[1], dtype=float)
    b = 0.0
    wrong = np.zeros(epochs, dtype=np.int64)
    for t in range(epochs):
        for xi, yi in zip(X, y):
            fired = (xi @ w + b) > 0
            if fired and yi == 0:
                w -= lr * xi; b -= lr; wrong[t] += 1
            elif not fired and yi == 1:
                w += lr * xi; b += lr; wrong[t] += 1
    return w, float(b), wrong
''',
    "enumerate_update": """
def train_perceptron(X, y, lr=1.0, epochs=10):
    params = np.zeros(X.shape[1] + 1)  # weights then the bias
    counts = np.zeros(epochs, dtype=np.int64)
    for epoch_number in range(epochs):
        for idx, sample in enumerate(X):
            z = sample @ params[:-1] + params[-1]
            err = y[idx] - (1 if z > 0 else 0)
            counts[epoch_number] += err != 0
            params[:-1] += lr * err * sample
            params[-1] += lr * err
    return params[:-1].copy(), float(params[-1]), counts
""",
}


def _namespace(source: str) -> dict:
    import numpy as np

    from utils.perceptron import step

    ns = {"np": np, "step": step}
    exec(compile(source, "<answer>", "exec"), ns)  # the test's own answers, not a student's
    return ns


@pytest.mark.parametrize("name", list(INDEPENDENT) + list(COPIES))
def test_every_answer_here_is_correct(name):
    source = {**INDEPENDENT, **COPIES}[name]
    if name == "renamed_library":
        source = (
            "from utils._validate import as_float_matrix, as_float_vector, as_scalar\n" + source
        )
    verdicts, not_done = run_exercise(get_exercise(EX), _namespace(source)["train_perceptron"], 7)
    assert not not_done and all(v.passed for v in verdicts), [v.message for v in verdicts]


@pytest.mark.parametrize("name", list(COPIES))
def test_copies_are_flagged(name):
    cells = {EX: COPIES[name]}
    static = (
        {EX: "a verbatim copy of the published solution"} if name == "verbatim_solution" else {}
    )
    found = copy_flags("01", cells, static)
    if name == "verbatim_solution":
        assert found == {}  # flagged already as verbatim, by the static check
    else:
        source, ratio, lines = found[EX]
        assert source == "utils.perceptron.train_perceptron" and ratio > 0.95
        assert len(lines) >= 8 and any("np.zeros" in line for line in lines)


@pytest.mark.parametrize("name", list(INDEPENDENT))
def test_independent_answers_are_not_flagged(name):
    assert copy_flags("01", {EX: INDEPENDENT[name]}, {}) == {}


def test_the_measured_similarities():
    """The margin between copies and independent answers (printed in the test log)."""
    solution = similarity.find_function(SOLUTION, "train_perceptron")
    library = similarity.library_function(perceptron.train_perceptron)
    scores = {}
    for name, source in INDEPENDENT.items():
        mine = similarity.find_function(source, "train_perceptron")
        scores[name] = max(
            similarity.similarity(mine, solution), similarity.similarity(mine, library)
        )
    print({k: round(v, 3) for k, v in scores.items()})
    assert max(scores.values()) < similarity.THRESHOLD


def test_the_grader_flags_the_copy_and_keeps_the_evidence_from_the_student(tmp_path):
    subs = tmp_path / "subs"
    for name, source in {**COPIES, "independent": INDEPENDENT["index_loops"]}.items():
        if name == "renamed_library":
            source = (
                "from utils._validate import as_float_matrix, as_float_vector, as_scalar\n" + source
            )
        write(with_cells("01", {EX: source}, "solution"), subs / f"{name}.ipynb")
    out, fb = tmp_path / "grades.csv", tmp_path / "fb"
    proc = run_grader(subs, "--out", out, "--feedback", fb, "--secret", "copies")
    assert proc.returncode == 0, proc.stderr
    rows = read_rows(out)
    assert f"{EX}:copy:utils.perceptron.train_perceptron" in rows["renamed_library.ipynb"]["flag"]
    assert EX in rows["verbatim_solution.ipynb"]["flag"].split()
    assert EX not in rows["independent.ipynb"]["flag"]
    evidence = json.loads((tmp_path / "grades.copies.json").read_text())
    assert evidence["renamed_library.ipynb"][EX]["source"] == "utils.perceptron.train_perceptron"
    student = (fb / "renamed_library.md").read_text()
    assert "shared_lines" not in student and "for v0" not in student
    assert rows["renamed_library.ipynb"][EX] == "3"  # the score is not changed
