"""Chapter 02's checks name each known mistake (solution and stub: test_exercises.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import exercise_namespace
from helpers import fails_with_hint as _fails

from utils.checks import CheckFailed, check


@pytest.fixture(scope="module")
def solution():
    return exercise_namespace("02", student=False)


@pytest.fixture(scope="module")
def student():
    return exercise_namespace("02", student=True)


# ------------------------------------------------------------ ex02_sigmoid


def sigmoid_naive(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_where_both_branches(x):
    return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))


def sigmoid_sign_error(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, e / (1 + e), 1 / (1 + e))  # = 1 / (1 + exp(x))


def sigmoid_returns_derivative(x):
    e = np.exp(-np.abs(x))
    s = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    return s * (1 - s)


def sigmoid_tanh(x):
    return np.tanh(x)


def sigmoid_math(x):
    return 1 / (1 + math.exp(-x))


def sigmoid_flat(x):
    x = x.ravel()
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


WRONG_SIGMOID = [
    (sigmoid_naive, "naive sigmoid overflows at x = -1000"),
    (sigmoid_where_both_branches, "exp overflowed at x = +1000"),
    (sigmoid_sign_error, "sign error: exp(x) instead of exp(-x)"),
    (sigmoid_returns_derivative, "returned the derivative"),
    (sigmoid_tanh, "used tanh"),
    (sigmoid_math, "used math.exp (not vectorised)"),
    (sigmoid_flat, "returned a flat array"),
]


@pytest.mark.parametrize("wrong, name", WRONG_SIGMOID)
def test_sigmoid_mistakes(wrong, name):
    _fails("ex02_sigmoid", wrong, name)


@pytest.mark.parametrize(
    "ok",
    [
        lambda x: 0.5 * (1 + np.tanh(x / 2)),
        lambda x: np.exp(-np.logaddexp(0, -x)),
    ],
)
def test_sigmoid_other_correct_forms_pass(ok, capsys):
    check("ex02_sigmoid", ok)
    assert "checks passed" in capsys.readouterr().out


# ------------------------------------------------------------ ex02_tanh_derivative

WRONG_TANH_DERIVATIVE = [
    (lambda x: 1 - x**2, "applied the formula to x instead of tanh(x)"),
    (lambda x: 1 - np.tanh(x), "forgot the square"),
    (lambda x: np.tanh(x), "returned tanh itself"),
    (lambda x: np.tanh(x) * (1 - np.tanh(x)), "used the sigmoid's derivative formula"),
    (lambda x: (1 - np.tanh(x)) ** 2, "squared the wrong thing: (1 - tanh(x))**2"),
    (lambda x: 1 / np.cosh(x) ** 2, "cosh overflows"),
    (lambda x: 1 - math.tanh(x) ** 2, "used math.tanh (not vectorised)"),
    (lambda x: (1 - np.tanh(x) ** 2).ravel(), "returned a flat array"),
]


@pytest.mark.parametrize("wrong, name", WRONG_TANH_DERIVATIVE)
def test_tanh_derivative_mistakes(wrong, name):
    _fails("ex02_tanh_derivative", wrong, name)


# ------------------------------------------------------------ ex02_relu_backward

WRONG_RELU_BACKWARD = [
    (lambda dout, x: dout * (x >= 0), "derivative 1 at x = 0 (used >= instead of >)"),
    (lambda dout, x: np.where(x < 0, 0.0, dout), "derivative 1 at x = 0 (used >= instead of >)"),
    (lambda dout, x: (x > 0).astype(float), "forgot to multiply by dout"),
    (lambda dout, x: dout * np.maximum(x, 0), "multiplied by x instead of (x > 0)"),
    (lambda dout, x: np.maximum(dout, 0), "thresholded dout instead of x"),
    (lambda dout, x: np.maximum(x, 0), "returned the forward pass"),
    (lambda dout, x: x * (dout > 0), "arguments swapped"),
]


@pytest.mark.parametrize("wrong, name", WRONG_RELU_BACKWARD)
def test_relu_backward_mistakes(wrong, name):
    _fails("ex02_relu_backward", wrong, name)


def test_relu_backward_in_place_version_passes(capsys):
    def relu_backward(dout, x):
        dx = dout.copy()
        dx[x <= 0] = 0
        return dx

    check("ex02_relu_backward", relu_backward)
    assert "checks passed" in capsys.readouterr().out


# ------------------------------------------------------------ ex02_leaky_relu


def leaky_positive_side(x, alpha=0.01):
    return np.where(x > 0, alpha * x, x)


WRONG_LEAKY_RELU = [
    (lambda x, alpha=0.1: np.where(x > 0, x, alpha * x), "slope 0.1 instead of 0.01"),
    (leaky_positive_side, "alpha applied to the positive side"),
    (lambda x, alpha=0.01: np.where(x > 0, x, 0.01 * x), "alpha ignored (slope 0.01 hard-coded)"),
    (lambda x, alpha=0.01: np.maximum(x, 0), "returned plain ReLU"),
    (
        lambda x, alpha=0.01: np.where(x > 0, x, alpha),
        "used alpha instead of alpha * x for negatives",
    ),
    (lambda x, alpha=0.01: np.where(x > 0, 1.0, alpha), "returned the derivative"),
    (lambda x, alpha=0.01: np.where(x > 0, x, alpha * x).ravel(), "returned a flat array"),
]


@pytest.mark.parametrize("wrong, name", WRONG_LEAKY_RELU)
def test_leaky_relu_mistakes(wrong, name):
    _fails("ex02_leaky_relu", wrong, name)


def test_leaky_relu_maximum_form_passes(capsys):
    check("ex02_leaky_relu", lambda x, alpha=0.01: np.maximum(x, alpha * x))
    assert "checks passed" in capsys.readouterr().out


# ------------------------------------------------------------ ex02_prelu_backward


def _dx(dout, x, alpha):
    return np.where(x > 0, dout, alpha * dout)


def _prelu(dx_fn=_dx, da_fn=lambda d, x, a: (d * x * (x <= 0)).sum(axis=0), swap=False):
    def prelu_backward(dout, x, alpha):
        dx, dalpha = dx_fn(dout, x, alpha), da_fn(dout, x, alpha)
        return (dalpha, dx) if swap else (dx, dalpha)

    return prelu_backward


WRONG_PRELU_BACKWARD = [
    (_prelu(da_fn=lambda d, x, a: d * x * (x <= 0)), "dalpha not summed over the batch"),
    (
        _prelu(da_fn=lambda d, x, a: np.mean(np.where(x <= 0, d * x, 0), axis=0)),
        "dalpha averaged instead of summed",
    ),
    (
        _prelu(da_fn=lambda d, x, a: np.sum(d * np.minimum(x, 0))),
        "dalpha summed over everything (a scalar)",
    ),
    (_prelu(da_fn=lambda d, x, a: (d * x * (x > 0)).sum(axis=0)), "dalpha used the positive side"),
    (_prelu(da_fn=lambda d, x, a: np.minimum(x, 0).sum(axis=0)), "dalpha forgot dout"),
    (
        _prelu(da_fn=lambda d, x, a: (d * a * (x <= 0)).sum(axis=0)),
        "dalpha multiplied by alpha instead of x",
    ),
    (_prelu(dx_fn=lambda d, x, a: d * (x > 0)), "dx ignores alpha (ReLU's backward)"),
    (_prelu(dx_fn=lambda d, x, a: np.where(x > 0, a * d, d)), "dx uses alpha on the positive side"),
    (_prelu(dx_fn=lambda d, x, a: np.where(x >= 0, d, a * d)), "x = 0 treated as positive"),
    (_prelu(swap=True), "returned (dalpha, dx) instead of (dx, dalpha)"),
]


@pytest.mark.parametrize("wrong, name", WRONG_PRELU_BACKWARD)
def test_prelu_backward_mistakes(wrong, name):
    _fails("ex02_prelu_backward", wrong, name)


# ------------------------------------------------------------ ex02_elu

WRONG_ELU = [
    (
        lambda x, alpha=1.0: np.where(x > 0, x, alpha * (np.exp(x) - 1)),
        "exp evaluated on large positive inputs",
    ),
    (lambda x, alpha=1.0: np.where(x > 0, x, alpha * np.exp(np.minimum(x, 0))), "forgot the -1"),
    (lambda x, alpha=1.0: np.where(x > 0, x, np.expm1(np.minimum(x, 0))), "forgot alpha"),
    (
        lambda x, alpha=1.0: np.where(x > 0, x, alpha * (np.exp(-np.maximum(x, -700)) - 1)),
        "exp(-x) instead of exp(x)",
    ),
    (
        lambda x, alpha=1.0: alpha * np.where(x > 0, x, np.expm1(np.minimum(x, 0))),
        "alpha applied to the positive side too",
    ),
    (lambda x, alpha=1.0: np.maximum(x, 0), "returned ReLU"),
    (
        lambda x, alpha=1.0: np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))).ravel(),
        "returned a flat array",
    ),
]


@pytest.mark.parametrize("wrong, name", WRONG_ELU)
def test_elu_mistakes(wrong, name):
    _fails("ex02_elu", wrong, name)


def test_elu_exp_minus_one_form_passes(capsys):
    check(
        "ex02_elu", lambda x, alpha=1.0: np.where(x > 0, x, alpha * (np.exp(np.minimum(x, 0)) - 1))
    )
    assert "checks passed" in capsys.readouterr().out


# ------------------------------------------------------------ ex02_softmax


def softmax_naive(s):
    e = np.exp(s)
    return e / e.sum(axis=1, keepdims=True)


def softmax_global_max(s):
    e = np.exp(s - s.max())
    return e / e.sum(axis=1, keepdims=True)


def softmax_columns(s):
    e = np.exp(s - s.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def softmax_columns_unshifted(s):
    e = np.exp(s)
    return e / e.sum(axis=0, keepdims=True)


def softmax_no_keepdims(s):
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=1)


def softmax_unnormalised(s):
    return np.exp(s - s.max(axis=1, keepdims=True))


def softmax_no_exp(s):
    return s / s.sum(axis=1, keepdims=True)


def softmax_whole_batch(s):
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum()


WRONG_SOFTMAX = [
    (softmax_naive, "naive softmax overflows at scores around 1000"),
    (softmax_naive, "naive softmax divides 0 by 0 at scores around -1000"),
    (softmax_global_max, "subtracted the global max instead of each row's max"),
    (softmax_columns, "normalised over the wrong axis (columns)"),
    (softmax_columns_unshifted, "normalised over the wrong axis (columns)"),
    (softmax_no_keepdims, "missing keepdims"),
    (softmax_no_keepdims, "missing keepdims (shapes do not broadcast)"),
    (softmax_unnormalised, "forgot to normalise"),
    (softmax_no_exp, "forgot to exponentiate"),
    (softmax_whole_batch, "normalised over the whole batch"),
]


@pytest.mark.parametrize("wrong, name", WRONG_SOFTMAX)
def test_softmax_mistakes(wrong, name):
    _fails("ex02_softmax", wrong, name)


def test_softmax_transpose_trick_passes(capsys):
    def softmax(s):
        e = np.exp(s.T - s.max(axis=1))
        return (e / e.sum(axis=0)).T

    check("ex02_softmax", softmax)
    assert "checks passed" in capsys.readouterr().out


def test_strict_probes_allow_underflow_but_name_overflow():
    # A correct sigmoid underflows at -1000 (exp(-1000) == 0): that must not count as an error.
    check("ex02_sigmoid", lambda x: 0.5 * (1 + np.tanh(x / 2)))
    with pytest.raises(CheckFailed, match="overflow"):
        check("ex02_sigmoid", sigmoid_naive)


# The known-wrong answers of each exercise, (answer, hint name) pairs: also run by
# test_probe_coverage.py under the grader's inputs.
WRONG_ANSWERS = {
    "ex02_sigmoid": WRONG_SIGMOID,
    "ex02_tanh_derivative": WRONG_TANH_DERIVATIVE,
    "ex02_relu_backward": WRONG_RELU_BACKWARD,
    "ex02_leaky_relu": WRONG_LEAKY_RELU,
    "ex02_prelu_backward": WRONG_PRELU_BACKWARD,
    "ex02_elu": WRONG_ELU,
    "ex02_softmax": WRONG_SOFTMAX,
}
