"""Chapter 05's checks name each known mistake (solution and stub: test_exercises.py)."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import exercise_namespace
from helpers import fails_with_hint as _fails
from helpers import passes as _passes


@pytest.fixture(scope="module")
def solution():
    return exercise_namespace("05", student=False)


@pytest.fixture(scope="module")
def student():
    return exercise_namespace("05", student=True)


# ------------------------------------------------------------ ex05_affine_backward


def affine_dw_transposed(dout, cache):
    x, W = cache
    return dout @ W.T, dout.T @ x, np.sum(dout, axis=0)


def affine_db_mean(dout, cache):
    x, W = cache
    return dout @ W.T, x.T @ dout, dout.mean(axis=0)


def affine_db_missing_sum(dout, cache):
    x, W = cache
    return dout @ W.T, x.T @ dout, dout


def affine_dx_with_w(dout, cache):
    x, W = cache
    return dout @ W, x.T @ dout, dout.sum(axis=0)


def affine_dw_mean(dout, cache):
    x, W = cache
    return dout @ W.T, x.T @ dout / x.shape[0], dout.sum(axis=0)


def affine_db_axis1(dout, cache):
    x, W = cache
    return np.dot(dout, W.T), np.dot(x.T, dout), dout.sum(axis=1)


def affine_two_things(dout, cache):
    x, W = cache
    return dout @ W.T, x.T @ dout


def affine_w_dot_dout(dout, cache):
    x, W = cache
    return W @ dout.T, x.T @ dout, dout.sum(axis=0)


def affine_x_dot_dout(dout, cache):
    x, W = cache
    return dout @ W.T, x @ dout, dout.sum(axis=0)


WRONG_AFFINE = [
    (affine_dw_transposed, "dW transposed (dout.T @ x)"),
    (affine_db_mean, "db is the mean over the batch, not the sum"),
    (affine_db_missing_sum, "db not summed over the batch"),
    (affine_dx_with_w, "dx uses W instead of W.T"),
    (affine_dw_mean, "dW averaged over the batch (divided by N)"),
    (affine_db_axis1, "db summed over the wrong axis"),
    (affine_two_things, "returned the wrong number of things"),
    (affine_w_dot_dout, "dx transposed (W @ dout.T)"),
    (affine_x_dot_dout, "the matrix shapes do not line up"),
]


@pytest.mark.parametrize("wrong, name", WRONG_AFFINE)
def test_affine_mistakes(wrong, name):
    _fails("ex05_affine_backward", wrong, name)


def test_affine_loop_version_passes(capsys):
    def affine_loops(dout, cache):
        x, W = cache
        dW = np.zeros_like(W)
        for n in range(x.shape[0]):
            dW += np.outer(x[n], dout[n])
        return np.einsum("nm,dm->nd", dout, W), dW, dout.sum(0)

    _passes("ex05_affine_backward", affine_loops, capsys)


# ------------------------------------------------------------ ex05_relu_backward

WRONG_RELU = [
    (lambda dout, x: dout * (x >= 0), "gradient 1 at x = 0 (used >= instead of >)"),
    (lambda dout, x: np.where(x >= 0, dout, 0.0), "gradient 1 at x = 0 (used >= instead of >)"),
    (lambda dout, x: dout, "passed dout through unchanged"),
    (
        lambda dout, x: dout * np.maximum(x, 0),
        "multiplied dout by the output instead of by the mask",
    ),
    (lambda dout, x: dout * (dout > 0), "took the mask from dout instead of from x"),
    (lambda dout, x: (x > 0).astype(float), "returned the mask without dout"),
    (lambda dout, x: dout * (x < 0), "mask inverted"),
]


@pytest.mark.parametrize("wrong, name", WRONG_RELU)
def test_relu_mistakes(wrong, name):
    _fails("ex05_relu_backward", wrong, name)


def test_relu_in_place_version_passes(capsys):
    def relu_inplace(dout, cache):
        dx = dout.copy()
        dx[cache <= 0] = 0
        return dx

    _passes("ex05_relu_backward", relu_inplace, capsys)


# ------------------------------------------------------------ ex05_sigmoid_backward


def _sig(v):
    return 1 / (1 + np.exp(-v))


def sigmoid_from_logit(dout, out):
    x = np.log(out / (1 - out))  # recovers x: divides by zero when out is exactly 1
    s = _sig(x)
    return dout * s * (1 - s)


WRONG_SIGMOID = [
    (
        lambda dout, s: dout * _sig(s) * (1 - _sig(s)),
        "applied the sigmoid again to the cached output",
    ),
    (lambda dout, s: dout * _sig(s), "used sigmoid(out) instead of out * (1 - out)"),
    (lambda dout, s: s * (1 - s), "missing the dout factor"),
    (lambda dout, s: dout * (1 - s**2), "used tanh's derivative 1 - out**2"),
    (lambda dout, s: dout * s, "forgot the (1 - out) factor"),
    (sigmoid_from_logit, "overflow or division by zero on saturated outputs"),
]


@pytest.mark.parametrize("wrong, name", WRONG_SIGMOID)
def test_sigmoid_mistakes(wrong, name):
    _fails("ex05_sigmoid_backward", wrong, name)


def test_sigmoid_alternative_form_passes(capsys):
    _passes("ex05_sigmoid_backward", lambda dout, s: dout * (s - s * s), capsys)


# ------------------------------------------------------------ ex05_two_layer_loss_and_grads


def _two_layer(
    X,
    y,
    params,
    *,
    divide=True,
    mask=True,
    z1_for_dw2=False,
    transposed=False,
    sum_loss=False,
    minus_one=True,
    db_mean=False,
    shift=True,
    axis=1,
    mean_all=False,
):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n = len(X)
    Z1 = X @ W1 + b1
    A1 = np.maximum(0, Z1)
    S = A1 @ W2 + b2
    e = np.exp(S - S.max(axis=axis, keepdims=True) if shift else S)
    P = e / e.sum(axis=axis, keepdims=True)
    losses = -np.log(P[np.arange(n), y])
    loss = losses.sum() if sum_loss else losses.mean()
    if mean_all:  # np.mean(Y * log P) over the (N, C) array
        loss = -np.mean(np.eye(S.shape[1])[y] * np.log(P))
    dS = P.copy()
    if minus_one:
        dS[np.arange(n), y] -= 1
    if divide and not sum_loss:
        dS /= n
    dW2 = (Z1.T if z1_for_dw2 else A1.T) @ dS
    dA1 = dS @ W2.T
    dZ1 = dA1 * (Z1 > 0) if mask else dA1
    dW1 = X.T @ dZ1
    if transposed:
        dW1, dW2 = dZ1.T @ X, dS.T @ A1
    reduce = np.mean if db_mean else np.sum
    return loss, {"W1": dW1, "b1": reduce(dZ1, axis=0), "W2": dW2, "b2": reduce(dS, axis=0)}


def _variant(**kwargs):
    return lambda X, y, params: _two_layer(X, y, params, **kwargs)


WRONG_TWO_LAYER = [
    (_variant(divide=False), "gradient not divided by N"),
    (_variant(sum_loss=True), "loss summed over the batch instead of averaged"),
    (_variant(mask=False), "ReLU mask missing in the backward pass"),
    (_variant(z1_for_dw2=True), "used Z1 instead of A1 for dW2"),
    (_variant(minus_one=False), "forgot to subtract the one-hot target"),
    (_variant(transposed=True), "products in the wrong order (dW transposed)"),
    (_variant(db_mean=True), "bias gradients averaged instead of summed"),
    (_variant(shift=False), "softmax not stabilised (exp overflows at scores around 1000)"),
    (_variant(axis=0), "softmax over the wrong axis (columns)"),
    (_variant(mean_all=True), "loss averaged over the classes too (divided by N*C)"),
    (lambda X, y, params: _two_layer(X, y, params)[1], "returned the wrong structure"),
]


@pytest.mark.parametrize("wrong, name", WRONG_TWO_LAYER)
def test_two_layer_mistakes(wrong, name):
    _fails("ex05_two_layer_loss_and_grads", wrong, name)


def test_two_layer_self_consistency_probe_catches_a_wrong_backward():
    # Gradients N times too large for a right loss: the probe that gradient-checks the
    # student's backward against the student's own loss names it.
    from utils.checks import get_exercise, judge, run_probe

    ex = get_exercise("ex05_two_layer_loss_and_grads")
    probe = next(p for p in ex.probes if "your own loss" in p.name)
    inputs = probe.inputs(np.random.default_rng(0))
    verdict = judge(probe, inputs, run_probe(probe, _variant(divide=False), inputs))
    assert not verdict.passed
    assert verdict.mistake == "your backward disagrees with your own forward"
    good = judge(probe, inputs, run_probe(probe, _variant(), inputs))
    assert good.passed


def test_two_layer_using_library_layers_passes(capsys):
    from utils import nn

    def with_library(X, y, params):
        Z1, c1 = nn.linear_forward(X, params["W1"], params["b1"])
        A1, c2 = nn.relu_forward(Z1)
        S, c3 = nn.linear_forward(A1, params["W2"], params["b2"])
        loss, dS = nn.softmax_cross_entropy(S, y)
        dA1, dW2, db2 = nn.linear_backward(dS, c3)
        _, dW1, db1 = nn.linear_backward(nn.relu_backward(dA1, c2), c1)
        return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

    _passes("ex05_two_layer_loss_and_grads", with_library, capsys)


# ------------------------------------------------------------ ex05_gradient_check


def _gc(
    f,
    x,
    analytic,
    h=1e-5,
    eps=1e-12,
    *,
    forward=False,
    absolute=False,
    mean=False,
    one_h=False,
    restore=True,
    use_eps=True,
):
    x = x.astype(float).copy()
    num = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        fp = f(x)
        if forward:
            x[i] = old
            num[i] = (fp - f(x)) / h
        else:
            x[i] = old - h
            num[i] = (fp - f(x)) / (h if one_h else 2 * h)
        if restore:
            x[i] = old
    diff = np.abs(analytic - num)
    if absolute:
        err = diff
    else:
        denom = np.maximum(np.abs(analytic), np.abs(num))
        err = diff / (np.maximum(denom, eps) if use_eps else denom)
    return err.mean() if mean else err.max()


def _gcv(**kwargs):
    return lambda f, x, analytic, h=1e-5, eps=1e-12: _gc(f, x, analytic, h, eps, **kwargs)


WRONG_GRADIENT_CHECK = [
    (_gcv(absolute=True), "absolute difference instead of relative error"),
    (_gcv(mean=True), "mean instead of max"),
    (_gcv(forward=True), "forward differences instead of central differences"),
    (_gcv(one_h=True), "divided by h instead of 2h"),
    (_gcv(restore=False), "did not restore x after perturbing it"),
    (_gcv(use_eps=False), "no eps in the denominator"),
    (
        lambda f, x, analytic, h=1e-5, eps=1e-12: np.abs(analytic - analytic * 1.01),
        "returned an array instead of one number",
    ),
]


@pytest.mark.parametrize("wrong, name", WRONG_GRADIENT_CHECK)
def test_gradient_check_mistakes(wrong, name):
    _fails("ex05_gradient_check", wrong, name)


def test_gradient_check_with_library_numerical_gradient_passes(capsys):
    from utils import nn

    def with_library(f, x, analytic, h=1e-5, eps=1e-12):
        numeric = nn.numerical_gradient(f, np.array(x, dtype=float), h=h)
        return float(nn.rel_error(analytic, numeric, eps=eps).max())

    _passes("ex05_gradient_check", with_library, capsys)


# The known-wrong answers of each exercise, (answer, hint name) pairs: also run by
# test_probe_coverage.py under the grader's inputs.
WRONG_ANSWERS = {
    "ex05_affine_backward": WRONG_AFFINE,
    "ex05_relu_backward": WRONG_RELU,
    "ex05_sigmoid_backward": WRONG_SIGMOID,
    "ex05_two_layer_loss_and_grads": WRONG_TWO_LAYER,
    "ex05_gradient_check": WRONG_GRADIENT_CHECK,
}
