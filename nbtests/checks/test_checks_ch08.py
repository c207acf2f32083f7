"""Chapter 08's checks name each known mistake (solution and stub: test_exercises.py)."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import fails_with_hint as _fails
from helpers import passes as _passes

from utils import nn

# ------------------------------------------------------------------ L2


def l2_no_two(weights, lam):
    return lam * sum(np.sum(w**2) for w in weights), [lam * w for w in weights]


def l2_half_convention(weights, lam):
    return lam / 2 * sum(np.sum(w**2) for w in weights), [lam * w for w in weights]


def l2_sign(weights, lam):
    return lam * sum(np.sum(w**2) for w in weights), [-2 * lam * w for w in weights]


def l2_no_lam(weights, lam):
    return sum(np.sum(w**2) for w in weights), [2 * w for w in weights]


def l2_mean(weights, lam):
    return lam * sum(np.mean(w**2) for w in weights), [2 * lam * w for w in weights]


def l2_first_only(weights, lam):
    return lam * np.sum(weights[0] ** 2), [2 * lam * w for w in weights]


WRONG_L2 = [
    (l2_no_two, "gradient missing the factor 2"),
    (l2_half_convention, "lambda convention mixed up (lam / 2)"),
    (l2_sign, "gradient sign flipped"),
    (l2_no_lam, "forgot lam"),
    (l2_mean, "mean instead of sum"),
    (l2_first_only, "penalised only the first array"),
]


@pytest.mark.parametrize(("wrong", "name"), WRONG_L2)
def test_l2_mistakes(wrong, name):
    _fails("ex08_l2_penalty", wrong, name)


def l2_with_loop(weights, lam):  # a correct alternative: float accumulator, tuple of grads
    total, grads = 0.0, []
    for w in weights:
        total += lam * float((w * w).sum())
        grads.append(lam * (w + w))
    return total, tuple(grads)


def test_l2_alternatives_pass(capsys):
    _passes("ex08_l2_penalty", l2_with_loop, capsys)
    _passes("ex08_l2_penalty", nn.l2_penalty, capsys)


# ------------------------------------------------------------------ L1


def l1_sign_at_zero(weights, lam):
    return lam * sum(np.abs(w).sum() for w in weights), [
        np.where(w >= 0, lam, -lam) for w in weights
    ]


def l1_w_not_sign(weights, lam):
    return lam * sum(np.abs(w).sum() for w in weights), [lam * w for w in weights]


def l1_two(weights, lam):
    return lam * sum(np.abs(w).sum() for w in weights), [2 * lam * np.sign(w) for w in weights]


def l1_no_abs(weights, lam):
    return lam * sum(w.sum() for w in weights), [lam * np.sign(w) for w in weights]


def l1_no_lam(weights, lam):
    return sum(np.abs(w).sum() for w in weights), [np.sign(w) for w in weights]


def l1_sign_flipped(weights, lam):
    return lam * sum(np.abs(w).sum() for w in weights), [-lam * np.sign(w) for w in weights]


WRONG_L1 = [
    (l1_sign_at_zero, "subgradient at 0 is not 0"),
    (l1_w_not_sign, "used w instead of sign(w)"),
    (l1_two, "factor 2 in the L1 gradient"),
    (l1_no_abs, "penalty without the absolute value"),
    (l1_no_lam, "forgot lam"),
    (l1_sign_flipped, "gradient sign flipped"),
]


@pytest.mark.parametrize(("wrong", "name"), WRONG_L1)
def test_l1_mistakes(wrong, name):
    _fails("ex08_l1_penalty", wrong, name)


def l1_divide(weights, lam):  # a correct alternative: w / |w| with 0 where w == 0
    grads = []
    for w in weights:
        g = np.zeros_like(w)
        nz = w != 0
        g[nz] = lam * w[nz] / np.abs(w[nz])
        grads.append(g)
    return float(lam * sum(np.abs(w).sum() for w in weights)), grads


def test_l1_alternatives_pass(capsys):
    _passes("ex08_l1_penalty", l1_divide, capsys)
    _passes("ex08_l1_penalty", nn.l1_penalty, capsys)


# ------------------------------------------------------------------ early stopping


def _stopper(
    *, watch="val_loss", late=0, tie=False, keep_last=False, zero_based=False, use_delta=True
):
    """Early stopping with one deliberate mistake switched on by the keyword arguments."""

    def early_stopping(history, snapshots, patience, min_delta=0.0):
        delta = min_delta if use_delta else 0.0
        best_loss, best, stopped = np.inf, 0, len(history["val_loss"])
        for epoch, loss in enumerate(history[watch], start=1):
            if loss < best_loss - delta or (tie and loss == best_loss):
                best_loss, best = loss, epoch
            if epoch - best >= patience + late:
                stopped = epoch
                break
        weights = snapshots[(stopped if keep_last else best) - 1]
        return (best - 1 if zero_based else best), stopped, weights

    return early_stopping


def stopping_argmin(history, snapshots, patience, min_delta=0.0):
    best = int(np.argmin(history["val_loss"])) + 1
    return best, len(history["val_loss"]), snapshots[best - 1]


WRONG_EARLY_STOPPING = [
    (_stopper(keep_last=True), "kept the last weights instead of the best"),
    (_stopper(watch="train_loss"), "watched the training loss"),
    (_stopper(late=1), "off-by-one on patience (one epoch late)"),
    (_stopper(late=-1), "off-by-one on patience (one epoch early)"),
    (stopping_argmin, "looked past the stop (best of all epochs)"),
    (_stopper(zero_based=True), "epochs counted from 0"),
    (_stopper(tie=True), "a tie counts as an improvement"),
    (_stopper(use_delta=False), "ignored min_delta"),
]


@pytest.mark.parametrize(("wrong", "name"), WRONG_EARLY_STOPPING)
def test_early_stopping_mistakes(wrong, name):
    _fails("ex08_early_stopping", wrong, name)


def stopping_with_library(history, snapshots, patience, min_delta=0.0):
    """A correct alternative built on nn.EarlyStopping and a one-parameter stand-in model."""

    class Holder:
        def __init__(self, w):
            self.params = {"w": w}

        def parameters(self):
            return [(self, "w")]

    stopper = nn.EarlyStopping(patience, min_delta)
    stopped = len(history["val_loss"])
    for epoch, (loss, w) in enumerate(zip(history["val_loss"], snapshots, strict=True), start=1):
        if stopper.update(epoch, loss, Holder(w)):
            stopped = epoch
            break
    return stopper.best_epoch, stopped, stopper.best_params[0]


def test_early_stopping_alternatives_pass(capsys):
    _passes("ex08_early_stopping", _stopper(), capsys)
    _passes("ex08_early_stopping", stopping_with_library, capsys)


# ------------------------------------------------------------------ dropout forward


def _forward(
    *, scale="inverted", eval_mode="identity", keep_rule="drop", mask_out="bool", global_state=False
):
    def dropout_forward(x, p, *, training, rng):
        if not training:
            if eval_mode == "identity":
                return x, None
            if eval_mode == "scaled":
                return x * (1 - p), None
            if eval_mode == "ones mask":
                return x, np.ones(x.shape, dtype=bool)
            training = True  # eval_mode == "active": dropout runs anyway
        u = np.random.random(x.shape) if global_state else rng.random(x.shape)  # noqa: NPY002
        keep = u < p if keep_rule == "keep" else u >= p
        factor = {
            "inverted": 1 / (1 - p) if p < 1 else 0.0,
            "none": 1.0,
            "1/p": 1 / p if p > 0 else 1.0,
        }[scale]
        if keep_rule == "keep":
            factor = 1 / p if p > 0 else 1.0
        out = x * keep * factor
        return out, (keep * factor if mask_out == "scaled" else keep)

    return dropout_forward


def forward_binomial(x, p, *, training, rng):
    if not training:
        return x, None
    keep = rng.binomial(1, 1 - p, size=x.shape).astype(bool)
    return x * keep / (1 - p), keep


def forward_complement(x, p, *, training, rng):
    # Dropout as such is right (a unit survives with probability 1 - p, scaled by 1/(1 - p)),
    # but the mask is not the one the exercise asks for: rng.random(x.shape) >= p.
    if not training:
        return x, None
    keep = rng.random(x.shape) < 1 - p
    return x * keep / (1 - p), keep


WRONG_DROPOUT_FORWARD = [
    (_forward(scale="none"), "dropout not inverted"),
    (_forward(eval_mode="active"), "dropout active in eval"),
    (_forward(eval_mode="scaled"), "scaled at test time"),
    (_forward(scale="1/p"), "scaled by 1/p instead of 1/(1 - p)"),
    (_forward(keep_rule="keep"), "p used as the keep probability"),
    (_forward(mask_out="scaled"), "returned the scaled mask"),
    (_forward(eval_mode="ones mask"), "returned a mask in evaluation"),
    (forward_binomial, "right statistics, different mask"),
    (forward_complement, "right statistics, different mask"),
    (_forward(global_state=True), "used np.random global state instead of rng"),
]


@pytest.mark.parametrize(("wrong", "name"), WRONG_DROPOUT_FORWARD)
def test_dropout_forward_mistakes(wrong, name):
    _fails("ex08_dropout_forward", wrong, name)


def test_complementary_draw_is_never_called_keep_probability():
    # At p = 0.5, rng.random < 1 - p and rng.random < p are the same mask: no evidence there.
    from utils.checks import default_seed, get_exercise, run_exercise

    ex = get_exercise("ex08_dropout_forward")
    for seed in (default_seed(ex.id), 1, 2, 3):
        verdicts, _ = run_exercise(ex, forward_complement, seed)
        assert {v.mistake for v in verdicts if not v.passed} == {"right statistics, different mask"}


def forward_float_mask(x, p, *, training, rng):  # a correct alternative: a 0/1 float mask
    if not training:
        return x, None
    mask = (rng.random(x.shape) >= p).astype(np.float64)
    return mask * x / (1.0 - p), mask


def forward_library(x, p, *, training, rng):  # the library's kernel, its cache turned into the mask
    out, scaled = nn.dropout_forward(x, p, training=training, rng=rng)
    return out, (scaled > 0 if training else None)


def test_dropout_forward_alternatives_pass(capsys):
    _passes("ex08_dropout_forward", _forward(), capsys)
    _passes("ex08_dropout_forward", forward_float_mask, capsys)
    _passes("ex08_dropout_forward", forward_library, capsys)


# ------------------------------------------------------------------ dropout backward


def backward_ignores_mask(dout, mask, p):
    return dout / (1 - p)


def backward_identity(dout, mask, p):
    return dout


def backward_not_inverted(dout, mask, p):
    return dout * mask


def backward_one_over_p(dout, mask, p):
    return dout * mask / p if p > 0 else dout * mask


def backward_times(dout, mask, p):
    return dout * mask * (1 - p)


WRONG_DROPOUT_BACKWARD = [
    (backward_ignores_mask, "mask not reused in backward"),
    (backward_identity, "mask not reused in backward"),
    (backward_not_inverted, "dropout not inverted in backward"),
    (backward_one_over_p, "scaled by 1/p instead of 1/(1 - p)"),
    (backward_times, "multiplied by (1 - p)"),
]


@pytest.mark.parametrize(("wrong", "name"), WRONG_DROPOUT_BACKWARD)
def test_dropout_backward_mistakes(wrong, name):
    _fails("ex08_dropout_backward", wrong, name)


def backward_where(dout, mask, p):  # a correct alternative
    return np.where(mask, dout / (1.0 - p), 0.0)


def backward_library(dout, mask, p):
    return nn.dropout_backward(dout, mask / (1.0 - p))


def test_dropout_backward_alternatives_pass(capsys):
    _passes("ex08_dropout_backward", backward_where, capsys)
    _passes("ex08_dropout_backward", backward_library, capsys)


# The known-wrong answers of each exercise, (answer, hint name) pairs: also run by
# test_probe_coverage.py under the grader's inputs.
WRONG_ANSWERS = {
    "ex08_l2_penalty": WRONG_L2,
    "ex08_l1_penalty": WRONG_L1,
    "ex08_early_stopping": WRONG_EARLY_STOPPING,
    "ex08_dropout_forward": WRONG_DROPOUT_FORWARD,
    "ex08_dropout_backward": WRONG_DROPOUT_BACKWARD,
}
