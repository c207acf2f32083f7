"""Chapter 00's checks name each known mistake (solution and stub: test_exercises.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import exercise_namespace
from helpers import fails_with_hint as _fails

from utils.checks import CheckFailed, check, compare, exercises


@pytest.fixture(scope="module")
def solution():
    return exercise_namespace("00", student=False)


@pytest.fixture(scope="module")
def student():
    return exercise_namespace("00", student=True)


# ------------------------------------------------------ ex00_batch_iterations (wrong versions)


def iters_floor(N, B):
    return N // B


def iters_int_division(N, B):
    return int(N / B)


def iters_plus_one(N, B):
    return N // B + 1


def iters_fraction(N, B):
    return N / B


def iters_swapped(N, B):
    return math.ceil(B / N)


def iters_round(N, B):  # right whenever the last batch is more than half full
    return round(N / B)


def iters_half_up(N, B):
    return int(N / B + 0.5)


WRONG_BATCH_ITERATIONS = [
    (iters_floor, "rounded down (N // B)"),
    (iters_int_division, "rounded down (N // B)"),
    (iters_plus_one, "always added 1 (N // B + 1)"),
    (iters_fraction, "did not round (N / B)"),
    (iters_swapped, "swapped N and B"),
    (iters_round, "rounded instead of ceiling"),
    (iters_half_up, "rounded instead of ceiling"),
]


@pytest.mark.parametrize("obj, name", WRONG_BATCH_ITERATIONS)
def test_batch_iterations_mistakes(obj, name):
    _fails("ex00_batch_iterations", obj, name)


def test_batch_iterations_alternatives_pass(capsys):
    check("ex00_batch_iterations", lambda N, B: math.ceil(N / B))
    check("ex00_batch_iterations", lambda N, B: -(-N // B))
    check("ex00_batch_iterations", lambda N, B: int(np.ceil(N / B)))
    assert capsys.readouterr().out.count("7/7 checks passed") == 3


@pytest.mark.parametrize("obj", [iters_round, iters_half_up])
def test_rounding_to_nearest_is_named_and_never_called_rounding_down(obj):
    """round(N / B) agrees with N // B on some pairs: the hint must still name rounding."""
    from utils.checks import default_seed, get_exercise, run_exercise

    ex = get_exercise("ex00_batch_iterations")
    for seed in (default_seed(ex.id), 1, 2, 3, 4, 5):
        verdicts, _ = run_exercise(ex, obj, seed)
        assert {v.mistake for v in verdicts if not v.passed} == {"rounded instead of ceiling"}


# ------------------------------------------------------ ex00_affine (wrong versions)


def affine_transposed(X, W, b):
    return X @ W.T + b


def affine_swapped(X, W, b):
    return np.dot(W, X) + b


def affine_elementwise(X, W, b):
    return X * W + b


def affine_no_bias(X, W, b):
    return np.matmul(X, W)


def affine_bias_column(X, W, b):
    return X @ W + b.reshape(-1, 1)


def affine_bias_none(X, W, b):
    return X @ W + b[:, None]


WRONG_AFFINE = [
    (affine_transposed, "used W.T"),
    (affine_swapped, "swapped the operands (W @ X)"),
    (affine_elementwise, "elementwise * instead of a matrix product"),
    (affine_no_bias, "forgot the bias"),
    (affine_bias_column, "added the bias to the wrong axis"),
    (affine_bias_none, "added the bias to the wrong axis"),
]


@pytest.mark.parametrize("obj, name", WRONG_AFFINE)
def test_affine_mistakes(obj, name):
    _fails("ex00_affine", obj, name)


def test_affine_shape_error_is_explained():
    # Off the square probes, W.T does not even run: the ValueError gets the shapes hint.
    with pytest.raises(
        CheckFailed, match=r"raised ValueError.*\n.*Hint \(the shapes do not line up\)"
    ):
        check("ex00_affine", affine_transposed)


def test_affine_alternatives_pass(capsys):
    check("ex00_affine", lambda X, W, b: np.dot(X, W) + b)
    check("ex00_affine", lambda X, W, b: np.einsum("nd,dm->nm", X, W) + b[None, :])
    assert capsys.readouterr().out.count("7/7 checks passed") == 2


# ------------------------------------------------------ ex00_center_columns (wrong versions)


def center_rows(X):
    return X - X.mean(axis=1, keepdims=True)


def center_rows_no_keepdims(X):
    return X - np.mean(X, axis=1)


def center_overall(X):
    return X - np.mean(X)


def standardise(X):
    return (X - X.mean(axis=0)) / X.std(axis=0)


def standardise_ddof1(X):
    return (X - X.mean(axis=0)) / np.std(X, axis=0, ddof=1)


def column_means(X):
    return X.mean(axis=0)


def center_in_place(X):
    X -= X.mean(axis=0)
    return X


def center_slice_assign(X):
    X[:] = X - X.mean(axis=0)
    return X


WRONG_CENTER_COLUMNS = [
    (center_rows, "row means instead of column means (axis=1)"),
    (center_rows_no_keepdims, "row means without keepdims (axis=1)"),
    (center_rows_no_keepdims, "row means instead of column means (axis=1)"),  # square probe
    (center_overall, "subtracted the overall mean"),
    (standardise, "divided by the std as well (that is standardising)"),
    (standardise_ddof1, "divided by the std as well (that is standardising)"),
    (column_means, "returned the column means"),
    (center_in_place, "subtracted in place on an integer array"),
    (center_in_place, "changed X in place"),
    (center_slice_assign, "changed X in place"),
]


@pytest.mark.parametrize("obj, name", WRONG_CENTER_COLUMNS)
def test_center_columns_mistakes(obj, name):
    _fails("ex00_center_columns", obj, name)


def test_center_columns_alternatives_pass(capsys):
    check("ex00_center_columns", lambda X: X - np.mean(X, axis=0, keepdims=True))
    check("ex00_center_columns", lambda X: (X.T - X.mean(axis=0)[:, None]).T)
    assert capsys.readouterr().out.count("6/6 checks passed") == 2


def test_every_mistake_is_told_apart_from_the_reference():
    """Each mistake that is recomputed differs from the right answer on at least one probe."""
    for ex in exercises("00"):
        rng = np.random.default_rng(0)
        cases = [(p, p.inputs(rng)) for p in ex.probes]
        names = {m.name for p in ex.probes for m in p.mistakes if m.output is not None}
        for name in names:
            told_apart = False
            for probe, inputs in cases:
                m = next((m for m in probe.mistakes if m.name == name), None)
                try:
                    with np.errstate(all="ignore"):
                        wrong = m.output(inputs)
                except Exception:
                    continue  # this slip does not run on these shapes
                if compare(wrong, probe.expected(inputs), probe.rtol, probe.atol) is not None:
                    told_apart = True
            assert told_apart, (ex.id, name)


def test_unrounded_count_fails_on_large_data():
    # N / B differs from ceil(N / B) by less than 1e-7 relative for N in the millions.
    from utils.checks import default_seed, get_exercise, run_exercise

    ex = get_exercise("ex00_batch_iterations")
    verdicts, _ = run_exercise(ex, iters_fraction, default_seed(ex.id))
    (large,) = [v for v in verdicts if "a large data set" in v.probe]
    assert not large.passed and large.mistake == "did not round (N / B)"


# The known-wrong answers of each exercise, (answer, hint name) pairs: also run by
# test_probe_coverage.py under the grader's inputs.
WRONG_ANSWERS = {
    "ex00_batch_iterations": WRONG_BATCH_ITERATIONS,
    "ex00_affine": WRONG_AFFINE,
    "ex00_center_columns": WRONG_CENTER_COLUMNS,
}
