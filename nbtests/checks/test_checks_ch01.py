"""Chapter 01's checks name each known mistake (solution and stub: test_exercises.py)."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import exercise_namespace
from helpers import fails_with_hint as _fails

from utils.checks import CheckFailed, check


@pytest.fixture(scope="module")
def solution():
    return exercise_namespace("01", student=False)


@pytest.fixture(scope="module")
def student():
    return exercise_namespace("01", student=True)


# ------------------------------------------------------------ ex01_perceptron (wrong versions)


def perceptron_ge(X, w, b):
    return (X @ w + b >= 0).astype(int)


def perceptron_no_bias(X, w, b):
    return np.where(X @ w > 0, 1, 0)


def perceptron_no_step(X, w, b):
    return np.dot(X, w) + b


def perceptron_sign(X, w, b):
    return np.sign(X @ w + b)


def perceptron_pm1(X, w, b):
    return np.where(X @ w + b > 0, 1, -1)


def perceptron_column(X, w, b):
    return (X @ w.reshape(-1, 1) + b > 0).astype(int)


def perceptron_wrong_order(X, w, b):
    return (w @ X + b > 0).astype(int)


def perceptron_loop(X, w, b):  # correct, written with loops: must pass
    out = []
    for row in X:
        total = b
        for x_j, w_j in zip(row, w, strict=True):
            total += x_j * w_j
        out.append(1 if total > 0 else 0)
    return np.array(out)


WRONG_PERCEPTRON = [
    (perceptron_ge, "used >= instead of >"),
    (perceptron_no_bias, "forgot the bias"),
    (perceptron_no_step, "returned the weighted sum instead of the step"),
    (perceptron_sign, "used sign (-1/+1) instead of step (0/1)"),
    (perceptron_pm1, "used sign (-1/+1) instead of step (0/1)"),
    (perceptron_column, "returned shape (N, 1) instead of (N,)"),
    (perceptron_wrong_order, "multiplied in the wrong order"),
]


@pytest.mark.parametrize("wrong, name", WRONG_PERCEPTRON)
def test_perceptron_mistakes(wrong, name):
    _fails("ex01_perceptron", wrong, name)


def test_perceptron_loop_version_passes(capsys):
    check("ex01_perceptron", perceptron_loop)
    assert "6/6 checks passed" in capsys.readouterr().out


def test_perceptron_hardcoded_2d_fails():
    def two_features_only(X, w, b):
        return ((X[:, 0] * w[0] + X[:, 1] * w[1] + b) > 0).astype(int)

    with pytest.raises(CheckFailed):
        check("ex01_perceptron", two_features_only)


# ------------------------------------------------------------ ex01_gates (wrong versions)


def _gates(**changes):
    good = {
        "AND": (np.array([1.0, 1.0]), -1.5),
        "OR": (np.array([1.0, 1.0]), -0.5),
        "NAND": (np.array([-1.0, -1.0]), 1.5),
    }
    good.update(changes)
    return lambda: {k: v for k, v in good.items() if v is not None}


WRONG_GATES = [
    (_gates(AND=(np.array([1.0, 1.0]), -0.5)), "your AND computes OR"),
    (_gates(OR=(np.array([1.0, 1.0]), -1.5)), "your OR computes AND"),
    (_gates(NAND=(np.array([1.0, 1.0]), -1.5)), "your NAND computes AND"),
    (_gates(AND=(np.array([-1.0, -1.0]), 1.5)), "your AND computes NAND"),
    (_gates(OR=(np.array([-1.0, -1.0]), 0.5)), "your OR computes NOR"),
    (_gates(NAND=(np.array([-1.0, -1.0]), 0.5)), "your NAND computes NOR"),
    (_gates(AND=(np.array([1.0, 1.0]), -3.0)), "your AND computes always 0"),
    (_gates(OR=(np.array([1.0, 0.0]), -0.5)), "your OR computes x1"),
    (_gates(NAND=None), "missing key 'NAND'"),
    (
        lambda: {"and": (np.ones(2), -1.5), "OR": (np.ones(2), -0.5), "NAND": (-np.ones(2), 1.5)},
        "missing key 'AND'",
    ),
    # Right on the exact corners, but the lines pass through a corner.
    (_gates(OR=(np.array([1.0, 1.0]), 0.0)), "the line passes through (or too close to) a corner"),
    (
        _gates(AND=(np.array([1.0, 1.0]), -1.0)),
        "the line passes through (or too close to) a corner",
    ),
    (
        _gates(AND=(np.array([1.0, 1.0]), -1.97)),
        "the line passes through (or too close to) a corner",
    ),
    (_gates(AND=[1.0, 1.0, -1.5]), "a value is not a pair (w, b)"),
    (_gates(OR=(np.array([[1.0], [1.0]]), -0.5)), "w has the wrong shape"),
    # Two gates wrong at once.
    (
        _gates(OR=(np.array([1.0, 1.0]), -1.5), NAND=(np.array([1.0, 1.0]), -1.5)),
        "your OR computes AND",
    ),
    (
        _gates(OR=(np.array([1.0, 1.0]), 0.0), NAND=(np.array([1.0, 1.0]), -1.5)),
        "the line passes through (or too close to) a corner",
    ),
]


@pytest.mark.parametrize(
    "gates, per_probe",
    [
        # OR right on the corners but through one, NAND computes AND: the nudged cases report OR.
        (
            _gates(OR=(np.array([1.0, 1.0]), 0.0), NAND=(np.array([1.0, 1.0]), -1.5)),
            [
                "your NAND computes AND",
                "the line passes through (or too close to) a corner",
                "the line passes through (or too close to) a corner",
            ],
        ),
        # OR computes AND and NAND computes AND: every case reports OR, the first gate compared.
        (
            _gates(OR=(np.array([1.0, 1.0]), -1.5), NAND=(np.array([1.0, 1.0]), -1.5)),
            ["your OR computes AND"] * 3,
        ),
    ],
)
def test_gates_two_mistakes_each_hint_is_about_the_gate_reported(gates, per_probe):
    from utils.checks import default_seed, get_exercise, run_exercise

    ex = get_exercise("ex01_gates")
    verdicts, _ = run_exercise(ex, gates, default_seed(ex.id))
    assert [v.mistake for v in verdicts] == per_probe


@pytest.mark.parametrize("wrong, name", WRONG_GATES)
def test_gates_mistakes(wrong, name):
    _fails("ex01_gates", wrong, name)


@pytest.mark.parametrize(
    "gates",
    [
        _gates(AND=([2.0, 2.0], -3.0), OR=((0.5, 0.5), -0.2), NAND=(np.array([-3.0, -2.0]), 4.0)),
        _gates(AND=(np.array([1.0, 1.0]), np.float64(-1.2))),  # margin 0.2 > 0.1: passes
        lambda: {
            "AND": (np.ones(2), -1.5),
            "OR": (np.ones(2), -0.5),
            "NAND": (-np.ones(2), 1.5),
            "NOR": (-np.ones(2), 0.5),
        },  # an extra key is fine
    ],
)
def test_gates_other_valid_weights_pass(gates, capsys):
    check("ex01_gates", gates)
    assert "checks passed" in capsys.readouterr().out


def test_gates_not_a_dict():
    with pytest.raises(CheckFailed, match="must return a dict"):
        check("ex01_gates", lambda: [(np.ones(2), -1.5)])


# ------------------------------------------------------------ ex01_xor_network (wrong versions)

W1 = np.array([[1.0, 1.0], [1.0, 1.0]])
B1 = np.array([-1.5, -0.5])
W2 = np.array([-1.0, 1.0])
B2 = -0.5


def _step(z):
    return (z > 0).astype(int)


def xor_swapped_hidden(X):
    H = _step(X @ W1 + np.array([-0.5, -1.5]))
    return H, _step(H @ W2 + B2)


def xor_swapped_output(X):
    H = _step(X @ W1 + B1)
    return H, _step(H @ np.array([1.0, -1.0]) + B2)


def xor_no_hidden_step(X):
    Z = X @ W1 + B1
    return Z, _step(Z @ W2 + B2)


def xor_no_hidden_bias(X):
    H = _step(X @ W1)
    return H, _step(H @ W2 + B2)


def xor_ge_hidden(X):
    H = (X @ W1 + B1 >= 0).astype(int)
    return H, _step(H @ W2 + B2)


def xor_no_output_step(X):
    H = _step(X @ W1 + B1)
    return H, H @ W2 + B2


def xor_only_y(X):
    H = _step(X @ W1 + B1)
    return _step(H @ W2 + B2)


def xor_y_first(X):
    H = _step(X @ W1 + B1)
    return _step(H @ W2 + B2), H


def xor_table(X):  # a hard-coded truth table: right on exact corners only
    y = np.array([int(round(a)) ^ int(round(b)) for a, b in X])
    H = np.column_stack(
        [np.round(X[:, 0]) * np.round(X[:, 1]), np.maximum(np.round(X[:, 0]), np.round(X[:, 1]))]
    ).astype(int)
    return H, y


WRONG_XOR = [
    (xor_swapped_hidden, "h1 and h2 swapped"),
    (xor_swapped_output, "output weights swapped ((1, -1) instead of (-1, 1))"),
    (xor_no_hidden_step, "forgot the step on the hidden layer"),
    (xor_no_hidden_bias, "forgot the hidden biases"),
    (xor_ge_hidden, "used >= instead of > in the hidden layer"),
    (xor_no_output_step, "forgot the step on the output"),
    (xor_only_y, "returned only y"),
    (xor_y_first, "returned (y, H) instead of (H, y)"),
]


@pytest.mark.parametrize("wrong, name", WRONG_XOR)
def test_xor_mistakes(wrong, name):
    _fails("ex01_xor_network", wrong, name)


def test_xor_hardcoded_table_fails():
    with pytest.raises(CheckFailed, match="random real points"):
        check("ex01_xor_network", xor_table)


# ------------------------------------------------------------ ex01_train_perceptron (wrong versions)


def _train(
    X,
    y,
    lr,
    epochs,
    *,
    flip=False,
    bias=True,
    ge=False,
    after=False,
    reset=False,
    use_lr=True,
    start=0.0,
):
    w, b = np.full(X.shape[1], start), start
    errors = []
    for _ in range(epochs):
        if reset:
            w, b = np.zeros(X.shape[1]), 0.0
        count = 0
        for i in range(len(X)):
            z = X[i] @ w + b
            y_hat = int(z >= 0) if ge else int(z > 0)
            err = (y_hat - y[i]) if flip else (y[i] - y_hat)
            if err != 0:
                count += 1
            rate = lr if use_lr else 1.0
            w = w + rate * err * X[i]
            if bias:
                b = b + rate * err
        if after:
            count = int(np.sum(((X @ w + b) > 0).astype(int) != y))
        errors.append(count)
    return w, b, np.array(errors)


def train_flipped(X, y, lr=1.0, epochs=10):
    return _train(X, y, lr, epochs, flip=True)


def train_no_bias(X, y, lr=1.0, epochs=10):
    return _train(X, y, lr, epochs, bias=False)


def train_ge(X, y, lr=1.0, epochs=10):
    return _train(X, y, lr, epochs, ge=True)


def train_count_after(X, y, lr=1.0, epochs=10):
    return _train(X, y, lr, epochs, after=True)


def train_reset(X, y, lr=1.0, epochs=10):
    return _train(X, y, lr, epochs, reset=True)


def train_no_lr(X, y, lr=1.0, epochs=10):
    return _train(X, y, lr, epochs, use_lr=False)


def train_start_ones(X, y, lr=1.0, epochs=10):
    return _train(X, y, lr, epochs, start=1.0)


def train_batch(X, y, lr=1.0, epochs=10):
    w, b = np.zeros(X.shape[1]), 0.0
    errors = np.zeros(epochs, dtype=int)
    for epoch in range(epochs):
        y_hat = (X @ w + b > 0).astype(int)
        errors[epoch] = np.sum(y_hat != y)
        w += lr * (y - y_hat) @ X
        b += lr * np.sum(y - y_hat)
    return w, b, errors


def _make_stateful():
    def train_stateful(X, y, lr=1.0, epochs=10, w=np.zeros(2), state={"b": 0.0}):  # noqa: B006, B008
        errors = np.zeros(epochs, dtype=int)
        for epoch in range(epochs):
            for x_i, y_i in zip(X, y, strict=True):
                y_hat = int(x_i @ w[: len(x_i)] + state["b"] > 0)
                if y_hat != y_i:
                    errors[epoch] += 1
                    w[: len(x_i)] += lr * (y_i - y_hat) * x_i
                    state["b"] += lr * (y_i - y_hat)
        return w[: X.shape[1]].copy(), state["b"], errors

    return train_stateful


def train_two_things(X, y, lr=1.0, epochs=10):
    w, b, _ = _train(X, y, lr, epochs)
    return w, b


WRONG_TRAIN = [
    (train_flipped, "update sign reversed (y_hat - y)"),
    (train_no_bias, "bias never updated"),
    (train_ge, "used >= instead of > when predicting"),
    (train_count_after, "counted errors after the epoch's updates"),
    (train_reset, "weights reset to zero at every epoch"),
    (train_no_lr, "ignored lr"),
    (train_batch, "whole-batch update instead of one sample at a time"),
    (train_start_ones, "did not start from w = 0, b = 0"),
    (_make_stateful(), "weights kept from a previous call"),
    (train_two_things, "returned the wrong number of things"),
]


@pytest.mark.parametrize("wrong, name", WRONG_TRAIN)
def test_train_mistakes(wrong, name):
    _fails("ex01_train_perceptron", wrong, name)


def test_train_plain_loop_passes(capsys):
    def train(X, y, lr=1.0, epochs=10):
        w, b, errors = np.zeros(X.shape[1]), 0.0, []
        for _ in range(epochs):
            errors.append(0)
            for x_i, y_i in zip(X, y, strict=True):
                y_hat = 1 if np.dot(x_i, w) + b > 0 else 0
                if y_hat != y_i:
                    errors[-1] += 1
                w = w + lr * (y_i - y_hat) * x_i
                b = b + lr * (y_i - y_hat)
        return w, b, errors

    check("ex01_train_perceptron", train)
    assert "checks passed" in capsys.readouterr().out


# The known-wrong answers of each exercise, (answer, hint name) pairs: also run by
# test_probe_coverage.py under the grader's inputs.
WRONG_ANSWERS = {
    "ex01_perceptron": WRONG_PERCEPTRON,
    "ex01_gates": WRONG_GATES,
    "ex01_xor_network": WRONG_XOR,
    "ex01_train_perceptron": WRONG_TRAIN,
}
