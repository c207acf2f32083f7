"""Chapter 03's checks name each known mistake (solution and stub: test_exercises.py)."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import exercise_namespace
from helpers import fails_with_hint as _fails
from helpers import passes as _passes


@pytest.fixture(scope="module")
def solution():
    return exercise_namespace("03", student=False)


@pytest.fixture(scope="module")
def student():
    return exercise_namespace("03", student=True)


# ------------------------------------------------------------ ex03_mse (wrong versions)


def mse_sum(pred, target, half=False):
    s = 0.5 if half else 1.0
    return float(s * np.sum((pred - target) ** 2)), 2 * s * (pred - target)


def mse_grad_not_mean(pred, target, half=False):
    n, s = len(pred), (0.5 if half else 1.0)
    return float(s * np.sum((pred - target) ** 2) / n), 2 * s * (pred - target)


def mse_np_mean(pred, target, half=False):
    s = 0.5 if half else 1.0
    return float(s * np.mean((pred - target) ** 2)), 2 * s * (pred - target) / pred.size


def mse_always_half(pred, target, half=False):
    n = pred.shape[0]
    return 0.5 * np.sum((pred - target) ** 2) / n, (pred - target) / n


def mse_ignores_half(pred, target, half=False):
    n = pred.shape[0]
    return np.sum((pred - target) ** 2) / n, 2 * (pred - target) / n


def mse_half_grad_keeps_2(pred, target, half=False):
    n, s = pred.shape[0], (0.5 if half else 1.0)
    return s * np.sum((pred - target) ** 2) / n, 2 * (pred - target) / n


def mse_no_factor_2(pred, target, half=False):
    n, s = pred.shape[0], (0.5 if half else 1.0)
    return s * np.sum((pred - target) ** 2) / n, (pred - target) / n


def mse_wrong_sign(pred, target, half=False):
    n, s = pred.shape[0], (0.5 if half else 1.0)
    return s * np.sum((pred - target) ** 2) / n, 2 * s * (target - pred) / n


def mse_loss_only(pred, target, half=False):
    return float(np.sum((pred - target) ** 2) / pred.shape[0])


def mse_per_sample(pred, target, half=False):
    d = (pred - target) ** 2
    per = d.sum(axis=1) if d.ndim == 2 else d
    return per, 2 * (pred - target) / pred.shape[0]


def mse_inconsistent(
    pred, target, half=False
):  # right loss, gradient off by a random-looking factor
    n, s = pred.shape[0], (0.5 if half else 1.0)
    return s * np.sum((pred - target) ** 2) / n, 2 * s * (pred - target) / n + 0.01


WRONG_MSE = [
    (mse_sum, "summed instead of averaged (no /N)"),
    (mse_grad_not_mean, "summed instead of averaged (no /N)"),
    (mse_np_mean, "averaged over the outputs too (divided by N*K)"),
    (mse_always_half, "the 1/2 convention mixed up"),
    (mse_ignores_half, "the 1/2 convention mixed up"),
    (mse_half_grad_keeps_2, "the 1/2 convention mixed up"),
    (mse_no_factor_2, "gradient missing the factor 2"),
    (mse_wrong_sign, "wrong sign of the gradient"),
    (mse_loss_only, "returned only the loss"),
    (mse_per_sample, "returned per-sample losses instead of their mean"),
    (mse_inconsistent, "gradient does not match your own loss"),
]


@pytest.mark.parametrize("wrong, name", WRONG_MSE)
def test_mse_mistakes(wrong, name):
    _fails("ex03_mse", wrong, name)


def test_mse_numpy_scalar_and_list_answers_pass(capsys):
    def mse(pred, target, half=False):
        n = len(pred)
        c = 1.0 if half else 2.0
        return [np.float64((c / 2) * ((pred - target) ** 2).sum() / n), c * (pred - target) / n]

    _passes("ex03_mse", mse, capsys)


# ------------------------------------------------------------ ex03_mae (wrong versions)


def mae_sum(pred, target):
    return float(np.sum(np.abs(pred - target))), np.sign(pred - target)


def mae_np_mean(pred, target):
    return float(np.mean(np.abs(pred - target))), np.sign(pred - target) / pred.size


def mae_no_abs(pred, target):
    return float(np.sum(pred - target) / len(pred)), np.sign(pred - target) / len(pred)


def mae_squared(pred, target):
    return float(np.sum((pred - target) ** 2) / len(pred)), np.sign(pred - target) / len(pred)


def mae_wrong_sign(pred, target):
    return float(np.sum(np.abs(pred - target)) / len(pred)), np.sign(target - pred) / len(pred)


def mae_where(pred, target):
    d = pred - target
    return float(np.sum(np.abs(d)) / len(pred)), np.where(d > 0, 1.0, -1.0) / len(pred)


def mae_loss_only(pred, target):
    return float(np.mean(np.abs(pred - target)))


def mae_grad_times_2(pred, target):
    d = pred - target
    return float(np.sum(np.abs(d)) / len(pred)), 2 * np.sign(d) / len(pred)


WRONG_MAE = [
    (mae_sum, "summed instead of averaged (no /N)"),
    (mae_np_mean, "averaged over the outputs too (divided by N*K)"),
    (mae_no_abs, "forgot the absolute value"),
    (mae_squared, "squared the errors (that is MSE)"),
    (mae_wrong_sign, "wrong sign of the gradient"),
    (mae_where, "gradient not 0 where pred == target"),
    (mae_loss_only, "returned only the loss"),
    (mae_grad_times_2, "gradient does not match your own loss"),
]


@pytest.mark.parametrize("wrong, name", WRONG_MAE)
def test_mae_mistakes(wrong, name):
    _fails("ex03_mae", wrong, name)


# ------------------------------------------------------------ ex03_binary_cross_entropy


def _clip(p):
    return np.clip(p, 1e-12, 1 - 1e-12)


def bce_no_minus(prob, target):
    p = _clip(prob)
    return float(np.sum(target * np.log(p) + (1 - target) * np.log(1 - p)) / len(p))


def bce_sum(prob, target):
    p = _clip(prob)
    return float(-np.sum(target * np.log(p) + (1 - target) * np.log(1 - p)))


def bce_np_mean(prob, target):
    p = _clip(prob)
    return float(-np.mean(target * np.log(p) + (1 - target) * np.log(1 - p)))


def bce_no_clip(prob, target):
    return float(-np.sum(target * np.log(prob) + (1 - target) * np.log(1 - prob)) / len(prob))


def bce_other_eps(prob, target):
    p = np.clip(prob, 1e-7, 1 - 1e-7)
    return float(-np.sum(target * np.log(p) + (1 - target) * np.log(1 - p)) / len(p))


def bce_swapped(prob, target):
    p = _clip(prob)
    return float(-np.sum(target * np.log(1 - p) + (1 - target) * np.log(p)) / len(p))


def bce_per_sample(prob, target):
    p = _clip(prob)
    return -(target * np.log(p) + (1 - target) * np.log(1 - p))


def bce_with_grad(prob, target):
    p = _clip(prob)
    loss = float(-np.sum(target * np.log(p) + (1 - target) * np.log(1 - p)) / len(p))
    return loss, (p - target) / (p * (1 - p)) / len(p)


WRONG_BCE = [
    (bce_no_minus, "missing minus sign"),
    (bce_sum, "sum instead of mean"),
    (bce_np_mean, "averaged over the labels too (divided by N*K)"),
    (bce_no_clip, "no clipping: log(0) at p exactly 0 or 1"),
    (bce_other_eps, "clipped with a different epsilon"),
    (bce_swapped, "swapped p and 1 - p"),
    (bce_per_sample, "returned per-sample losses instead of their mean"),
    (bce_with_grad, "returned a tuple"),
]


@pytest.mark.parametrize("wrong, name", WRONG_BCE)
def test_bce_mistakes(wrong, name):
    _fails("ex03_binary_cross_entropy", wrong, name)


def test_bce_per_row_sums_then_mean_passes(capsys):
    def bce_rows(prob, target):
        p = np.clip(prob, 1e-12, 1 - 1e-12)
        terms = target * np.log(p) + (1 - target) * np.log1p(-p)
        return float(-terms.reshape(len(p), -1).sum(axis=1).mean())

    _passes("ex03_binary_cross_entropy", bce_rows, capsys)


# ------------------------------------------------------------ ex03_cross_entropy


def _onehot(prob, target):
    return np.eye(prob.shape[1])[target] if target.ndim == 1 else target


def _logp(prob):
    return np.log(np.clip(prob, 1e-12, 1.0))


def ce_wrong_axis(prob, target):
    return float(-np.mean(np.sum(_onehot(prob, target) * _logp(prob), axis=0)))


def ce_not_averaged(prob, target):
    return float(-np.sum(_onehot(prob, target) * _logp(prob)))


def ce_np_mean(prob, target):
    return float(-np.mean(_onehot(prob, target) * _logp(prob)))


def ce_all_classes(prob, target):
    return float(-np.sum(_logp(prob)) / prob.shape[0])


def ce_binary_terms(prob, target):
    y = _onehot(prob, target)
    p = np.clip(prob, 1e-12, 1 - 1e-12)
    return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)) / prob.shape[0])


def ce_columns(prob, target):
    if target.ndim == 2:
        target = target.argmax(axis=1)
    return float(-np.mean(_logp(prob)[:, target]))


def ce_no_minus(prob, target):
    return float(np.sum(_onehot(prob, target) * _logp(prob)) / prob.shape[0])


def ce_no_clip(prob, target):
    return float(-np.sum(_onehot(prob, target) * np.log(prob)) / prob.shape[0])


def ce_only_int(prob, target):
    return float(-np.mean(_logp(prob)[np.arange(prob.shape[0]), target]))


def ce_only_one_hot(prob, target):
    return float(-np.sum(target * _logp(prob)) / prob.shape[0])


WRONG_CE = [
    (ce_wrong_axis, "summed over the wrong axis"),
    (ce_not_averaged, "not averaged over the batch"),
    (ce_np_mean, "averaged over the classes too (divided by N*C)"),
    (ce_all_classes, "used the probabilities of all classes"),
    (ce_binary_terms, "added (1 - y) log(1 - p) terms (the multi-label loss)"),
    (ce_columns, "indexed prob[:, y] instead of prob[np.arange(N), y]"),
    (ce_no_minus, "missing minus sign"),
    (ce_no_clip, "no clipping: log(0) at a probability of exactly 0"),
    (ce_only_int, "one-hot targets not handled"),
    (ce_only_one_hot, "integer labels not handled"),
]


@pytest.mark.parametrize("wrong, name", WRONG_CE)
def test_ce_mistakes(wrong, name):
    _fails("ex03_cross_entropy", wrong, name)


def test_ce_indexing_solution_passes(capsys):
    def ce(prob, target):
        labels = target.argmax(axis=1) if target.ndim == 2 else target
        n = prob.shape[0]
        return float(-np.mean(np.log(np.maximum(prob[np.arange(n), labels], 1e-12))))

    _passes("ex03_cross_entropy", ce, capsys)


# ------------------------------------------------------------ ex03_softmax_cross_entropy


def _sce(
    scores,
    y,
    *,
    shift="row",
    grad_n=True,
    loss_n=True,
    sign=1.0,
    subtract=True,
    axis=1,
    mean_all=False,
):
    n, c = scores.shape
    if shift == "row":
        s = scores - scores.max(axis=axis, keepdims=True)
    elif shift == "all":
        s = scores - scores.max()
    else:
        s = scores
    e = np.exp(s)
    p = e / e.sum(axis=axis, keepdims=True)
    if mean_all:  # np.mean over the (N, C) array: divides by N * C
        loss = -np.mean(np.eye(c)[y] * np.log(np.clip(p, 1e-300, 1.0)))
    else:
        loss = -np.sum(np.log(p[np.arange(n), y]))
        if loss_n:
            loss /= n
    d = p.copy()
    if subtract:
        d[np.arange(n), y] -= 1
    if grad_n == "NC":
        d /= n * c
    elif grad_n:
        d /= n
    return float(loss), sign * d


def _sce_with(**kwargs):
    return lambda s, y: _sce(s, y, **kwargs)


WRONG_SCE = [
    (_sce_with(grad_n=False), "gradient not divided by N"),
    (_sce_with(shift=None), "no max-subtraction: softmax overflows at scores around 1000"),
    (_sce_with(shift="all"), "no max-subtraction: softmax overflows at scores around 1000"),
    (_sce_with(sign=-1.0), "wrong sign of the gradient"),
    (_sce_with(loss_n=False), "loss not averaged over the batch"),
    (_sce_with(subtract=False), "forgot to subtract the one-hot targets in the gradient"),
    (_sce_with(axis=0), "softmax over the wrong axis (columns)"),
    (_sce_with(axis=0, shift=None), "softmax over the wrong axis (columns)"),
    (_sce_with(mean_all=True), "loss averaged over the classes too (divided by N*C)"),
    (_sce_with(mean_all=True, grad_n="NC"), "loss averaged over the classes too (divided by N*C)"),
]


@pytest.mark.parametrize("wrong, name", WRONG_SCE)
def test_sce_mistakes(wrong, name):
    _fails("ex03_softmax_cross_entropy", wrong, name)


def test_sce_other_mistakes():
    _fails("ex03_softmax_cross_entropy", lambda s, y: _sce(s, y)[0], "returned only the loss")
    _fails(
        "ex03_softmax_cross_entropy",
        lambda s, y: (_sce(s, y)[0], _sce(s, y)[1] * 0.5),
        "gradient does not match your own loss",
    )


def test_sce_clipped_probability_route_passes(capsys):
    # softmax with row max subtracted, then log of clipped probabilities: also fine here.
    def sce(scores, y):
        n = scores.shape[0]
        e = np.exp(scores - scores.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        y1 = np.eye(scores.shape[1])[y]
        return float(-np.sum(y1 * np.log(np.clip(p, 1e-300, 1))) / n), (p - y1) / n

    _passes("ex03_softmax_cross_entropy", sce, capsys)


# The known-wrong answers of each exercise, (answer, hint name) pairs: also run by
# test_probe_coverage.py under the grader's inputs.
WRONG_ANSWERS = {
    "ex03_mse": WRONG_MSE,
    "ex03_mae": WRONG_MAE,
    "ex03_binary_cross_entropy": WRONG_BCE,
    "ex03_cross_entropy": WRONG_CE,
    "ex03_softmax_cross_entropy": WRONG_SCE,
}
