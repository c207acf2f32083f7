"""Checks of chapter 03 (Loss functions).

Exercises: ``ex03_mse``, ``ex03_mae``, ``ex03_binary_cross_entropy``, ``ex03_cross_entropy``,
``ex03_softmax_cross_entropy``. Every expected value comes from the losses of
:mod:`utils.nn` (``mse_loss``, ``mae_loss``, ``binary_cross_entropy``, ``cross_entropy``,
``softmax_cross_entropy``); the mistakes are the wrong versions students write most often,
recomputed here so the hint can name them.

Losses with a gradient (MSE, MAE, fused softmax + cross-entropy) are also gradient-checked:
one probe computes :func:`utils.nn.numerical_gradient` of the *student's own* loss and returns
it next to the student's analytic gradient, so a gradient that disagrees with its own loss is
caught even when both are wrong in the same way elsewhere. Shapes are chosen with N != K
(or N != C) so that dividing by the wrong count, or summing over the wrong axis, shows.
Probes with extreme inputs (probabilities exactly 0 and 1, scores around +-1000) are strict:
a floating-point warning in the student's code is an error, diagnosed by name.
"""

from __future__ import annotations

import numpy as np

from utils import nn
from utils.checks import Exercise, Mistake, Probe, register, same

EPS = nn.EPS  # the clipping constant the exercises ask for: 1e-12


def _part(k: int, func, ref):
    """``matches`` for a mistake seen in item ``k`` of a tuple answer.

    The item must equal the mistaken value and differ from the reference's item ``k`` (with
    N = 1, "forgot to divide by N" changes nothing, so it must not be diagnosed there).
    """

    def matches(got, i) -> bool:
        return (
            isinstance(got, tuple)
            and len(got) > k
            and same(got[k], func(i))
            and not same(got[k], ref(i)[k])
        )

    return matches


def _any(*matchers):
    def matches(got, i) -> bool:
        return any(m(got, i) for m in matchers)

    return matches


def _not_tuple(got, i) -> bool:
    return not isinstance(got, tuple)


def _loss_not_scalar(got, i) -> bool:
    loss = got[0] if isinstance(got, tuple) and got else got
    return np.ndim(loss) > 0


def _with_numeric(f_loss, x_key: str):
    """A probe ``call`` returning (loss, grad, numerical gradient of the student's loss)."""

    def call(obj, i):
        out = f_loss(obj, i)
        if not isinstance(out, tuple | list) or len(out) != 2:
            raise TypeError(f"expected the pair (loss, gradient), got {type(out).__name__}")
        loss, grad = out
        x = np.array(i[x_key], dtype=np.float64)
        others = {k: v for k, v in i.items() if k != x_key}

        def f(v):
            return float(np.asarray(f_loss(obj, {**others, x_key: v})[0]))

        return loss, grad, nn.numerical_gradient(f, x)

    return call


def _gradcheck_mistake(what: str) -> Mistake:
    return Mistake(
        "gradient does not match your own loss",
        f"Central differences of your loss, (L(x + h) - L(x - h)) / 2h entry by entry, "
        f"disagree with the gradient you return. Derive {what} again from your loss formula, "
        f"or check that the loss itself is right.",
        matches=lambda got, i: (
            isinstance(got, tuple) and len(got) == 3 and not same(got[1], got[2])
        ),
    )


# ---------------------------------------------------------------- ex03_mse


def _mse_ref(i):
    return nn.mse_loss(i["pred"], i["target"], half=i["half"])


def _mse_part(k, func):
    return _part(k, func, _mse_ref)


def _n(i, key="pred") -> int:
    return np.shape(i[key])[0]


def _k(i, key="pred") -> int:
    shape = np.shape(i[key])
    return shape[1] if len(shape) > 1 else 1


def _call_mse(obj, i):
    return obj(i["pred"], i["target"], half=i["half"])


def _mse_inputs(shape, half: bool):
    def make(rng):
        pred = rng.normal(0.0, 2.0, size=shape)
        return {"pred": pred, "target": pred + rng.normal(0.0, 1.5, size=shape), "half": half}

    return make


MSE_MISTAKES = (
    Mistake(
        "returned only the loss",
        "Return the pair (loss, dpred): the mean loss as a float and its gradient with "
        "respect to pred, an array of the same shape as pred.",
        matches=_not_tuple,
    ),
    Mistake(
        "returned per-sample losses instead of their mean",
        "The loss is one number: sum the squared errors over everything and divide by N. "
        "Return a float, not an array.",
        matches=_loss_not_scalar,
    ),
    Mistake(
        "the 1/2 convention mixed up",
        "With half=False the loss is (1/N) sum (pred - target)**2 and the gradient "
        "2 (pred - target) / N; with half=True both are halved: (1/(2N)) sum "
        "(pred - target)**2 and (pred - target) / N. Your answer uses the other "
        "convention: read the `half` argument.",
        matches=lambda got, i: (
            isinstance(got, tuple)
            and len(got) >= 2
            and (
                (
                    i["half"]
                    and (same(got[0], 2 * _mse_ref(i)[0]) or same(got[1], 2 * _mse_ref(i)[1]))
                )
                or (not i["half"] and same(got[0], _mse_ref(i)[0] / 2))
            )
        ),
    ),
    Mistake(
        "summed instead of averaged (no /N)",
        "The loss is the mean over the N samples: divide the sum by N = pred.shape[0]. "
        "The gradient of a mean is divided by N too.",
        matches=_any(
            _mse_part(0, lambda i: _mse_ref(i)[0] * _n(i)),
            _mse_part(1, lambda i: _mse_ref(i)[1] * _n(i)),
        ),
    ),
    Mistake(
        "averaged over the outputs too (divided by N*K)",
        "np.mean over an (N, K) array divides by N*K. The convention is a mean over the "
        "N samples of a sum over the K outputs: np.sum(...) / N.",
        matches=lambda got, i: (
            _k(i) > 1
            and _any(
                _mse_part(0, lambda i: _mse_ref(i)[0] / _k(i)),
                _mse_part(1, lambda i: _mse_ref(i)[1] / _k(i)),
            )(got, i)
        ),
    ),
    Mistake(
        "gradient missing the factor 2",
        "d/dpred of (pred - target)**2 is 2 (pred - target): with half=False the "
        "gradient is 2 (pred - target) / N. (The 1/2 of half=True is there precisely "
        "to cancel this 2.)",
        matches=lambda got, i: not i["half"] and _mse_part(1, lambda i: _mse_ref(i)[1] / 2)(got, i),
    ),
    Mistake(
        "wrong sign of the gradient",
        "The gradient points towards larger loss: where pred > target, increasing pred "
        "increases the loss, so dpred must be positive there. Use (pred - target), not "
        "(target - pred).",
        matches=_mse_part(1, lambda i: -_mse_ref(i)[1]),
    ),
    _gradcheck_mistake("d/dpred"),
)


def _mse_probe(name, inputs):
    return Probe(name, inputs, _call_mse, _mse_ref, MSE_MISTAKES)


register(
    Exercise(
        id="ex03_mse",
        title="Mean squared error and its gradient",
        obj_name="mse",
        points=2,
        outputs=("loss", "dpred"),
        probes=(
            _mse_probe("7 predictions of shape (N,), half=False", _mse_inputs((7,), False)),
            Probe(
                "your gradient vs central differences of your own loss, (N, K) = (3, 2)",
                _mse_inputs((3, 2), False),
                _with_numeric(_call_mse, "pred"),
                lambda i: (*_mse_ref(i), _mse_ref(i)[1]),
                MSE_MISTAKES,
                outputs=("loss", "dpred", "the central differences of your loss"),
            ),
            _mse_probe("7 predictions of shape (N,), half=True", _mse_inputs((7,), True)),
            _mse_probe("(N, K) = (5, 3) predictions, half=False", _mse_inputs((5, 3), False)),
            _mse_probe("(N, K) = (4, 6) predictions, half=True", _mse_inputs((4, 6), True)),
            _mse_probe("a single sample, N = 1", _mse_inputs((1, 2), False)),
        ),
    )
)


# ---------------------------------------------------------------- ex03_mae


def _mae_ref(i):
    return nn.mae_loss(i["pred"], i["target"])


def _mae_part(k, func):
    return _part(k, func, _mae_ref)


def _call_mae(obj, i):
    return obj(i["pred"], i["target"])


def _mae_inputs(shape):
    def make(rng):
        pred = rng.normal(0.0, 2.0, size=shape)
        return {"pred": pred, "target": pred + rng.normal(0.0, 1.5, size=shape)}

    return make


def _mae_ties(rng):
    pred = rng.integers(-3, 4, size=(6, 2)).astype(np.float64)
    target = pred + rng.integers(-3, 4, size=(6, 2))
    rows, cols = rng.permutation(6)[:3], rng.integers(0, 2, size=3)
    target[rows, cols] = pred[rows, cols]  # some residuals exactly 0
    return {"pred": pred, "target": target}


def _tie_gradient_wrong(got, i) -> bool:
    if not (isinstance(got, tuple) and len(got) >= 2):
        return False
    grad, ref = np.asarray(got[1], dtype=np.float64), _mae_ref(i)[1]
    ties = np.asarray(i["pred"]) == np.asarray(i["target"])
    return (
        grad.shape == ref.shape
        and ties.any()
        and np.allclose(grad[~ties], ref[~ties])
        and not np.allclose(grad[ties], 0.0)
    )


MAE_MISTAKES = (
    Mistake(
        "returned only the loss",
        "Return the pair (loss, dpred): the mean absolute error as a float and its "
        "gradient sign(pred - target) / N, an array shaped like pred.",
        matches=_not_tuple,
    ),
    Mistake(
        "returned per-sample losses instead of their mean",
        "The loss is one number: sum |pred - target| over everything and divide by N.",
        matches=_loss_not_scalar,
    ),
    Mistake(
        "forgot the absolute value",
        "Without abs, positive and negative errors cancel: the mean of pred - target can "
        "be 0 for a terrible fit. Use np.abs(pred - target).",
        matches=_mae_part(0, lambda i: float(np.sum(i["pred"] - i["target"]) / _n(i))),
    ),
    Mistake(
        "squared the errors (that is MSE)",
        "MAE uses |pred - target|, not (pred - target)**2.",
        matches=_mae_part(0, lambda i: nn.mse_loss(i["pred"], i["target"])[0]),
    ),
    Mistake(
        "summed instead of averaged (no /N)",
        "Divide by N = pred.shape[0]: the loss is a mean over the samples and so is "
        "its gradient, sign(pred - target) / N.",
        matches=_any(
            _mae_part(0, lambda i: _mae_ref(i)[0] * _n(i)),
            _mae_part(1, lambda i: _mae_ref(i)[1] * _n(i)),
        ),
    ),
    Mistake(
        "averaged over the outputs too (divided by N*K)",
        "np.mean over an (N, K) array divides by N*K. The convention is a mean over the "
        "N samples of a sum over the K outputs: np.sum(...) / N.",
        matches=lambda got, i: (
            _k(i) > 1
            and _any(
                _mae_part(0, lambda i: _mae_ref(i)[0] / _k(i)),
                _mae_part(1, lambda i: _mae_ref(i)[1] / _k(i)),
            )(got, i)
        ),
    ),
    Mistake(
        "wrong sign of the gradient",
        "Where pred > target the loss grows with pred, so the gradient is +1/N there: "
        "use np.sign(pred - target), not np.sign(target - pred).",
        matches=_mae_part(1, lambda i: -_mae_ref(i)[1]),
    ),
    Mistake(
        "gradient not 0 where pred == target",
        "|r| has a kink at r = 0; the convention (NumPy's sign, PyTorch's too) is a "
        "gradient of 0 there. np.where(r > 0, 1, -1) gives -1 at r = 0: use np.sign(r).",
        matches=_tie_gradient_wrong,
    ),
    _gradcheck_mistake("d/dpred = sign(pred - target) / N"),
)


def _mae_probe(name, inputs):
    return Probe(name, inputs, _call_mae, _mae_ref, MAE_MISTAKES)


register(
    Exercise(
        id="ex03_mae",
        title="Mean absolute error and its gradient",
        obj_name="mae",
        points=2,
        outputs=("loss", "dpred"),
        probes=(
            _mae_probe("8 predictions of shape (N,)", _mae_inputs((8,))),
            Probe(
                "your gradient vs central differences of your own loss, (N, K) = (4, 2)",
                _mae_inputs((4, 2)),
                _with_numeric(_call_mae, "pred"),
                lambda i: (*_mae_ref(i), _mae_ref(i)[1]),
                MAE_MISTAKES,
                outputs=("loss", "dpred", "the central differences of your loss"),
            ),
            _mae_probe("(N, K) = (5, 3) predictions", _mae_inputs((5, 3))),
            _mae_probe("integer values, some predictions exactly on target", _mae_ties),
            _mae_probe("a single sample, N = 1", _mae_inputs((1,))),
        ),
    )
)


# ---------------------------------------------------------------- ex03_binary_cross_entropy


def _bce_ref(i):
    return nn.binary_cross_entropy(i["prob"], i["target"])[0]


def _bce_terms(i, clip=True):
    p = np.asarray(i["prob"], dtype=np.float64)
    t = np.asarray(i["target"], dtype=np.float64)
    if clip:
        p = np.clip(p, EPS, 1 - EPS)
    return t * np.log(p) + (1 - t) * np.log1p(-p)


def _call_bce(obj, i):
    return obj(i["prob"], i["target"])


def _bce_inputs(shape, soft=False):
    def make(rng):
        prob = rng.uniform(0.03, 0.97, size=shape)
        target = (
            rng.uniform(0, 1, size=shape)
            if soft
            else rng.integers(0, 2, size=shape).astype(np.float64)
        )
        return {"prob": prob, "target": target}

    return make


def _bce_extreme(confident_right: bool):
    def make(rng):
        target = rng.integers(0, 2, size=(6,)).astype(np.float64)
        target[:2] = (0.0, 1.0)
        prob = target.copy() if confident_right else 1.0 - target  # exactly 0 and 1
        prob[4:] = rng.uniform(0.2, 0.8, size=2)
        return {"prob": prob, "target": target, "extreme": True}

    return make


def _other_eps(got, i) -> bool:
    return (
        i.get("extreme", False)
        and np.ndim(got) == 0
        and np.isfinite(got)
        and not same(got, _bce_ref(i))
        and got > 0
    )


BCE_MISTAKES = (
    Mistake(
        "returned a tuple",
        "Return only the loss, a float (the library's nn.binary_cross_entropy also "
        "returns the gradient; this exercise does not).",
        matches=lambda got, i: isinstance(got, tuple),
    ),
    Mistake(
        "returned per-sample losses instead of their mean",
        "The loss is one number: the mean over the N samples (summed over the labels if "
        "there are several per sample). Return a float.",
        matches=lambda got, i: np.ndim(got) > 0,
    ),
    Mistake(
        "missing minus sign",
        "log p is negative for p < 1, so t log p + (1 - t) log(1 - p) is negative. The "
        "loss is minus that: L = -(1/N) sum [t log p + (1 - t) log(1 - p)], always >= 0.",
        output=lambda i: -_bce_ref(i),
    ),
    Mistake(
        "sum instead of mean",
        "Divide the sum by N = prob.shape[0]: the loss is the mean over the batch.",
        output=lambda i: _bce_ref(i) * _n(i, "prob"),
    ),
    Mistake(
        "averaged over the labels too (divided by N*K)",
        "With K independent labels per sample (prob of shape (N, K)) the loss is a mean "
        "over the N samples of the SUM of the K binary cross-entropies: np.sum(...) / N, "
        "not np.mean(...).",
        matches=lambda got, i: _k(i, "prob") > 1 and same(got, _bce_ref(i) / _k(i, "prob")),
    ),
    Mistake(
        "swapped p and 1 - p",
        "The label-1 term is t log p, the label-0 term (1 - t) log(1 - p). Yours are "
        "the other way round.",
        output=lambda i: (
            -float(
                np.sum(
                    i["target"] * np.log(np.clip(1 - i["prob"], EPS, 1))
                    + (1 - i["target"]) * np.log(np.clip(i["prob"], EPS, 1))
                )
            )
            / _n(i, "prob")
        ),
    ),
    Mistake(
        "no clipping: log(0) at p exactly 0 or 1",
        "At p = 0 or p = 1 one of log p, log(1 - p) is log(0) = -inf (and 0 * -inf is "
        "nan). Clip first: p = np.clip(prob, 1e-12, 1 - 1e-12), then take the logs.",
        raises=FloatingPointError,
    ),
    Mistake(
        "clipped with a different epsilon",
        "Your loss is finite at p = 0 and p = 1 but not the expected value: clip to "
        "[1e-12, 1 - 1e-12] exactly (the library's nn.EPS = 1e-12), so a confidently "
        "wrong prediction costs -log(1e-12), about 27.63.",
        matches=_other_eps,
    ),
)


def _bce_probe(name, inputs, strict=False):
    return Probe(name, inputs, _call_bce, _bce_ref, BCE_MISTAKES, strict=strict)


register(
    Exercise(
        id="ex03_binary_cross_entropy",
        title="Binary cross-entropy (mean over the batch, clipped)",
        obj_name="binary_cross_entropy",
        points=2,
        probes=(
            _bce_probe("10 probabilities of shape (N,), labels 0 or 1", _bce_inputs((10,))),
            _bce_probe(
                "3 independent labels per sample, shape (N, K) = (6, 3)", _bce_inputs((6, 3))
            ),
            _bce_probe("soft targets between 0 and 1", _bce_inputs((7,), soft=True)),
            _bce_probe(
                "p exactly 0 or 1 and right (strict: no warnings)", _bce_extreme(True), strict=True
            ),
            _bce_probe(
                "p exactly 0 or 1 and wrong (strict: no warnings)", _bce_extreme(False), strict=True
            ),
            _bce_probe("a single sample, N = 1", _bce_inputs((1,))),
        ),
    )
)


# ---------------------------------------------------------------- ex03_cross_entropy


def _one_hot(i) -> np.ndarray:
    p = np.asarray(i["prob"])
    t = np.asarray(i["target"])
    if t.ndim == 2:
        return t.astype(np.float64)
    y = np.zeros(p.shape)
    y[np.arange(p.shape[0]), t] = 1.0
    return y


def _ce_ref(i):
    return nn.cross_entropy(i["prob"], i["target"])[0]


def _ce_total(i) -> float:
    """Minus the sum over the whole batch of y log p (clipped), not divided by anything."""
    return _ce_ref(i) * _n(i, "prob")


def _log_p(i) -> np.ndarray:
    return np.log(np.clip(np.asarray(i["prob"], dtype=np.float64), EPS, 1.0))


def _call_ce(obj, i):
    return obj(i["prob"], i["target"])


def _ce_inputs(n, c, labels: str):
    def make(rng):
        prob = nn.softmax(rng.normal(0.0, 1.5, size=(n, c)))
        y = rng.integers(0, c, size=n)
        target = y if labels == "int" else _one_hot({"prob": prob, "target": y})
        return {"prob": prob, "target": target}

    return make


def _ce_certain(labels: str, right: bool):
    """Rows that are one-hot themselves: p = 1 on one class, exactly 0 elsewhere."""

    def make(rng):
        n, c = 5, 3
        y = rng.integers(0, c, size=n)
        guess = y.copy()
        if not right:
            guess[:2] = (y[:2] + 1) % c  # two confidently wrong rows
        prob = np.zeros((n, c))
        prob[np.arange(n), guess] = 1.0
        target = y if labels == "int" else _one_hot({"prob": prob, "target": y})
        return {"prob": prob, "target": target}

    return make


def _indexed_columns(i) -> float:
    y = np.asarray(i["target"])
    if y.ndim != 1:
        raise ValueError("only for integer labels")
    return -float(np.mean(_log_p(i)[:, y]))


CE_MISTAKES = (
    Mistake(
        "returned a tuple",
        "Return only the loss, a float (the library's nn.cross_entropy also returns the "
        "gradient; this exercise does not).",
        matches=lambda got, i: isinstance(got, tuple),
    ),
    Mistake(
        "returned per-sample losses instead of their mean",
        "The loss is one number: the mean over the N samples of -log p[n, y_n].",
        matches=lambda got, i: np.ndim(got) > 0,
    ),
    Mistake(
        "missing minus sign",
        "log p <= 0, so the loss is MINUS the mean log probability of the right class.",
        output=lambda i: -_ce_ref(i),
    ),
    Mistake(
        "not averaged over the batch",
        "Divide the total by N = prob.shape[0]: the loss is the mean over the samples.",
        output=_ce_total,
    ),
    Mistake(
        "summed over the wrong axis",
        "Sum y * log p over the classes, axis=1, which gives one number per sample, then "
        "average those N numbers. Summing over axis=0 (the samples) and averaging over "
        "the classes divides by C instead of N.",
        output=lambda i: _ce_total(i) / np.shape(i["prob"])[1],
    ),
    Mistake(
        "averaged over the classes too (divided by N*C)",
        "np.mean(y * np.log(p)) divides by N*C. Sum over the classes (axis=1), then take "
        "the mean over the N samples.",
        output=lambda i: _ce_total(i) / np.size(i["prob"]),
    ),
    Mistake(
        "used the probabilities of all classes",
        "Only the probability of the RIGHT class enters: -log p[n, y_n]. Multiply "
        "log p by the one-hot targets (zeros elsewhere) or index it with the labels.",
        matches=_any(
            lambda got, i: same(got, -float(np.sum(_log_p(i))) / _n(i, "prob")),
            lambda got, i: same(got, -float(np.mean(_log_p(i)))),
        ),
    ),
    Mistake(
        "added (1 - y) log(1 - p) terms (the multi-label loss)",
        "With exactly one label per sample the categorical cross-entropy is -sum_k y_k "
        "log p_k: no (1 - y) log(1 - p) terms. Those belong to independent sigmoids.",
        output=lambda i: (
            -float(
                np.sum(
                    _one_hot(i) * _log_p(i)
                    + (1 - _one_hot(i)) * np.log(np.clip(1 - np.asarray(i["prob"]), EPS, 1.0))
                )
            )
            / _n(i, "prob")
        ),
    ),
    Mistake(
        "indexed prob[:, y] instead of prob[np.arange(N), y]",
        "prob[:, y] picks whole columns: an (N, N) array. To take row n's entry at "
        "column y[n], index with two arrays: prob[np.arange(N), y].",
        output=_indexed_columns,
    ),
    Mistake(
        "no clipping: log(0) at a probability of exactly 0",
        "A probability of exactly 0 gives log(0) = -inf, and 0 * log(0) is nan even "
        "where the target is 0. Clip first: np.clip(prob, 1e-12, 1.0), then take the log.",
        raises=FloatingPointError,
    ),
)

_INT_HINT = Mistake(
    "integer labels not handled",
    "target may be integer labels of shape (N,) (class indices). Turn them into one-hot rows "
    "first (np.eye(C)[target]) or index: prob[np.arange(N), target].",
    raises=ValueError,
)
_ONE_HOT_HINT = Mistake(
    "one-hot targets not handled",
    "target may also be one-hot, shape (N, C). If target.ndim == 2, use it as it is: "
    "-np.sum(target * np.log(p)) / N.",
    raises=IndexError,
)


def _ce_probe(name, inputs, labels, strict=False):
    extra = (_INT_HINT,) if labels == "int" else (_ONE_HOT_HINT,)
    return Probe(name, inputs, _call_ce, _ce_ref, CE_MISTAKES + extra, strict=strict)


register(
    Exercise(
        id="ex03_cross_entropy",
        title="Categorical cross-entropy (integer labels or one-hot)",
        obj_name="cross_entropy",
        points=2,
        probes=(
            _ce_probe("integer labels, (N, C) = (6, 4)", _ce_inputs(6, 4, "int"), "int"),
            _ce_probe("one-hot targets, (N, C) = (5, 3)", _ce_inputs(5, 3, "one-hot"), "one-hot"),
            _ce_probe("integer labels, 10 classes, N = 7", _ce_inputs(7, 10, "int"), "int"),
            _ce_probe(
                "one-hot rows with p exactly 1 on the right class and 0 elsewhere "
                "(strict: no warnings)",
                _ce_certain("one-hot", True),
                "one-hot",
                strict=True,
            ),
            _ce_probe(
                "integer labels, p exactly 0 on the right class for two samples "
                "(strict: no warnings)",
                _ce_certain("int", False),
                "int",
                strict=True,
            ),
            _ce_probe("a single sample, N = 1", _ce_inputs(1, 3, "int"), "int"),
        ),
    )
)


# ---------------------------------------------------------------- ex03_softmax_cross_entropy


def _sce_ref(i):
    return nn.softmax_cross_entropy(i["scores"], i["y"])


def _sce_part(k, func):
    return _part(k, func, _sce_ref)


def _call_sce(obj, i):
    return obj(i["scores"], i["y"])


def _sce_inputs(n, c, scale=2.0):
    def make(rng):
        return {"scores": rng.normal(0.0, scale, size=(n, c)), "y": rng.integers(0, c, size=n)}

    return make


def _sce_huge(rng):
    # Rows offset by +-1000 but with a moderate spread inside each row, so a correct
    # (row-max-subtracted) softmax neither overflows nor underflows.
    n, c = 6, 4
    offsets = np.array([1000.0, -1000.0, 1000.0, -1000.0, 0.0, 500.0])
    return {
        "scores": offsets[:, None] + rng.normal(0.0, 3.0, size=(n, c)),
        "y": rng.integers(0, c, size=n),
    }


def _softmax_over_n(i):
    return nn.softmax(i["scores"]) / _n(i, "scores")


def _sce_columns(i):
    """(loss, dscores) with the softmax taken over the samples (axis 0), not the classes."""
    s, y = np.asarray(i["scores"], dtype=np.float64), np.asarray(i["y"])
    n, c = s.shape
    log_p = nn.log_softmax(s.T).T
    return float(-log_p[np.arange(n), y].mean()), (np.exp(log_p) - np.eye(c)[y]) / n


def _c(i) -> int:
    return np.shape(i["scores"])[1]


SCE_MISTAKES = (
    Mistake(
        "returned only the loss",
        "Return the pair (loss, dscores): the mean loss as a float and the gradient "
        "(softmax(scores) - onehot(y)) / N, shape (N, C).",
        matches=_not_tuple,
    ),
    Mistake(
        "returned per-sample losses instead of their mean",
        "The loss is one number, the mean over the N samples of -log softmax(s)[n, y_n].",
        matches=_loss_not_scalar,
    ),
    Mistake(
        "no max-subtraction: softmax overflows at scores around 1000",
        "np.exp(1000) overflows to inf (and np.exp(-1000) underflows to 0, so log(0)). "
        "Subtract each row's maximum first, s - s.max(axis=1, keepdims=True): softmax "
        "does not change, and exp only sees numbers <= 0. Take the log with "
        "log-sum-exp: log softmax = shifted - log(sum(exp(shifted))). Subtracting the "
        "max of the whole array is not enough when rows differ by hundreds.",
        raises=FloatingPointError,
    ),
    Mistake(
        "softmax over the wrong axis (columns)",
        "Each ROW of scores holds one sample's C class scores, so the softmax normalises "
        "each row: the max and the sum are over axis=1 (keepdims=True). Over axis=0 every "
        "column (one class across the batch) sums to 1 instead.",
        matches=_any(
            _sce_part(0, lambda i: _sce_columns(i)[0]), _sce_part(1, lambda i: _sce_columns(i)[1])
        ),
    ),
    Mistake(
        "loss averaged over the classes too (divided by N*C)",
        "np.mean(y * log_p) over the (N, C) array divides by N*C, but only one entry per "
        "row is non-zero. Sum over the classes (axis=1), then take the mean over the N "
        "samples: -log_p[np.arange(N), y].mean(). The gradient is divided by N only.",
        matches=_any(
            _sce_part(0, lambda i: _sce_ref(i)[0] / _c(i)),
            _sce_part(1, lambda i: _sce_ref(i)[1] / _c(i)),
        ),
    ),
    Mistake(
        "loss not averaged over the batch",
        "Divide the summed loss by N = scores.shape[0].",
        matches=_sce_part(0, lambda i: _sce_ref(i)[0] * _n(i, "scores")),
    ),
    Mistake(
        "gradient not divided by N",
        "The loss is a mean over N samples, so each sample's gradient softmax - y is "
        "divided by N: dscores = (softmax(scores) - onehot(y)) / N.",
        matches=_sce_part(1, lambda i: _sce_ref(i)[1] * _n(i, "scores")),
    ),
    Mistake(
        "wrong sign of the gradient",
        "dL/ds = softmax(s) - y (predicted minus target), not y - softmax(s): raising "
        "the right class's score must lower the loss, so its gradient is negative.",
        matches=_sce_part(1, lambda i: -_sce_ref(i)[1]),
    ),
    Mistake(
        "forgot to subtract the one-hot targets in the gradient",
        "The gradient is (softmax(s) - y) / N: subtract 1 at each row's right class "
        "(dscores[np.arange(N), y] -= 1 before dividing by N).",
        matches=_sce_part(1, _softmax_over_n),
    ),
    _gradcheck_mistake("dscores = (softmax(scores) - onehot(y)) / N"),
)


def _sce_probe(name, inputs, strict=False):
    return Probe(name, inputs, _call_sce, _sce_ref, SCE_MISTAKES, strict=strict)


register(
    Exercise(
        id="ex03_softmax_cross_entropy",
        title="Fused, stable softmax + cross-entropy with its gradient",
        obj_name="softmax_cross_entropy",
        points=3,
        outputs=("loss", "dscores"),
        probes=(
            _sce_probe("(N, C) = (5, 3) random scores", _sce_inputs(5, 3)),
            Probe(
                "your gradient vs central differences of your own loss, (N, C) = (4, 3)",
                _sce_inputs(4, 3),
                _with_numeric(_call_sce, "scores"),
                lambda i: (*_sce_ref(i), _sce_ref(i)[1]),
                SCE_MISTAKES,
                outputs=("loss", "dscores", "the central differences of your loss"),
            ),
            _sce_probe("(N, C) = (8, 10) random scores", _sce_inputs(8, 10)),
            _sce_probe("a single sample, N = 1", _sce_inputs(1, 4)),
            _sce_probe(
                "scores around +1000 and -1000 (strict: no overflow warnings)",
                _sce_huge,
                strict=True,
            ),
        ),
    )
)
