"""Chapter 09's checks name each known mistake (solution and stub: test_exercises.py)."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import fails_with_hint as _fails
from helpers import passes

from utils import nn

EPS = 1e-5


def _affine(x, mu, var, gamma, beta):
    return gamma * (x - mu) / np.sqrt(var + EPS) + beta


# ------------------------------------------------------------ ex09_batchnorm_forward_train


def _train(stats, how="right"):
    """A forward pass in training mode built from ``stats(x) -> (mu, var)``."""

    def forward(x, gamma, beta, *, eps=1e-5):
        mu, var = stats(x)
        if how == "eps outside":
            inv_std = 1.0 / (np.sqrt(var) + eps)
        elif how == "no eps":
            inv_std = 1.0 / np.sqrt(var)
        elif how == "variance":
            inv_std = 1.0 / (var + eps)
        else:
            inv_std = 1.0 / np.sqrt(var + eps)
        x_hat = (x - mu) * inv_std
        return gamma * x_hat + beta, (x_hat, gamma, inv_std)

    return forward


def _batch_stats(x):
    return x.mean(axis=0), x.var(axis=0)


bn_unbiased = _train(lambda x: (x.mean(axis=0), x.var(axis=0, ddof=1)))
bn_axis1 = _train(lambda x: (x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)))
bn_axis1_flat = _train(lambda x: (x.mean(axis=1), x.var(axis=1)))
bn_eps_outside = _train(_batch_stats, "eps outside")
bn_variance = _train(_batch_stats, "variance")
bn_moments = _train(lambda x: (x.mean(axis=0), (x**2).mean(axis=0) - x.mean(axis=0) ** 2))


def bn_no_eps(x, gamma, beta, *, eps=1e-5):
    with np.errstate(all="ignore"):
        return _train(_batch_stats, "no eps")(x, gamma, beta, eps=eps)


def bn_swapped(x, gamma, beta, *, eps=1e-5):
    out, cache = nn.batchnorm_forward(x, gamma, beta, eps=eps)
    return beta * cache[0] + gamma, cache


def bn_no_affine(x, gamma, beta, *, eps=1e-5):
    out, cache = nn.batchnorm_forward(x, gamma, beta, eps=eps)
    return cache[0], cache


def bn_out_only(x, gamma, beta, *, eps=1e-5):
    return nn.batchnorm_forward(x, gamma, beta, eps=eps)[0]


def bn_cache_std(x, gamma, beta, *, eps=1e-5):
    out, (x_hat, g, inv_std) = nn.batchnorm_forward(x, gamma, beta, eps=eps)
    return out, (x_hat, g, 1.0 / inv_std)


def bn_cache_out(x, gamma, beta, *, eps=1e-5):
    out, (x_hat, g, inv_std) = nn.batchnorm_forward(x, gamma, beta, eps=eps)
    return out, (out, g, inv_std)


WRONG_BATCHNORM_FORWARD_TRAIN = [
    (bn_unbiased, "unbiased variance (divided by N - 1)"),
    (bn_axis1, "normalised over the features (axis 1) instead of the batch (axis 0)"),
    (bn_axis1_flat, "normalised over the features without keepdims"),
    (bn_eps_outside, "eps outside the square root"),
    (bn_no_eps, "forgot eps"),
    (bn_variance, "divided by the variance instead of the standard deviation"),
    (bn_swapped, "gamma and beta swapped"),
    (bn_no_affine, "forgot gamma and beta"),
    (bn_moments, "variance as mean(x**2) - mean(x)**2"),
    (bn_out_only, "cache is not (x_hat, gamma, inv_std)"),
    (bn_cache_std, "stored the std instead of its inverse"),
    (bn_cache_out, "stored the output instead of x_hat"),
]


@pytest.mark.parametrize(("wrong", "name"), WRONG_BATCHNORM_FORWARD_TRAIN)
def test_batchnorm_forward_train_mistakes(wrong, name):
    _fails("ex09_batchnorm_forward_train", wrong, name)


def test_batchnorm_forward_train_constant_feature_without_eps_is_named():
    def no_eps_only_on_constant(x, gamma, beta, *, eps=1e-5):
        var = x.var(axis=0)
        with np.errstate(all="ignore"):
            inv_std = np.where(var == 0, np.inf, 1.0 / np.sqrt(var + eps))
            x_hat = (x - x.mean(axis=0)) * inv_std
        return gamma * x_hat + beta, (x_hat, gamma, inv_std)

    _fails(
        "ex09_batchnorm_forward_train",
        no_eps_only_on_constant,
        "forgot eps (a constant feature gave inf or nan)",
    )


def test_batchnorm_forward_train_alternatives_pass(capsys):
    def by_hand(x, gamma, beta, *, eps=1e-5):
        n = x.shape[0]
        mu = x.sum(axis=0) / n
        centred = x - mu
        var = (centred * centred).sum(axis=0) / n
        inv_std = (var + eps) ** -0.5
        x_hat = centred * inv_std
        return x_hat * gamma + beta, (x_hat, gamma, inv_std)

    passes("ex09_batchnorm_forward_train", by_hand, capsys)
    passes(
        "ex09_batchnorm_forward_train",
        lambda x, gamma, beta, *, eps=1e-5: nn.batchnorm_forward(x, gamma, beta, eps=eps),
        capsys,
    )


# ------------------------------------------------------------------ ex09_batchnorm_backward


def _backward(axis=0, kind="right", *, use_gamma=True):
    def backward(dout, cache):
        x_hat, gamma, inv_std = cache
        dx_hat = dout * gamma if use_gamma else dout
        mean = dx_hat.mean(axis=axis, keepdims=True)
        var = x_hat * (dx_hat * x_hat).mean(axis=axis, keepdims=True)
        dx = {
            "right": inv_std * (dx_hat - mean - var),
            "constants": inv_std * dx_hat,
            "no variance": inv_std * (dx_hat - mean),
            "no mean": inv_std * (dx_hat - var),
        }[kind]
        return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)

    return backward


def bn_back_unsummed(dout, cache):
    dx, _, _ = nn.batchnorm_backward(dout, cache)
    return dx, dout * cache[0], dout


def bn_back_feature_sums(dout, cache):
    dx, _, _ = nn.batchnorm_backward(dout, cache)
    return dx, (dout * cache[0]).sum(axis=1), dout.sum(axis=1)


def bn_back_swapped(dout, cache):
    dx, dgamma, dbeta = nn.batchnorm_backward(dout, cache)
    return dx, dbeta, dgamma


def bn_back_dgamma_unweighted(dout, cache):
    dx, _, dbeta = nn.batchnorm_backward(dout, cache)
    return dx, dout.sum(axis=0), dbeta


def bn_back_two(dout, cache):
    return nn.batchnorm_backward(dout, cache)[:2]


WRONG_BATCHNORM_BACKWARD = [
    (_backward(kind="constants"), "mean and variance treated as constants (missing both terms)"),
    (_backward(kind="no variance"), "missing the variance term"),
    (_backward(kind="no mean"), "missing the mean term"),
    (_backward(axis=1), "the mean and variance terms over the wrong axis"),
    (_backward(use_gamma=False), "forgot gamma in dx"),
    (bn_back_unsummed, "dgamma and dbeta not summed over the batch"),
    (bn_back_feature_sums, "dgamma and dbeta summed over the features"),
    (bn_back_swapped, "dgamma and dbeta swapped"),
    (bn_back_dgamma_unweighted, "dgamma without x_hat (the same as dbeta)"),
    (bn_back_two, "returned the wrong number of things"),
]


@pytest.mark.parametrize(("wrong", "name"), WRONG_BATCHNORM_BACKWARD)
def test_batchnorm_backward_mistakes(wrong, name):
    _fails("ex09_batchnorm_backward", wrong, name)


def test_batchnorm_backward_staged_version_passes(capsys):
    def staged(dout, cache):  # the five steps of the derivation, one node at a time
        x_hat, gamma, s = cache
        n = dout.shape[0]
        c = x_hat / s
        d_hat = dout * gamma
        ds = (d_hat * c).sum(axis=0)
        dv = -0.5 * s**3 * ds
        dc = d_hat * s + dv * 2.0 * c / n
        dmu = -dc.sum(axis=0)
        return dc + dmu / n, (dout * x_hat).sum(axis=0), dout.sum(axis=0)

    passes("ex09_batchnorm_backward", staged, capsys)
    passes("ex09_batchnorm_backward", nn.batchnorm_backward, capsys)


# ----------------------------------------------------------------------- ex09_running_stats


def _running(kind="right"):
    def update(running_mean, running_var, x, *, momentum=0.1):
        mu, var = x.mean(axis=0), x.var(axis=0)
        m = momentum
        if kind == "reverse":
            return m * running_mean + (1 - m) * mu, m * running_var + (1 - m) * var
        if kind == "unbiased":
            var = x.var(axis=0, ddof=1)
        if kind == "std":
            var = x.std(axis=0)
        if kind == "batch":
            return mu, var
        if kind == "unchanged":
            return running_mean, running_var
        return (1 - m) * running_mean + m * mu, (1 - m) * running_var + m * var

    return update


WRONG_RUNNING_STATS = [
    (_running("reverse"), "momentum reversed"),
    (_running("unbiased"), "unbiased variance in the running estimate"),
    (_running("std"), "averaged the standard deviation instead of the variance"),
    (_running("batch"), "returned the batch statistics, not a running average"),
    (_running("unchanged"), "returned the running statistics unchanged"),
]


@pytest.mark.parametrize(("wrong", "name"), WRONG_RUNNING_STATS)
def test_running_stats_mistakes(wrong, name):
    _fails("ex09_running_stats", wrong, name)


def test_running_stats_one_value_returned_is_named():
    _fails(
        "ex09_running_stats",
        lambda rm, rv, x, *, momentum=0.1: rm,
        "returned the wrong number of things",
    )


def test_running_stats_in_place_alternative_passes(capsys):
    def in_place(running_mean, running_var, x, *, momentum=0.1):
        running_mean *= 1 - momentum  # as the library does, then returned
        running_mean += momentum * x.mean(axis=0)
        running_var *= 1 - momentum
        running_var += momentum * x.var(axis=0)
        return running_mean, running_var

    passes("ex09_running_stats", in_place, capsys)


# -------------------------------------------------------------- ex09_batchnorm_forward_eval


def eval_batch_stats(x, gamma, beta, running_mean, running_var, *, eps=1e-5):
    return _affine(x, x.mean(axis=0), x.var(axis=0), gamma, beta)


def eval_variance(x, gamma, beta, running_mean, running_var, *, eps=1e-5):
    return gamma * (x - running_mean) / (running_var + eps) + beta


def eval_eps_outside(x, gamma, beta, running_mean, running_var, *, eps=1e-5):
    return gamma * (x - running_mean) / (np.sqrt(running_var) + eps) + beta


def eval_no_eps(x, gamma, beta, running_mean, running_var, *, eps=1e-5):
    return gamma * (x - running_mean) / np.sqrt(running_var) + beta


def eval_swapped(x, gamma, beta, running_mean, running_var, *, eps=1e-5):
    return beta * (x - running_mean) / np.sqrt(running_var + eps) + gamma


def eval_tuple(x, gamma, beta, running_mean, running_var, *, eps=1e-5):
    return _affine(x, running_mean, running_var, gamma, beta), None


WRONG_BATCHNORM_FORWARD_EVAL = [
    (eval_batch_stats, "used the batch statistics in evaluation"),
    (eval_variance, "divided by running_var instead of its square root"),
    (eval_eps_outside, "eps outside the square root"),
    (eval_no_eps, "forgot eps"),
    (eval_swapped, "gamma and beta swapped"),
    (eval_tuple, "returned a tuple"),
]


@pytest.mark.parametrize(("wrong", "name"), WRONG_BATCHNORM_FORWARD_EVAL)
def test_batchnorm_forward_eval_mistakes(wrong, name):
    _fails("ex09_batchnorm_forward_eval", wrong, name)


def test_batchnorm_forward_eval_batch_of_one_is_diagnosed():
    """Batch statistics only when the batch is a single sample: the batch-of-one probes say so."""

    def batch_stats_only_for_one(x, gamma, beta, running_mean, running_var, *, eps=1e-5):
        if len(x) == 1:
            return eval_batch_stats(x, gamma, beta, running_mean, running_var)
        return _affine(x, running_mean, running_var, gamma, beta)

    _fails(
        "ex09_batchnorm_forward_eval",
        batch_stats_only_for_one,
        "used the batch statistics in evaluation",
    )


def test_batchnorm_forward_eval_library_passes(capsys):
    def library(x, gamma, beta, running_mean, running_var, *, eps=1e-5):
        return nn.batchnorm_forward(
            x,
            gamma,
            beta,
            eps=eps,
            training=False,
            running_mean=running_mean,
            running_var=running_var,
        )[0]

    passes("ex09_batchnorm_forward_eval", library, capsys)


# ------------------------------------------------------------------ ex09_layernorm_forward


def _ln(stats, how="right"):
    def forward(x, gamma, beta, *, eps=1e-5):
        mu, var = stats(x)
        inv_std = 1.0 / (np.sqrt(var) + eps) if how == "eps outside" else 1.0 / np.sqrt(var + eps)
        x_hat = (x - mu) * inv_std
        return gamma * x_hat + beta, (x_hat, gamma, inv_std)

    return forward


def _rows(x):
    return x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)


ln_axis0 = _ln(_batch_stats)
ln_flat = _ln(lambda x: (x.mean(axis=1), x.var(axis=1)))
ln_unbiased = _ln(lambda x: (x.mean(axis=1, keepdims=True), x.var(axis=1, ddof=1, keepdims=True)))
ln_eps_outside = _ln(_rows, "eps outside")


def ln_no_affine(x, gamma, beta, *, eps=1e-5):
    out, cache = nn.layernorm_forward(x, gamma, beta, eps=eps)
    return cache[0], cache


def ln_flat_cache(x, gamma, beta, *, eps=1e-5):
    out, (x_hat, g, inv_std) = nn.layernorm_forward(x, gamma, beta, eps=eps)
    return out, (x_hat, g, inv_std.ravel())


def ln_std_cache(x, gamma, beta, *, eps=1e-5):
    out, (x_hat, g, inv_std) = nn.layernorm_forward(x, gamma, beta, eps=eps)
    return out, (x_hat, g, 1.0 / inv_std)


def ln_out_only(x, gamma, beta, *, eps=1e-5):
    return nn.layernorm_forward(x, gamma, beta, eps=eps)[0]


WRONG_LAYERNORM_FORWARD = [
    (ln_axis0, "normalised over the batch (axis 0): that is batch norm"),
    (ln_flat, "statistics without keepdims"),
    (ln_unbiased, "unbiased variance (divided by D - 1)"),
    (ln_eps_outside, "eps outside the square root"),
    (ln_no_affine, "forgot gamma and beta"),
    (ln_flat_cache, "inv_std of shape (N,)"),
    (ln_std_cache, "stored the std instead of its inverse"),
    (ln_out_only, "cache is not (x_hat, gamma, inv_std)"),
]


@pytest.mark.parametrize(("wrong", "name"), WRONG_LAYERNORM_FORWARD)
def test_layernorm_forward_mistakes(wrong, name):
    _fails("ex09_layernorm_forward", wrong, name)


def test_layernorm_forward_without_keepdims_names_the_broadcast_error():
    """On a non-square batch the missing keepdims raises; the hint names it."""
    from utils.checks import CheckFailed, check

    with pytest.raises(CheckFailed) as info:
        check("ex09_layernorm_forward", ln_flat)
    assert "Hint (the statistics broadcast the wrong way)" in str(info.value)


def test_layernorm_forward_alternatives_pass(capsys):
    def transposed(x, gamma, beta, *, eps=1e-5):  # layer norm is batch norm of x.T
        t = x.T
        inv_std = 1.0 / np.sqrt(t.var(axis=0) + eps)  # (N,)
        x_hat = ((t - t.mean(axis=0)) * inv_std).T
        return gamma * x_hat + beta, (x_hat, gamma, inv_std[:, None])

    passes("ex09_layernorm_forward", transposed, capsys)
    passes("ex09_layernorm_forward", nn.layernorm_forward, capsys)


# ----------------------------------------------------------------- ex09_layernorm_backward


def ln_back_unsummed(dout, cache):
    dx = nn.layernorm_backward(dout, cache)[0]
    return dx, dout * cache[0], dout


def ln_back_feature_sums(dout, cache):
    dx = nn.layernorm_backward(dout, cache)[0]
    return dx, (dout * cache[0]).sum(axis=1), dout.sum(axis=1)


def ln_back_dgamma_unweighted(dout, cache):
    dx, _, dbeta = nn.layernorm_backward(dout, cache)
    return dx, dout.sum(axis=0), dbeta


WRONG_LAYERNORM_BACKWARD = [
    (_backward(axis=0), "the mean and variance terms over the wrong axis"),
    (
        _backward(axis=1, kind="constants"),
        "mean and variance treated as constants (missing both terms)",
    ),
    (_backward(axis=1, kind="no variance"), "missing the variance term"),
    (_backward(axis=1, kind="no mean"), "missing the mean term"),
    (_backward(axis=1, use_gamma=False), "forgot gamma in dx"),
    (ln_back_unsummed, "dgamma and dbeta not summed over the batch"),
    (ln_back_feature_sums, "dgamma and dbeta summed over the features"),
    (ln_back_dgamma_unweighted, "dgamma without x_hat (the same as dbeta)"),
]


@pytest.mark.parametrize(("wrong", "name"), WRONG_LAYERNORM_BACKWARD)
def test_layernorm_backward_mistakes(wrong, name):
    _fails("ex09_layernorm_backward", wrong, name)


def test_layernorm_backward_alternatives_pass(capsys):
    def via_batchnorm(dout, cache):  # layer norm's backward is batch norm's on the transpose
        x_hat, gamma, inv_std = cache
        dx_t, _, _ = nn.batchnorm_backward(
            (dout * gamma).T, (x_hat.T, np.ones(len(x_hat)), inv_std.ravel())
        )
        return dx_t.T, (dout * x_hat).sum(axis=0), dout.sum(axis=0)

    passes("ex09_layernorm_backward", via_batchnorm, capsys)
    passes("ex09_layernorm_backward", nn.layernorm_backward, capsys)


# The known-wrong answers of each exercise, (answer, hint name) pairs: also run by
# test_probe_coverage.py under the grader's inputs.
WRONG_ANSWERS = {
    "ex09_batchnorm_forward_train": WRONG_BATCHNORM_FORWARD_TRAIN,
    "ex09_batchnorm_backward": WRONG_BATCHNORM_BACKWARD,
    "ex09_running_stats": WRONG_RUNNING_STATS,
    "ex09_batchnorm_forward_eval": WRONG_BATCHNORM_FORWARD_EVAL,
    "ex09_layernorm_forward": WRONG_LAYERNORM_FORWARD,
    "ex09_layernorm_backward": WRONG_LAYERNORM_BACKWARD,
}
