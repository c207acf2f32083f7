"""Checks of chapter 09 (Batch normalization).

Exercises, in notebook order: ``ex09_batchnorm_forward_train``, ``ex09_batchnorm_backward``,
``ex09_running_stats``, ``ex09_batchnorm_forward_eval``, ``ex09_layernorm_forward``,
``ex09_layernorm_backward``.

References come from :mod:`utils.nn` (``batchnorm_forward``, ``batchnorm_backward``,
``layernorm_forward``, ``layernorm_backward``); the course's conventions are those of the
library: the *biased* batch variance (divide by N) both to normalise and in the running
estimate, ``running = (1 - momentum) * running + momentum * batch`` with ``momentum=0.1``,
``eps`` inside the square root, and the caches ``(x_hat, gamma, inv_std)`` with ``inv_std``
of shape (D,) for batch norm and (N, 1) for layer norm.

Each backward exercise also has a probe whose expected value is the *numerical* gradient
(central differences of the reference forward pass), so the student's backward is held
against the definition of the derivative, not only against our formula.
"""

from __future__ import annotations

import numpy as np

from utils import nn
from utils.checks import Exercise, Mistake, Probe, part, register, same

__all__: list[str] = []

EPS = 1e-5


def _non_finite(got, _i) -> bool:
    arr = got[0] if isinstance(got, tuple) and got else got
    try:
        return not bool(np.all(np.isfinite(np.asarray(arr, dtype=np.float64))))
    except (TypeError, ValueError):
        return False


def _normalise(x, mu, var, gamma, beta, how: str = "right"):
    """``gamma * x_hat + beta`` for the right formula and for each mistaken one."""
    if how == "right":
        x_hat = (x - mu) / np.sqrt(var + EPS)
    elif how == "eps outside":
        x_hat = (x - mu) / (np.sqrt(var) + EPS)
    elif how == "no eps":
        x_hat = (x - mu) / np.sqrt(var)
    elif how == "variance":
        x_hat = (x - mu) / (var + EPS)
    else:
        raise ValueError(how)
    return gamma * x_hat + beta


# ------------------------------------------------------------ ex09_batchnorm_forward_train


def _bn_inputs(n: int, d: int, *, loc: float = 0.0, scale: float = 1.0, constant: bool = False):
    def make(rng):
        x = loc + scale * (
            rng.standard_normal((n, d)) * rng.uniform(0.5, 3.0, d) + rng.uniform(-2.0, 2.0, d)
        )
        if constant:
            x[:, 0] = 1.5  # a feature with zero variance in the batch
        return {
            "x": x,
            "gamma": rng.uniform(0.5, 2.0, d) * rng.choice([-1.0, 1.0], d),
            "beta": rng.standard_normal(d),
        }

    return make


def _call_train_out(obj, i):
    got = obj(i["x"], i["gamma"], i["beta"])
    return got[0] if isinstance(got, tuple) and len(got) == 2 else got


def _call_train_cache(obj, i):
    got = obj(i["x"], i["gamma"], i["beta"])
    return got[1] if isinstance(got, tuple) and len(got) == 2 else got


def _bn_train_ref(i):
    return nn.batchnorm_forward(i["x"], i["gamma"], i["beta"], eps=EPS, training=True)


def _bn_train_variant(i, *, ddof=0, axis=0, keepdims=True, how="right"):
    x, g, b = i["x"], i["gamma"], i["beta"]
    mu = x.mean(axis=axis, keepdims=keepdims)
    var = x.var(axis=axis, ddof=ddof, keepdims=keepdims)
    return _normalise(x, mu, var, g, b, how)


def _bn_moments_variant(i):
    x = i["x"]
    mu = x.mean(axis=0)
    var = (x**2).mean(axis=0) - mu**2
    return _normalise(x, mu, var, i["gamma"], i["beta"])


TRAIN_MISTAKES = (
    Mistake(
        "returned the wrong number of things",
        "Return two things, `return out, cache`, with cache = (x_hat, gamma, inv_std).",
        matches=lambda got, i: isinstance(got, tuple),
    ),
    Mistake(
        "unbiased variance (divided by N - 1)",
        "In training, batch norm normalises with the biased batch variance, the mean of "
        "(x - mu)**2 over the batch (divide by N): x.var(axis=0), whose default is "
        "ddof=0. You divided by N - 1 (ddof=1). The running estimate must use the same "
        "biased variance, so the two stay consistent.",
        output=lambda i: _bn_train_variant(i, ddof=1),
    ),
    Mistake(
        "normalised over the features (axis 1) instead of the batch (axis 0)",
        "Batch norm computes one mean and one variance per feature, over the N samples "
        "of the batch: x.mean(axis=0) and x.var(axis=0), both of shape (D,). Averaging "
        "each row over its features is layer norm.",
        output=lambda i: _bn_train_variant(i, axis=1),
    ),
    Mistake(
        "normalised over the features without keepdims",
        "Batch norm's statistics are per feature: x.mean(axis=0), shape (D,). "
        "x.mean(axis=1) has shape (N,) and, when N = D, broadcasts along the wrong "
        "axis without any error.",
        output=lambda i: _bn_train_variant(i, axis=1, keepdims=False),
    ),
    Mistake(
        "eps outside the square root",
        "Put eps inside the square root: (x - mu) / np.sqrt(var + eps). "
        "(x - mu) / (np.sqrt(var) + eps) is another formula, and it differs most for a "
        "feature whose variance is small.",
        output=lambda i: _bn_train_variant(i, how="eps outside"),
    ),
    Mistake(
        "forgot eps",
        "Divide by np.sqrt(var + eps), not np.sqrt(var): eps keeps the division finite "
        "when a feature has (almost) the same value in every sample of the batch.",
        output=lambda i: _bn_train_variant(i, how="no eps"),
    ),
    Mistake(
        "forgot eps (a constant feature gave inf or nan)",
        "A feature that is constant over the batch has variance 0: without eps you "
        "divide 0 by 0. Divide by np.sqrt(var + eps).",
        matches=_non_finite,
    ),
    Mistake(
        "divided by the variance instead of the standard deviation",
        "x_hat = (x - mu) / np.sqrt(var + eps): the square root of the variance, so "
        "that x_hat has variance 1.",
        output=lambda i: _bn_train_variant(i, how="variance"),
    ),
    Mistake(
        "gamma and beta swapped",
        "gamma scales and beta shifts: out = gamma * x_hat + beta.",
        output=lambda i: i["beta"] * _bn_train_ref(i)[1][0] + i["gamma"],
    ),
    Mistake(
        "forgot gamma and beta",
        "After normalising, apply the learned scale and shift: out = gamma * x_hat + beta.",
        output=lambda i: _bn_train_ref(i)[1][0],
    ),
    Mistake(
        "variance as mean(x**2) - mean(x)**2",
        "mean(x**2) - mean(x)**2 subtracts two huge, nearly equal numbers when the data "
        "sit far from 0, and the rounding error swamps the variance. Compute "
        "np.mean((x - mu)**2, axis=0) (or x.var(axis=0)), which subtracts the mean first.",
        output=_bn_moments_variant,
    ),
)


def _cache_is(k, func):
    def matches(got, i):
        return isinstance(got, tuple) and len(got) == 3 and same(got[k], func(i))

    return matches


CACHE_MISTAKES = (
    Mistake(
        "cache is not (x_hat, gamma, inv_std)",
        "Return cache = (x_hat, gamma, inv_std): three items, in this order. The backward "
        "exercise (and the library's batchnorm_backward) read the cache in this layout.",
        matches=lambda got, i: not (isinstance(got, tuple) and len(got) == 3),
    ),
    Mistake(
        "stored the std instead of its inverse",
        "The third item of the cache is inv_std = 1 / np.sqrt(var + eps), shape (D,), "
        "not the standard deviation itself.",
        matches=_cache_is(2, lambda i: np.sqrt(i["x"].var(axis=0) + EPS)),
    ),
    Mistake(
        "stored the output instead of x_hat",
        "The first item of the cache is the normalised input x_hat = (x - mu) * inv_std, "
        "before gamma and beta.",
        matches=_cache_is(0, lambda i: _bn_train_ref(i)[0]),
    ),
)

register(
    Exercise(
        id="ex09_batchnorm_forward_train",
        title="Batch normalization, forward pass in training mode",
        obj_name="batchnorm_forward_train",
        points=2,
        outputs="out",
        probes=(
            Probe(
                "out for x (8, 5)",
                _bn_inputs(8, 5),
                _call_train_out,
                lambda i: _bn_train_ref(i)[0],
                TRAIN_MISTAKES,
            ),
            Probe(
                "the cache (x_hat, gamma, inv_std) for x (8, 5)",
                _bn_inputs(8, 5),
                _call_train_cache,
                lambda i: _bn_train_ref(i)[1],
                CACHE_MISTAKES,
                outputs=("x_hat", "gamma", "inv_std"),
            ),
            Probe(
                "square x (6, 6), so a wrong axis keeps the shape",
                _bn_inputs(6, 6),
                _call_train_out,
                lambda i: _bn_train_ref(i)[0],
                TRAIN_MISTAKES,
            ),
            Probe(
                "the smallest batch, N = 2",
                _bn_inputs(2, 3),
                _call_train_out,
                lambda i: _bn_train_ref(i)[0],
                TRAIN_MISTAKES,
            ),
            Probe(
                "features of tiny variance (x scaled by 1e-3): eps matters",
                _bn_inputs(10, 4, scale=1e-3),
                _call_train_out,
                lambda i: _bn_train_ref(i)[0],
                TRAIN_MISTAKES,
            ),
            Probe(
                "a feature constant over the batch: its output is beta",
                _bn_inputs(7, 4, constant=True),
                _call_train_out,
                lambda i: _bn_train_ref(i)[0],
                TRAIN_MISTAKES,
            ),
            Probe(
                "data far from 0 (mean around 1e6)",
                _bn_inputs(16, 3, loc=1e6),
                _call_train_out,
                lambda i: _bn_train_ref(i)[0],
                TRAIN_MISTAKES,
                rtol=1e-6,
                atol=1e-8,
            ),
        ),
    )
)


# ------------------------------------------------------------------ ex09_batchnorm_backward


def _back_inputs(n: int, d: int, *, zero_gamma: bool = False):
    def make(rng):
        i = _bn_inputs(n, d)(rng)
        if zero_gamma:
            i["gamma"][0] = 0.0
        i["dout"] = rng.standard_normal((n, d))
        return i

    return make


def _bn_cache(i):
    return nn.batchnorm_forward(i["x"], i["gamma"], i["beta"], eps=EPS, training=True)[1]


def _call_bn_backward(obj, i):
    return obj(i["dout"], _bn_cache(i))


def _bn_backward_ref(i):
    return nn.batchnorm_backward(i["dout"], _bn_cache(i))


def _bn_numeric(i):
    x, g, b, dout = (np.array(i[k], dtype=np.float64) for k in ("x", "gamma", "beta", "dout"))

    def f(_):
        return float(np.sum(nn.batchnorm_forward(x, g, b, eps=EPS)[0] * dout))

    return nn.numerical_gradient(f, x), nn.numerical_gradient(f, g), nn.numerical_gradient(f, b)


def _norm_dx_variant(dout, cache, axis: int, kind: str, *, use_gamma: bool = True):
    """dx of batch norm (axis 0) or layer norm (axis 1), right or without some paths."""
    x_hat, gamma, inv_std = cache
    dx_hat = dout * gamma if use_gamma else dout
    mean_term = dx_hat.mean(axis=axis, keepdims=True)
    var_term = x_hat * (dx_hat * x_hat).mean(axis=axis, keepdims=True)
    if kind == "constants":
        return dx_hat * inv_std
    if kind == "no variance":
        return inv_std * (dx_hat - mean_term)
    if kind == "no mean":
        return inv_std * (dx_hat - var_term)
    return inv_std * (dx_hat - mean_term - var_term)


def _dx_is(func, cache_of):
    def matches(got, i):
        return same(part(got, 0), func(i["dout"], cache_of(i)), 1e-6, 1e-9)

    return matches


def _backward_mistakes(axis: int, cache_of) -> tuple:
    batch = axis == 0
    over = "the batch (axis 0)" if batch else "the features of each sample (axis 1)"
    return (
        Mistake(
            "returned the wrong number of things",
            "Return the three gradients as a tuple: `return dx, dgamma, dbeta`.",
            matches=lambda got, i: not (isinstance(got, tuple) and len(got) == 3),
        ),
        Mistake(
            "mean and variance treated as constants (missing both terms)",
            "dx = dout * gamma * inv_std is the gradient only along the direct path. The "
            f"mean and the variance are computed from every value of {over}, so each "
            "input also moves them: subtract the mean of dx_hat and x_hat times the mean "
            "of dx_hat * x_hat, dx = inv_std * (dx_hat - mean(dx_hat) "
            "- x_hat * mean(dx_hat * x_hat)), means over "
            f"{'axis 0' if batch else 'axis 1 with keepdims=True'}.",
            matches=_dx_is(lambda d, c: _norm_dx_variant(d, c, axis, "constants"), cache_of),
        ),
        Mistake(
            "missing the variance term",
            "You kept the path through the mean but not the one through the variance: "
            "subtract also x_hat * mean(dx_hat * x_hat) "
            f"(the mean over {over}).",
            matches=_dx_is(lambda d, c: _norm_dx_variant(d, c, axis, "no variance"), cache_of),
        ),
        Mistake(
            "missing the mean term",
            "You kept the path through the variance but not the one through the mean: "
            f"subtract also mean(dx_hat) (the mean over {over}).",
            matches=_dx_is(lambda d, c: _norm_dx_variant(d, c, axis, "no mean"), cache_of),
        ),
        Mistake(
            "the mean and variance terms over the wrong axis",
            f"The statistics were computed over {over}, so the terms of dx that come "
            "from them are means over that same axis"
            + (
                " (axis 0)."
                if batch
                else " (axis 1, keepdims=True): the batch "
                "norm formula with its axis unchanged is wrong here."
            ),
            matches=_dx_is(lambda d, c: _norm_dx_variant(d, c, 1 - axis, "right"), cache_of),
        ),
        Mistake(
            "forgot gamma in dx",
            "out = gamma * x_hat + beta, so the gradient reaching x_hat is "
            "dx_hat = dout * gamma; start from that, not from dout.",
            matches=_dx_is(
                lambda d, c: _norm_dx_variant(d, c, axis, "right", use_gamma=False), cache_of
            ),
        ),
        Mistake(
            "dgamma and dbeta not summed over the batch",
            "gamma and beta have shape (D,) and are used by every sample, so their "
            "gradients sum over the batch: dgamma = (dout * x_hat).sum(axis=0), "
            "dbeta = dout.sum(axis=0).",
            matches=lambda got, i: np.shape(part(got, 2)) == np.shape(i["dout"]),
        ),
        Mistake(
            "dgamma and dbeta summed over the features",
            "dgamma and dbeta have one entry per feature, shape (D,): sum over the rows "
            "(axis 0), not over the columns.",
            matches=lambda got, i: (
                same(part(got, 2), i["dout"].sum(axis=1))
                or same(part(got, 2), i["dout"].sum(axis=1, keepdims=True))
            ),
        ),
        Mistake(
            "dgamma computed with x instead of x_hat",
            "gamma multiplies the normalised x_hat, so dgamma = (dout * x_hat).sum(axis=0).",
            matches=lambda got, i: same(part(got, 1), (i["dout"] * i["x"]).sum(axis=0)),
        ),
        Mistake(
            "dgamma and dbeta swapped",
            "Return them in the order dx, dgamma, dbeta: dgamma = (dout * x_hat).sum(axis=0) "
            "and dbeta = dout.sum(axis=0).",
            matches=lambda got, i: (
                same(part(got, 1), i["dout"].sum(axis=0))
                and same(part(got, 2), _dgamma(i, cache_of))
            ),
        ),
        Mistake(
            "dgamma without x_hat (the same as dbeta)",
            "out = gamma * x_hat + beta: beta is added, so dbeta = dout.sum(axis=0), but "
            "gamma multiplies x_hat, so each sample's dout is weighted by its x_hat: "
            "dgamma = (dout * x_hat).sum(axis=0).",
            matches=lambda got, i: same(part(got, 1), i["dout"].sum(axis=0)),
        ),
    )


def _dgamma(i, cache_of) -> np.ndarray:
    """The right dgamma, sum over the batch of dout * x_hat (x_hat from the cache)."""
    return (i["dout"] * cache_of(i)[0]).sum(axis=0)


BN_BACKWARD_MISTAKES = _backward_mistakes(0, _bn_cache)

register(
    Exercise(
        id="ex09_batchnorm_backward",
        title="Batch normalization, backward pass",
        obj_name="batchnorm_backward",
        points=3,
        outputs=("dx", "dgamma", "dbeta"),
        probes=(
            Probe(
                "N = 6, D = 4",
                _back_inputs(6, 4),
                _call_bn_backward,
                _bn_backward_ref,
                BN_BACKWARD_MISTAKES,
            ),
            Probe(
                "against central differences of the reference forward pass",
                _back_inputs(5, 3),
                _call_bn_backward,
                _bn_numeric,
                BN_BACKWARD_MISTAKES,
                rtol=1e-5,
                atol=1e-7,
            ),
            Probe(
                "square (5, 5), so a wrong axis keeps the shape",
                _back_inputs(5, 5),
                _call_bn_backward,
                _bn_backward_ref,
                BN_BACKWARD_MISTAKES,
            ),
            Probe(
                "the smallest batch, N = 2",
                _back_inputs(2, 7),
                _call_bn_backward,
                _bn_backward_ref,
                BN_BACKWARD_MISTAKES,
            ),
            Probe(
                "a gamma of 0 for one feature",
                _back_inputs(8, 3, zero_gamma=True),
                _call_bn_backward,
                _bn_backward_ref,
                BN_BACKWARD_MISTAKES,
            ),
            Probe(
                "a batch of 64",
                _back_inputs(64, 3),
                _call_bn_backward,
                _bn_backward_ref,
                BN_BACKWARD_MISTAKES,
            ),
        ),
    )
)


# ----------------------------------------------------------------------- ex09_running_stats


def _running_inputs(n: int, d: int, momentum: float):
    def make(rng):
        return {
            "running_mean": rng.standard_normal(d),
            "running_var": rng.uniform(0.5, 2.0, d),
            "x": 3.0 + 2.0 * rng.standard_normal((n, d)),
            "momentum": momentum,
        }

    return make


def _call_running(obj, i):
    return obj(i["running_mean"], i["running_var"], i["x"], momentum=i["momentum"])


def _running_variant(i, kind: str = "right"):
    """The new (mean, var) of the right update and of each mistaken one."""
    m, x = i["momentum"], i["x"]
    rm, rv = i["running_mean"], i["running_var"]
    mu, var = x.mean(axis=0), x.var(axis=0)
    if kind == "reverse":
        return m * rm + (1.0 - m) * mu, m * rv + (1.0 - m) * var
    if kind == "unbiased":
        var = x.var(axis=0, ddof=1)
    elif kind == "std":
        var = np.sqrt(var)
    elif kind == "batch":
        return mu, var
    elif kind == "unchanged":
        return rm, rv
    return (1.0 - m) * rm + m * mu, (1.0 - m) * rv + m * var


def _running_ref(i):
    return _running_variant(i)


def _stream_inputs(rng):
    d = 3
    return {
        "running_mean": np.zeros(d),
        "running_var": np.ones(d),
        "batches": 5.0 + 2.0 * rng.standard_normal((60, 8, d)),
        "momentum": 0.1,
    }


def _stream(update, i):
    mean, var = np.array(i["running_mean"]), np.array(i["running_var"])
    for x in i["batches"]:
        mean, var = update(mean, var, x, momentum=i["momentum"])
        mean, var = np.array(mean, dtype=np.float64), np.array(var, dtype=np.float64)
    return mean, var


def _stream_variant(kind: str = "right"):
    def update(rm, rv, x, *, momentum):
        return _running_variant(
            {"running_mean": rm, "running_var": rv, "x": x, "momentum": momentum}, kind
        )

    return lambda i: _stream(update, i)


def _one_variant(kind: str):
    return lambda i: _running_variant(i, kind)


def _stream_call(obj, i):
    return _stream(obj, i)


def _running_mistakes(variant) -> tuple:
    return (
        Mistake(
            "returned the wrong number of things",
            "Return the two new running statistics: `return new_mean, new_var`.",
            matches=lambda got, i: not (isinstance(got, tuple) and len(got) == 2),
        ),
        Mistake(
            "momentum reversed",
            "In this course (and in PyTorch) momentum is the weight of the NEW batch: "
            "running = (1 - momentum) * running + momentum * batch, so momentum=0.1 keeps "
            "90% of the old estimate. You gave momentum to the old value (that is the "
            "Keras/TensorFlow convention, where momentum=0.99 means keep 99%).",
            output=variant("reverse"),
        ),
        Mistake(
            "unbiased variance in the running estimate",
            "Use the same biased batch variance that normalises the batch in training, "
            "x.var(axis=0) (divide by N). You stored the unbiased one (divide by N - 1): "
            "evaluation then normalises with a different variance than training did. "
            "(PyTorch does store the unbiased variance; this course keeps both biased.)",
            output=variant("unbiased"),
        ),
        Mistake(
            "averaged the standard deviation instead of the variance",
            "running_var tracks the variance of the batch, x.var(axis=0), not its "
            "standard deviation.",
            output=variant("std"),
        ),
        Mistake(
            "returned the batch statistics, not a running average",
            "Blend the old estimate with the batch's: (1 - momentum) * running + "
            "momentum * batch. Returning the batch's mean and variance forgets every "
            "earlier batch.",
            output=variant("batch"),
        ),
        Mistake(
            "returned the running statistics unchanged",
            "The running statistics must move towards the batch's mean and variance: "
            "(1 - momentum) * running + momentum * batch.",
            output=variant("unchanged"),
        ),
    )


RUNNING_MISTAKES = _running_mistakes(_one_variant)
STREAM_MISTAKES = _running_mistakes(_stream_variant)

register(
    Exercise(
        id="ex09_running_stats",
        title="Running averages of the batch statistics",
        obj_name="update_running_stats",
        points=1,
        outputs=("new_mean", "new_var"),
        probes=(
            Probe(
                "momentum 0.1, a batch of 4 (so N / (N - 1) = 4/3 shows)",
                _running_inputs(4, 5, 0.1),
                _call_running,
                _running_ref,
                RUNNING_MISTAKES,
            ),
            Probe(
                "momentum 0.3, a batch of 2",
                _running_inputs(2, 3, 0.3),
                _call_running,
                _running_ref,
                RUNNING_MISTAKES,
            ),
            Probe(
                "momentum 0: nothing changes",
                _running_inputs(6, 2, 0.0),
                _call_running,
                _running_ref,
                RUNNING_MISTAKES,
            ),
            Probe(
                "momentum 1: the batch's statistics",
                _running_inputs(6, 2, 1.0),
                _call_running,
                _running_ref,
                RUNNING_MISTAKES,
            ),
            Probe(
                "60 batches in a row, momentum 0.1: the estimate approaches the data's",
                _stream_inputs,
                _stream_call,
                _stream_variant(),
                STREAM_MISTAKES,
            ),
        ),
    )
)


# -------------------------------------------------------------- ex09_batchnorm_forward_eval


def _eval_inputs(n: int, d: int, *, small_var: bool = False):
    def make(rng):
        i = _bn_inputs(n, d)(rng)
        i["running_mean"] = rng.uniform(-1.0, 1.0, d)
        i["running_var"] = rng.uniform(1e-4, 3e-4, d) if small_var else rng.uniform(0.3, 3.0, d)
        return i

    return make


def _call_eval(obj, i):
    return obj(i["x"], i["gamma"], i["beta"], i["running_mean"], i["running_var"])


def _eval_ref(i):
    return nn.batchnorm_forward(
        i["x"],
        i["gamma"],
        i["beta"],
        eps=EPS,
        training=False,
        running_mean=i["running_mean"],
        running_var=i["running_var"],
    )[0]


def _eval_variant(how):
    return lambda i: _normalise(
        i["x"], i["running_mean"], i["running_var"], i["gamma"], i["beta"], how
    )


def _batch_stats_out(i):
    x = i["x"]
    return _normalise(x, x.mean(axis=0), x.var(axis=0), i["gamma"], i["beta"])


def _call_rows(obj, i):
    whole = np.asarray(_call_eval(obj, i))
    rows = [
        np.asarray(
            obj(i["x"][k : k + 1], i["gamma"], i["beta"], i["running_mean"], i["running_var"])
        )
        for k in range(len(i["x"]))
    ]
    return whole, np.concatenate(rows, axis=0)


EVAL_MISTAKES = (
    Mistake(
        "used the batch statistics in evaluation",
        "In evaluation, normalise with running_mean and running_var (estimated during "
        "training), not with the mean and variance of the batch you are given: the "
        "output for a sample must not depend on which other samples share its batch. "
        "On a batch of one the batch statistics give x_hat = 0 and the output is beta "
        "for every input.",
        output=_batch_stats_out,
    ),
    Mistake(
        "divided by running_var instead of its square root",
        "running_var is a variance: x_hat = (x - running_mean) / np.sqrt(running_var + eps).",
        output=_eval_variant("variance"),
    ),
    Mistake(
        "eps outside the square root",
        "Put eps inside the square root: np.sqrt(running_var + eps), as in training.",
        output=_eval_variant("eps outside"),
    ),
    Mistake(
        "forgot eps",
        "Divide by np.sqrt(running_var + eps), as in training, so that evaluation "
        "normalises exactly like training did.",
        output=_eval_variant("no eps"),
    ),
    Mistake(
        "gamma and beta swapped",
        "out = gamma * x_hat + beta: gamma scales, beta shifts.",
        output=lambda i: _normalise(
            i["x"], i["running_mean"], i["running_var"], i["beta"], i["gamma"]
        ),
    ),
    Mistake(
        "forgot gamma and beta",
        "After normalising, apply the learned scale and shift: out = gamma * x_hat + beta.",
        output=lambda i: _normalise(i["x"], i["running_mean"], i["running_var"], 1.0, 0.0),
    ),
    Mistake(
        "returned a tuple",
        "Evaluation needs no cache (there is no backward pass in evaluation): return "
        "only out, shape (N, D).",
        matches=lambda got, i: (
            isinstance(got, tuple) and len(got) == 2 and np.shape(got[0]) == np.shape(i["x"])
        ),
    ),
)


def _twice(m: Mistake) -> Mistake:
    """The same mistake seen by the row-by-row probe, which returns (whole, rows)."""
    return Mistake(m.name, m.hint, output=lambda i: (m.output(i), m.output(i)))


ROWS_MISTAKES = (
    Mistake(
        "used the batch statistics in evaluation",
        "Each row on its own came out as beta: with a batch of one the batch mean is "
        "the row itself and the variance 0, so x_hat = 0. In evaluation use "
        "running_mean and running_var, which do not depend on the batch.",
        matches=lambda got, i: (
            isinstance(got, tuple)
            and len(got) == 2
            and same(got[1], np.broadcast_to(i["beta"], np.shape(i["x"])))
        ),
    ),
    *(_twice(m) for m in EVAL_MISTAKES[1:] if m.output is not None),
)

register(
    Exercise(
        id="ex09_batchnorm_forward_eval",
        title="Batch normalization, forward pass in evaluation mode",
        obj_name="batchnorm_forward_eval",
        points=1,
        outputs="out",
        probes=(
            Probe(
                "x (6, 4), running statistics far from the batch's",
                _eval_inputs(6, 4),
                _call_eval,
                _eval_ref,
                EVAL_MISTAKES,
            ),
            Probe(
                "a batch of one sample, x (1, 5)",
                _eval_inputs(1, 5),
                _call_eval,
                _eval_ref,
                (
                    Mistake(
                        "used the batch statistics in evaluation",
                        "On a batch of one the batch mean is the sample itself and the batch "
                        "variance 0, so x_hat = 0 and your output is beta whatever the input. "
                        "Evaluation must use running_mean and running_var.",
                        matches=lambda got, i: same(got, np.broadcast_to(i["beta"], (1, 5))),
                    ),
                    *EVAL_MISTAKES[1:],
                ),
            ),
            Probe(
                "each row on its own gives the same output as in the whole batch",
                _eval_inputs(5, 3),
                _call_rows,
                lambda i: (_eval_ref(i), _eval_ref(i)),
                ROWS_MISTAKES,
                outputs=("out for the whole batch", "out computed row by row"),
            ),
            Probe(
                "tiny running variances (about 2e-4): eps matters",
                _eval_inputs(4, 3, small_var=True),
                _call_eval,
                _eval_ref,
                EVAL_MISTAKES,
            ),
        ),
    )
)


# ------------------------------------------------------------------ ex09_layernorm_forward


def _ln_inputs(n: int, d: int, *, row_scales: bool = False):
    def make(rng):
        x = rng.standard_normal((n, d)) * 2.0 + rng.uniform(-2.0, 2.0, (n, 1))
        if row_scales:
            x *= 10.0 ** np.arange(n)[:, None]  # rows of very different sizes
        return {"x": x, "gamma": rng.uniform(0.5, 2.0, d), "beta": rng.standard_normal(d)}

    return make


def _ln_ref(i):
    return nn.layernorm_forward(i["x"], i["gamma"], i["beta"], eps=EPS)


LN_MISTAKES = (
    Mistake(
        "returned the wrong number of things",
        "Return two things, `return out, cache`, with cache = (x_hat, gamma, inv_std).",
        matches=lambda got, i: isinstance(got, tuple),
    ),
    Mistake(
        "normalised over the batch (axis 0): that is batch norm",
        "Layer norm normalises each sample over its own D features: "
        "x.mean(axis=1, keepdims=True) and x.var(axis=1, keepdims=True), shape (N, 1). "
        "Statistics over axis 0 (one per feature, across the batch) are batch norm's.",
        output=lambda i: _bn_train_variant(i, axis=0),
    ),
    Mistake(
        "statistics without keepdims",
        "x.mean(axis=1) has shape (N,); subtracting it from x of shape (N, D) "
        "broadcasts it along the wrong axis (silently when N = D, with a ValueError "
        "otherwise). Use keepdims=True so mu has shape (N, 1).",
        output=lambda i: _bn_train_variant(i, axis=1, keepdims=False),
    ),
    Mistake(
        "unbiased variance (divided by D - 1)",
        "Layer norm uses the biased variance of each row, the mean of (x - mu)**2 over "
        "the D features: x.var(axis=1, keepdims=True) (ddof=0).",
        output=lambda i: _bn_train_variant(i, axis=1, ddof=1),
    ),
    Mistake(
        "eps outside the square root",
        "Put eps inside the square root: (x - mu) / np.sqrt(var + eps).",
        output=lambda i: _bn_train_variant(i, axis=1, how="eps outside"),
    ),
    Mistake(
        "forgot gamma and beta",
        "After normalising, apply the learned per-feature scale and shift: "
        "out = gamma * x_hat + beta, with gamma and beta of shape (D,).",
        output=lambda i: _ln_ref(i)[1][0],
    ),
    Mistake(
        "the statistics broadcast the wrong way",
        "Your code raised ValueError (operands could not be broadcast): the row "
        "statistics must have shape (N, 1), so use keepdims=True.",
        raises=ValueError,
    ),
)

LN_CACHE_MISTAKES = (
    Mistake(
        "cache is not (x_hat, gamma, inv_std)",
        "Return cache = (x_hat, gamma, inv_std): three items, in this order.",
        matches=lambda got, i: not (isinstance(got, tuple) and len(got) == 3),
    ),
    Mistake(
        "inv_std of shape (N,)",
        "Keep inv_std with shape (N, 1) (keepdims=True), one value per sample, so that "
        "x_hat = (x - mu) * inv_std broadcasts along the features.",
        matches=lambda got, i: (
            isinstance(got, tuple) and len(got) == 3 and same(got[2], _ln_ref(i)[1][2].ravel())
        ),
    ),
    Mistake(
        "stored the std instead of its inverse",
        "The third item of the cache is inv_std = 1 / np.sqrt(var + eps), shape (N, 1).",
        matches=lambda got, i: (
            isinstance(got, tuple) and len(got) == 3 and same(got[2], 1.0 / _ln_ref(i)[1][2])
        ),
    ),
)

register(
    Exercise(
        id="ex09_layernorm_forward",
        title="Layer normalization, forward pass",
        obj_name="layernorm_forward",
        points=1,
        outputs="out",
        probes=(
            Probe(
                "out for x (5, 8)",
                _ln_inputs(5, 8),
                _call_train_out,
                lambda i: _ln_ref(i)[0],
                LN_MISTAKES,
            ),
            Probe(
                "the cache (x_hat, gamma, inv_std) for x (5, 8)",
                _ln_inputs(5, 8),
                _call_train_cache,
                lambda i: _ln_ref(i)[1],
                LN_CACHE_MISTAKES,
                outputs=("x_hat", "gamma", "inv_std"),
            ),
            Probe(
                "square x (6, 6), so a wrong axis keeps the shape",
                _ln_inputs(6, 6),
                _call_train_out,
                lambda i: _ln_ref(i)[0],
                LN_MISTAKES,
            ),
            Probe(
                "a batch of one sample, x (1, 6)",
                _ln_inputs(1, 6),
                _call_train_out,
                lambda i: _ln_ref(i)[0],
                (
                    Mistake(
                        "normalised over the batch (axis 0): that is batch norm",
                        "With one sample, statistics over the batch give x_hat = 0 and the "
                        "output beta. Layer norm normalises each row over its features: "
                        "x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True).",
                        matches=lambda got, i: same(got, np.broadcast_to(i["beta"], (1, 6))),
                    ),
                    *LN_MISTAKES[2:],
                ),
            ),
            Probe(
                "rows of very different sizes (row k times 10**k)",
                _ln_inputs(4, 5, row_scales=True),
                _call_train_out,
                lambda i: _ln_ref(i)[0],
                LN_MISTAKES,
            ),
        ),
    )
)


# ----------------------------------------------------------------- ex09_layernorm_backward


def _ln_back_inputs(n: int, d: int):
    def make(rng):
        i = _ln_inputs(n, d)(rng)
        i["dout"] = rng.standard_normal((n, d))
        return i

    return make


def _ln_cache(i):
    return _ln_ref(i)[1]


def _call_ln_backward(obj, i):
    return obj(i["dout"], _ln_cache(i))


def _ln_backward_ref(i):
    return nn.layernorm_backward(i["dout"], _ln_cache(i))


def _ln_numeric(i):
    x, g, b, dout = (np.array(i[k], dtype=np.float64) for k in ("x", "gamma", "beta", "dout"))

    def f(_):
        return float(np.sum(nn.layernorm_forward(x, g, b, eps=EPS)[0] * dout))

    return nn.numerical_gradient(f, x), nn.numerical_gradient(f, g), nn.numerical_gradient(f, b)


LN_BACKWARD_MISTAKES = _backward_mistakes(1, _ln_cache)

register(
    Exercise(
        id="ex09_layernorm_backward",
        title="Layer normalization, backward pass",
        obj_name="layernorm_backward",
        points=2,
        outputs=("dx", "dgamma", "dbeta"),
        probes=(
            Probe(
                "N = 4, D = 6",
                _ln_back_inputs(4, 6),
                _call_ln_backward,
                _ln_backward_ref,
                LN_BACKWARD_MISTAKES,
            ),
            Probe(
                "against central differences of the reference forward pass",
                _ln_back_inputs(3, 5),
                _call_ln_backward,
                _ln_numeric,
                LN_BACKWARD_MISTAKES,
                rtol=1e-5,
                atol=1e-7,
            ),
            Probe(
                "square (5, 5), so a wrong axis keeps the shape",
                _ln_back_inputs(5, 5),
                _call_ln_backward,
                _ln_backward_ref,
                LN_BACKWARD_MISTAKES,
            ),
            Probe(
                "a batch of one sample, N = 1",
                _ln_back_inputs(1, 6),
                _call_ln_backward,
                _ln_backward_ref,
                LN_BACKWARD_MISTAKES,
            ),
        ),
    )
)
