"""Checks of chapter 08 (Overfitting and regularization).

Exercises, in notebook order: ``ex08_l2_penalty``, ``ex08_l1_penalty``,
``ex08_early_stopping``, ``ex08_dropout_forward``, ``ex08_dropout_backward``.

References: :func:`utils.nn.l2_penalty` and :func:`utils.nn.l1_penalty` (convention
``lam * sum(w**2)`` with gradient ``2 * lam * w``, and ``lam * sum(|w|)`` with subgradient
``lam * sign(w)``, 0 at exactly 0); :class:`utils.nn.EarlyStopping` (an epoch improves when
its validation loss is below the best by more than ``min_delta``; stop at the first epoch
with ``epoch - best_epoch >= patience``); :func:`utils.nn.dropout_forward` (keep-mask
``rng.random(x.shape) >= p``, survivors scaled by ``1 / (1 - p)``, identity in evaluation).

Dropout probes are deterministic: the inputs carry a seed (plain data) and the probe builds
``numpy.random.default_rng(seed)`` inside its ``call``, so the student's mask can be compared
with the reference's mask from the same seed. A statistical probe (fixed seed, 100 000
entries) checks that the expected activation is preserved.
"""

from __future__ import annotations

import numpy as np

from utils import nn
from utils.checks import Exercise, Mistake, Probe, register, same

__all__: list[str] = []


def _fresh(i: dict) -> np.random.Generator:
    return np.random.default_rng(int(i["seed"]))


# ------------------------------------------------------------------ the penalties


def _weights(i: dict) -> list[np.ndarray]:
    return [i[f"W{k}"] for k in range(i["count"])]


def _penalty_inputs(*shapes, lam: float | None = None, zeros: bool = False, away: bool = False):
    """Weight arrays of the given shapes (named W0, W1, ...) and a lambda."""

    def make(rng):
        i = {"count": len(shapes), "lam": float(rng.uniform(0.05, 0.9)) if lam is None else lam}
        for k, shape in enumerate(shapes):
            w = rng.standard_normal(shape)
            if away:  # keep every |w| >= 0.2: central differences must not cross the kink at 0
                w = np.sign(w) * (0.2 + np.abs(w))
            if zeros:
                w[rng.random(shape) < 0.35] = 0.0
                w.flat[0] = 0.0
            i[f"W{k}"] = w
        return i

    return make


def _call_penalty(obj, i):
    out = obj(_weights(i), i["lam"])
    if isinstance(out, tuple) and len(out) == 2 and isinstance(out[1], list | tuple):
        return float(out[0]), tuple(np.asarray(g, dtype=np.float64) for g in out[1])
    return out


def _expected(reference):
    def expected(i):
        value, grads = reference(_weights(i), i["lam"])
        return value, tuple(grads)

    return expected


def _variant(value_fn, grad_fn):
    """A mistaken (penalty, grads) from per-array functions of (w, lam)."""

    def output(i):
        ws = _weights(i)
        return (
            float(sum(value_fn(w, i["lam"]) for w in ws)),
            tuple(grad_fn(w, i["lam"]) for w in ws),
        )

    return output


def _call_numerical(obj, i):
    """Largest relative error between the student's gradient and central differences of the
    student's own penalty (each weight array in turn)."""
    ws = [w.copy() for w in _weights(i)]
    _, grads = obj(ws, i["lam"])
    worst = 0.0
    for k in range(len(ws)):

        def f(w, k=k):
            trial = list(ws)
            trial[k] = w
            return float(obj(trial, i["lam"])[0])

        numeric = nn.numerical_gradient(f, ws[k].copy())
        analytic = np.asarray(grads[k], dtype=np.float64)
        if analytic.shape != numeric.shape:
            return float("inf")
        worst = max(worst, float(nn.rel_error(analytic, numeric).max()))
    return worst


def _ratio_mistake(name: str, hint: str, ratio: float) -> Mistake:
    """The gradient is ``ratio`` times the numerical one: relative error |r - 1| / max(r, 1)."""
    want = abs(ratio - 1.0) / max(abs(ratio), 1.0)
    return Mistake(
        name, hint, matches=lambda got, i: isinstance(got, float) and abs(got - want) < 1e-3
    )


L2_NO_TWO_HINT = (
    "The derivative of lam * w**2 is 2 * lam * w: your gradient is lam * w, half "
    "the right one. (lam * w is the gradient of lam / 2 * sum(w**2), the other "
    "convention; this course's penalty is lam * sum(w**2).)"
)
L2_MISTAKES = (
    Mistake(
        "gradient missing the factor 2",
        L2_NO_TWO_HINT,
        output=_variant(lambda w, lam: lam * np.sum(w * w), lambda w, lam: lam * w),
    ),
    Mistake(
        "lambda convention mixed up (lam / 2)",
        "You computed lam / 2 * sum(w**2) with gradient lam * w: that is the convention "
        "of optimizer weight decay (weight_decay = wd adds wd * w to the gradient). This "
        "exercise's penalty is lam * sum(w**2), with gradient 2 * lam * w; the two agree "
        "when wd = 2 * lam.",
        output=_variant(lambda w, lam: lam / 2 * np.sum(w * w), lambda w, lam: lam * w),
    ),
    Mistake(
        "gradient sign flipped",
        "The gradient of lam * sum(w**2) is +2 * lam * w (it points away from 0; the "
        "update w - lr * grad then pulls w towards 0). You returned -2 * lam * w.",
        output=_variant(lambda w, lam: lam * np.sum(w * w), lambda w, lam: -2 * lam * w),
    ),
    Mistake(
        "forgot lam",
        "Multiply by lam: the penalty is lam * sum(w**2) and its gradient 2 * lam * w.",
        output=_variant(lambda w, lam: np.sum(w * w), lambda w, lam: 2 * w),
    ),
    Mistake(
        "mean instead of sum",
        "The penalty sums the squares of every weight (np.sum), it does not average them "
        "(np.mean): lam * sum(w**2).",
        output=_variant(lambda w, lam: lam * np.mean(w * w), lambda w, lam: 2 * lam * w),
    ),
    Mistake(
        "penalised only the first array",
        "Sum the penalty over every array in `weights` (one term per weight matrix), and "
        "return one gradient per array.",
        matches=lambda got, i: (
            isinstance(got, tuple)
            and len(got) == 2
            and i["count"] > 1
            and np.isclose(got[0], i["lam"] * np.sum(i["W0"] ** 2))
        ),
    ),
)

L1_MISTAKES = (
    Mistake(
        "subgradient at 0 is not 0",
        "At w = 0 the function |w| has a kink: any value in [-1, 1] is a subgradient, and "
        "the convention (np.sign, PyTorch) is 0. Your gradient is +-lam where w is exactly "
        "0: use lam * np.sign(w), not np.where(w >= 0, lam, -lam) or w / |w|.",
        matches=lambda got, i: (
            isinstance(got, tuple)
            and len(got) == 2
            and len(got[1]) == i["count"]
            and all(
                np.allclose(np.asarray(g)[w != 0], i["lam"] * np.sign(w[w != 0]))
                and np.any(w == 0)
                and np.allclose(np.abs(np.asarray(g)[w == 0]), i["lam"])
                for g, w in zip(got[1], _weights(i), strict=True)
            )
        ),
    ),
    Mistake(
        "used w instead of sign(w)",
        "The derivative of lam * |w| is lam * sign(w): +lam for w > 0, -lam for w < 0, "
        "whatever the size of w. lam * w is the derivative of an L2-like term.",
        output=_variant(lambda w, lam: lam * np.sum(np.abs(w)), lambda w, lam: lam * w),
    ),
    Mistake(
        "factor 2 in the L1 gradient",
        "Unlike w**2, |w| has derivative sign(w) with no factor 2: the gradient is lam * sign(w).",
        output=_variant(
            lambda w, lam: lam * np.sum(np.abs(w)), lambda w, lam: 2 * lam * np.sign(w)
        ),
    ),
    Mistake(
        "penalty without the absolute value",
        "The L1 penalty is lam * sum(|w|) (np.abs), not lam * sum(w): negative weights "
        "must add to the penalty too.",
        matches=lambda got, i: (
            isinstance(got, tuple)
            and len(got) == 2
            and np.isclose(got[0], i["lam"] * sum(np.sum(w) for w in _weights(i)))
        ),
    ),
    Mistake(
        "forgot lam",
        "Multiply by lam: the penalty is lam * sum(|w|) and its gradient lam * sign(w).",
        output=_variant(lambda w, lam: np.sum(np.abs(w)), lambda w, lam: np.sign(w)),
    ),
    Mistake(
        "gradient sign flipped",
        "The gradient of lam * |w| is +lam * sign(w); the update w - lr * grad then moves "
        "w towards 0. You returned -lam * sign(w).",
        output=_variant(lambda w, lam: lam * np.sum(np.abs(w)), lambda w, lam: -lam * np.sign(w)),
    ),
)


def _penalty_exercise(ex_id, title, obj_name, reference, mistakes, numeric_mistakes):
    exp = _expected(reference)
    return Exercise(
        id=ex_id,
        title=title,
        obj_name=obj_name,
        points=1,
        outputs=("penalty", "grads"),
        probes=(
            Probe(
                "two weight matrices (3, 4) and (4, 2), with exact zeros",
                _penalty_inputs((3, 4), (4, 2), zeros=True),
                _call_penalty,
                exp,
                mistakes,
            ),
            Probe(
                "one matrix (6, 5), lam = 0.01",
                _penalty_inputs((6, 5), lam=0.01),
                _call_penalty,
                exp,
                mistakes,
            ),
            Probe(
                "three arrays (2, 3), (3, 3), (1, 1)",
                _penalty_inputs((2, 3), (3, 3), (1, 1)),
                _call_penalty,
                exp,
                mistakes,
            ),
            Probe(
                "lam = 0: no penalty, zero gradients",
                _penalty_inputs((4, 3), lam=0.0),
                _call_penalty,
                exp,
                mistakes,
            ),
            Probe(
                "large weights (x 100)",
                lambda rng: {"count": 1, "lam": 0.3, "W0": 100 * rng.standard_normal((5, 2))},
                _call_penalty,
                exp,
                mistakes,
            ),
            Probe(
                "gradient agrees with central differences of your penalty",
                _penalty_inputs((3, 4), (4, 2), away=True),
                _call_numerical,
                lambda i: 0.0,
                numeric_mistakes,
                rtol=0.0,
                atol=1e-6,
                outputs="the largest relative error between your grads and central "
                "differences of your penalty",
            ),
        ),
    )


register(
    _penalty_exercise(
        "ex08_l2_penalty",
        "The L2 penalty and its gradient",
        "l2_penalty_and_grad",
        nn.l2_penalty,
        L2_MISTAKES,
        (
            _ratio_mistake("gradient missing the factor 2", L2_NO_TWO_HINT, 0.5),
            _ratio_mistake(
                "gradient sign flipped",
                "Your gradient is minus the numerical gradient of your penalty: the "
                "gradient of lam * sum(w**2) is +2 * lam * w.",
                -1.0,
            ),
        ),
    ),
    _penalty_exercise(
        "ex08_l1_penalty",
        "The L1 penalty and its subgradient",
        "l1_penalty_and_grad",
        nn.l1_penalty,
        L1_MISTAKES,
        (
            _ratio_mistake(
                "factor 2 in the L1 gradient",
                "Your gradient is twice the numerical gradient of your penalty: the "
                "derivative of lam * |w| is lam * sign(w), without a factor 2.",
                2.0,
            ),
            _ratio_mistake(
                "gradient sign flipped",
                "Your gradient is minus the numerical gradient of your penalty: the "
                "gradient of lam * |w| is +lam * sign(w).",
                -1.0,
            ),
        ),
    ),
)


# ------------------------------------------------------------------ early stopping


class _Snapshot:
    """A stand-in model for :class:`nn.EarlyStopping`: one parameter, the epoch's weights."""

    def __init__(self, w: np.ndarray):
        self.params = {"w": w}

    def parameters(self):
        return [(self, "w")]


def _reference_stopping(train_loss, val_loss, snapshots, patience, min_delta=0.0):
    """``(best_epoch, stopped_at, best_weights)`` as :func:`nn.fit` with early stopping."""
    del train_loss  # early stopping watches the validation loss only
    stopper = nn.EarlyStopping(patience=patience, min_delta=min_delta)
    stopped_at = len(val_loss)
    for epoch, (loss, w) in enumerate(zip(val_loss, snapshots, strict=True), start=1):
        if stopper.update(epoch, float(loss), _Snapshot(np.asarray(w))):
            stopped_at = epoch
            break
    return stopper.best_epoch, stopped_at, stopper.best_params[0]


def _mistaken_stopping(i: dict, kind: str):
    """What the known mistakes of early stopping return on these inputs."""
    val, train = list(i["val_loss"]), list(i["train_loss"])
    patience, min_delta = int(i["patience"]), float(i.get("min_delta", 0.0))
    watched = train if kind == "train" else val
    if kind == "argmin":
        best = int(np.argmin(val)) + 1
        return best, len(val), i["snapshots"][best - 1]
    best_loss, best, stopped = np.inf, 0, len(val)
    for epoch, loss in enumerate(watched, start=1):
        margin = 0.0 if kind == "no min_delta" else min_delta
        better = loss <= best_loss - margin if kind == "tie" else loss < best_loss - margin
        if better:
            best_loss, best = loss, epoch
        limit = {"late": patience + 1, "early": patience - 1}.get(kind, patience)
        if epoch - best >= limit:
            stopped = epoch
            break
    weights = i["snapshots"][(stopped if kind == "last" else best) - 1]
    return (best - 1 if kind == "zero-based" else best), stopped, weights


def _stopping_inputs(shape: str):
    """Validation curves built to tell the mistakes apart; training loss always falls."""

    def make(rng):
        patience = int(rng.integers(3, 5))
        best = int(rng.integers(5, 9))
        if shape == "u with a late dip":
            down = 1.0 - np.cumsum(rng.uniform(0.02, 0.06, best))
            up = down[-1] + np.cumsum(rng.uniform(0.01, 0.03, patience + 8))
            up[patience + 3] = down[-1] - 0.05  # lower than the best, but after the stop
            val = np.concatenate([down, up])
        elif shape == "never stops":
            val = 1.0 - np.cumsum(rng.uniform(0.001, 0.05, 12))
        elif shape == "ties":
            down = 1.0 - np.cumsum(rng.uniform(0.02, 0.06, best))
            flat = np.full(2, down[-1])  # equal to the best: not an improvement
            up = down[-1] + np.cumsum(rng.uniform(0.01, 0.03, patience + 4))
            val = np.concatenate([down, flat, up])
        else:  # "small improvements": each later gain is below min_delta
            down = 1.0 - np.cumsum(rng.uniform(0.05, 0.08, best))
            # patience + 1 gains that add up to less than min_delta, then a rise
            creep = down[-1] - np.cumsum(rng.uniform(0.0005, 0.0015, patience + 1))
            up = creep[-1] + np.cumsum(rng.uniform(0.01, 0.03, patience + 3))
            val = np.concatenate([down, creep, up])
        n = val.shape[0]
        train = 1.2 - np.cumsum(rng.uniform(0.01, 0.05, n))
        i = {
            "train_loss": train,
            "val_loss": val,
            "snapshots": rng.standard_normal((n, 3)),
            "patience": patience,
        }
        if shape == "small improvements":
            i["min_delta"] = 0.01
        if shape == "u with a late dip" and rng.random() < 0.5:
            i["patience"] = 1  # the smallest patience: stop right after the first bad epoch
        return i

    return make


def _call_stopping(obj, i):
    history = {
        "train_loss": [float(v) for v in i["train_loss"]],
        "val_loss": [float(v) for v in i["val_loss"]],
    }
    snapshots = [row.copy() for row in i["snapshots"]]
    args = (history, snapshots, int(i["patience"]))
    out = obj(*args, float(i["min_delta"])) if "min_delta" in i else obj(*args)
    if isinstance(out, tuple) and len(out) == 3:  # the epochs as returned: they must be ints
        return out[0], out[1], np.asarray(out[2], dtype=np.float64)
    return out


def _expected_stopping(i):
    return _reference_stopping(
        i["train_loss"],
        i["val_loss"],
        i["snapshots"],
        int(i["patience"]),
        float(i.get("min_delta", 0.0)),
    )


def _same_as(kind: str):
    def matches(got, i):
        from utils.checks import compare

        return compare(got, _mistaken_stopping(i, kind)) is None

    return matches


STOPPING_MISTAKES = (
    Mistake(
        "kept the last weights instead of the best",
        "Return the weights of the best epoch (snapshots[best_epoch - 1]), not those of "
        "the epoch where training stopped: the last `patience` epochs were all worse.",
        matches=_same_as("last"),
    ),
    Mistake(
        "watched the training loss",
        "Early stopping watches the VALIDATION loss (history['val_loss']). The training "
        "loss keeps falling while the network overfits, so it never tells you to stop.",
        matches=_same_as("train"),
    ),
    Mistake(
        "off-by-one on patience (one epoch late)",
        "Stop at the first epoch where epoch - best_epoch >= patience: with patience 3 "
        "and the best at epoch 5, training stops at epoch 8 (three epochs without "
        "improvement), not 9.",
        matches=_same_as("late"),
    ),
    Mistake(
        "off-by-one on patience (one epoch early)",
        "Stop at the first epoch where epoch - best_epoch >= patience: with patience 3 "
        "and the best at epoch 5, epochs 6, 7 and 8 are allowed to be worse, so training "
        "stops at epoch 8, not 7.",
        matches=_same_as("early"),
    ),
    Mistake(
        "looked past the stop (best of all epochs)",
        "Go through the epochs in order, as training does, and stop when patience runs "
        "out: a lower validation loss that comes after the stop is never seen. "
        "np.argmin over the whole list looks into the future.",
        matches=_same_as("argmin"),
    ),
    Mistake(
        "epochs counted from 0",
        "Epochs count from 1 (the first epoch is epoch 1, as in nn.fit's history): "
        "best_epoch is the index of the best loss plus 1.",
        matches=_same_as("zero-based"),
    ),
    Mistake(
        "a tie counts as an improvement",
        "An epoch improves only if its validation loss is lower than the best by more "
        "than min_delta: use `loss < best - min_delta`, not `<=`. An equal loss is no "
        "progress.",
        matches=_same_as("tie"),
    ),
    Mistake(
        "ignored min_delta",
        "With min_delta > 0 an epoch counts as an improvement only when "
        "loss < best - min_delta: gains smaller than min_delta are noise.",
        matches=_same_as("no min_delta"),
    ),
)

register(
    Exercise(
        id="ex08_early_stopping",
        title="Early stopping: best epoch, stop epoch, best weights",
        obj_name="early_stopping",
        points=2,
        outputs=("best_epoch", "stopped_at", "best_weights"),
        require_int=True,
        probes=(
            Probe(
                "U-shaped validation loss with a lower dip after the stop",
                _stopping_inputs("u with a late dip"),
                _call_stopping,
                _expected_stopping,
                STOPPING_MISTAKES,
            ),
            Probe(
                "validation loss that never stops falling",
                _stopping_inputs("never stops"),
                _call_stopping,
                _expected_stopping,
                STOPPING_MISTAKES,
            ),
            Probe(
                "epochs equal to the best (ties)",
                _stopping_inputs("ties"),
                _call_stopping,
                _expected_stopping,
                STOPPING_MISTAKES,
            ),
            Probe(
                "min_delta = 0.01 with smaller improvements",
                _stopping_inputs("small improvements"),
                _call_stopping,
                _expected_stopping,
                STOPPING_MISTAKES,
            ),
            Probe(
                "another U-shaped run",
                _stopping_inputs("u with a late dip"),
                _call_stopping,
                _expected_stopping,
                STOPPING_MISTAKES,
            ),
        ),
    )
)


# ------------------------------------------------------------------ dropout


def _dropout_inputs(shape, p, training, *, ones=False):
    def make(rng):
        x = np.ones(shape) if ones else rng.standard_normal(shape)
        return {"x": x, "p": p, "training": training, "seed": int(rng.integers(0, 2**31))}

    return make


def _plain_mask(mask):
    """The mask (booleans as they are, anything else as floats), or True for "no mask"
    (None, what evaluation returns)."""
    if mask is None:
        return True
    mask = np.asarray(mask)
    return mask if mask.dtype == bool else mask.astype(np.float64)


def _call_forward(obj, i):
    out = obj(i["x"], i["p"], training=i["training"], rng=_fresh(i))
    if isinstance(out, tuple) and len(out) == 2:
        return np.asarray(out[0], dtype=np.float64), _plain_mask(out[1])
    return out


def _reference_forward(i):
    """(out, keep-mask) of inverted dropout, or (x, True) in evaluation (no mask)."""
    if not i["training"]:
        return i["x"], True
    keep = _fresh(i).random(i["x"].shape) >= i["p"]
    return i["x"] * keep / (1.0 - i["p"]), keep


def _call_forward_twice(obj, i):
    first = obj(i["x"], i["p"], training=True, rng=_fresh(i))[0]
    second = obj(i["x"], i["p"], training=True, rng=_fresh(i))[0]
    return float(np.abs(np.asarray(first) - np.asarray(second)).max())


def _call_statistics(obj, i):
    out, mask = obj(i["x"], i["p"], training=True, rng=_fresh(i))
    return float(np.mean(out)), float(np.mean(np.asarray(mask, dtype=np.float64)))


def _expected_statistics(i):
    return 1.0, 1.0 - i["p"]


def _keep(i):
    return _fresh(i).random(i["x"].shape) >= i["p"]


def _forward_variant(kind: str):
    def output(i):
        x, p = i["x"], i["p"]
        if not i["training"]:
            if kind == "active in eval":
                keep = _keep(i)
                return x * keep / (1 - p), keep.astype(np.float64)
            return (x * (1 - p), True) if kind == "test-time scaling" else None
        keep = _keep(i)
        if kind == "not inverted":
            return x * keep, keep.astype(np.float64)
        if kind == "1/p":
            return x * keep / p, keep.astype(np.float64)
        if kind == "keep probability":
            keep = _fresh(i).random(x.shape) < p
            return x * keep / p, keep.astype(np.float64)
        if kind == "complement draw":  # a correct dropout, with the complementary draw
            keep = _fresh(i).random(x.shape) < 1 - p
            return x * keep / (1 - p), keep.astype(np.float64)
        if kind == "scaled mask":
            return x * keep / (1 - p), keep / (1 - p)
        return None

    return output


def _keeps_with_probability_p(got, i) -> bool:
    # At p = 0.5, keeping where rng.random(x.shape) < p is also what a correct dropout that
    # keeps where rng.random(x.shape) < 1 - p returns: no evidence of the mistake there.
    with np.errstate(all="ignore"):  # x / p at p = 0
        return same(got, _forward_variant("keep probability")(i)) and not same(
            got, _forward_variant("complement draw")(i)
        )


def _eval_not_identity(got, i) -> bool:
    return (
        not i["training"]
        and isinstance(got, tuple)
        and len(got) == 2
        and not np.allclose(got[0], i["x"])
        and not np.allclose(got[0], (1 - i["p"]) * i["x"])
    )


def _statistics_match(mean_out: float, kept: float):
    return lambda got, i: (
        isinstance(got, tuple)
        and len(got) == 2
        and abs(got[0] - mean_out(i)) < 0.02
        and abs(got[1] - kept(i)) < 0.02
    )


NOT_INVERTED_HINT = (
    "Inverted dropout scales the survivors by 1 / (1 - p) in training, so the "
    "expected output equals x: out = x * mask / (1 - p). Without the scaling "
    "the expected activation shrinks to (1 - p) * x in training and the "
    "network sees larger values at test time."
)
FORWARD_MISTAKES = (
    Mistake("dropout not inverted", NOT_INVERTED_HINT, output=_forward_variant("not inverted")),
    Mistake(
        "dropout active in eval",
        "In evaluation mode (training=False) dropout is the identity: return x unchanged "
        "and no mask (None). Every unit is used at test time; inverted dropout already "
        "did the scaling in training.",
        output=_forward_variant("active in eval"),
    ),
    Mistake(
        "scaled at test time",
        "You multiplied by (1 - p) in evaluation: that is the rule of the original, "
        "non-inverted dropout. Inverted dropout scales in training (by 1 / (1 - p)) so "
        "that evaluation is the plain identity: return x.",
        output=_forward_variant("test-time scaling"),
    ),
    Mistake(
        "dropout active in eval",
        "In evaluation mode (training=False) return x unchanged "
        "and None: no unit is dropped and nothing is scaled.",
        matches=_eval_not_identity,
    ),
    Mistake(
        "scaled by 1/p instead of 1/(1 - p)",
        "p is the probability of DROPPING a unit; a unit survives with probability 1 - p, "
        "so the survivors are scaled by 1 / (1 - p), not 1 / p.",
        output=_forward_variant("1/p"),
    ),
    Mistake(
        "p used as the keep probability",
        "p is the drop probability (PyTorch's convention): keep a unit where "
        "rng.random(x.shape) >= p, which happens with probability 1 - p. You kept units "
        "with probability p.",
        matches=_keeps_with_probability_p,
    ),
    Mistake(
        "returned the scaled mask",
        "Return the boolean keep-mask (True where the unit survives), not mask / (1 - p): "
        "dropout_backward takes the mask and p and does the scaling itself.",
        output=_forward_variant("scaled mask"),
    ),
)

STATISTICS_MISTAKES = (
    Mistake(
        "dropout not inverted",
        NOT_INVERTED_HINT,
        matches=_statistics_match(lambda i: 1 - i["p"], lambda i: 1 - i["p"]),
    ),
    Mistake(
        "p used as the keep probability",
        "About a fraction p of the units survived instead of 1 - p: p is the DROP "
        "probability, so keep where rng.random(x.shape) >= p.",
        matches=lambda got, i: (
            isinstance(got, tuple) and len(got) == 2 and abs(got[1] - i["p"]) < 0.02
        ),
    ),
    Mistake(
        "scaled by 1/p instead of 1/(1 - p)",
        "The survivors (a fraction 1 - p) must be scaled by 1 / (1 - p) for the mean to "
        "stay 1; scaling by 1 / p gives a mean of (1 - p) / p.",
        matches=_statistics_match(lambda i: (1 - i["p"]) / i["p"], lambda i: 1 - i["p"]),
    ),
)

DRAWS_MISTAKE = Mistake(
    "right statistics, different mask",
    "Your mask keeps about the right share of units but not the reference's units for this "
    "seed. Draw it with exactly keep = rng.random(x.shape) >= p (one call, from the rng "
    "argument), so a seed reproduces the run and the check can compare masks.",
    matches=lambda got, i: (
        i["training"]
        and isinstance(got, tuple)
        and len(got) == 2
        and isinstance(got[1], np.ndarray)
        and got[1].shape == i["x"].shape
        and not np.array_equal(got[1], _keep(i))
        and abs(float(got[1].mean()) - (1 - i["p"])) < 0.25
    ),
)

EVAL_MASK = Mistake(
    "returned a mask in evaluation",
    "In evaluation nothing is dropped and no backward pass follows: return (x, None).",
    matches=lambda got, i: (
        not i["training"]
        and isinstance(got, tuple)
        and len(got) == 2
        and isinstance(got[1], np.ndarray)
        and np.allclose(got[0], i["x"])
    ),
)

GLOBAL_STATE = Mistake(
    "used np.random global state instead of rng",
    "Two generators with the same seed gave different outputs, so the mask does not come "
    "from the rng argument (np.random.rand uses NumPy's global state). Draw with "
    "rng.random(x.shape).",
    matches=lambda got, i: isinstance(got, float) and got > 0,
)

register(
    Exercise(
        id="ex08_dropout_forward",
        title="Inverted dropout, forward, with a training flag",
        obj_name="dropout_forward",
        points=2,
        outputs=("out", "keep"),
        probes=(
            Probe(
                "training, p = 0.5, x (4, 6)",
                _dropout_inputs((4, 6), 0.5, True),
                _call_forward,
                _reference_forward,
                (*FORWARD_MISTAKES, DRAWS_MISTAKE),
            ),
            Probe(
                "training, p = 0.2, x (50, 3)",
                _dropout_inputs((50, 3), 0.2, True),
                _call_forward,
                _reference_forward,
                (*FORWARD_MISTAKES, DRAWS_MISTAKE),
            ),
            Probe(
                "training, p = 0: nothing dropped",
                _dropout_inputs((5, 4), 0.0, True),
                _call_forward,
                _reference_forward,
                FORWARD_MISTAKES,
            ),
            Probe(
                "evaluation, p = 0.5: identity",
                _dropout_inputs((6, 5), 0.5, False),
                _call_forward,
                _reference_forward,
                (*FORWARD_MISTAKES, EVAL_MASK),
            ),
            Probe(
                "evaluation, p = 0.8, x (3, 7)",
                _dropout_inputs((3, 7), 0.8, False),
                _call_forward,
                _reference_forward,
                (*FORWARD_MISTAKES, EVAL_MASK),
            ),
            Probe(
                "expected activation preserved: mean of out for x = 1, p = 0.3, 100 000 entries",
                _dropout_inputs((2000, 50), 0.3, True, ones=True),
                _call_statistics,
                _expected_statistics,
                STATISTICS_MISTAKES,
                rtol=0.0,
                atol=0.01,
                outputs=("out.mean()", "keep.mean()"),
            ),
            Probe(
                "same seed, same mask",
                _dropout_inputs((8, 8), 0.4, True),
                _call_forward_twice,
                lambda i: 0.0,
                (GLOBAL_STATE,),
                rtol=0.0,
                atol=0.0,
                outputs="the largest difference between two calls with the same seed",
            ),
        ),
    )
)


def _backward_inputs(shape, p):
    def make(rng):
        return {
            "dout": rng.standard_normal(shape),
            "x": rng.standard_normal(shape),
            "mask": rng.random(shape) >= p,
            "p": p,
        }

    return make


def _call_backward(obj, i):
    return obj(i["dout"], i["mask"], i["p"])


def _expected_backward(i):
    return i["dout"] * i["mask"] / (1.0 - i["p"])


def _numerical_backward(i):
    """Central differences of sum(dout * dropout(x)) with the same mask, w.r.t. x."""
    x = i["x"].copy()

    def f(z):
        out, _ = nn.dropout_forward(z, i["p"], training=True, mask=i["mask"])
        return float(np.sum(i["dout"] * out))

    return nn.numerical_gradient(f, x)


BACKWARD_MISTAKES = (
    Mistake(
        "mask not reused in backward",
        "The gradient flows back only through the units that survived the forward pass: "
        "dx = dout * mask / (1 - p), with the SAME mask. You let the gradient through "
        "dropped units (or drew another mask).",
        matches=lambda got, i: (
            isinstance(got, np.ndarray)
            and got.shape == i["dout"].shape
            and i["p"] > 0
            and not np.allclose(got[~i["mask"]], 0.0)
        ),
    ),
    Mistake(
        "dropout not inverted in backward",
        "The forward pass multiplied the survivors by 1 / (1 - p), so the backward pass "
        "must too: dx = dout * mask / (1 - p), not dout * mask.",
        output=lambda i: i["dout"] * i["mask"],
    ),
    Mistake(
        "scaled by 1/p instead of 1/(1 - p)",
        "Survivors are scaled by 1 / (1 - p) (p is the drop probability): "
        "dx = dout * mask / (1 - p).",
        output=lambda i: i["dout"] * i["mask"] / i["p"],
    ),
    Mistake(
        "multiplied by (1 - p)",
        "Divide by (1 - p), as the forward pass does: dx = dout * mask / (1 - p).",
        output=lambda i: i["dout"] * i["mask"] * (1 - i["p"]),
    ),
)

register(
    Exercise(
        id="ex08_dropout_backward",
        title="Inverted dropout, backward",
        obj_name="dropout_backward",
        points=1,
        probes=(
            Probe(
                "p = 0.5, dout (5, 6)",
                _backward_inputs((5, 6), 0.5),
                _call_backward,
                _expected_backward,
                BACKWARD_MISTAKES,
            ),
            Probe(
                "p = 0.2, dout (40, 3)",
                _backward_inputs((40, 3), 0.2),
                _call_backward,
                _expected_backward,
                BACKWARD_MISTAKES,
            ),
            Probe(
                "p = 0.9: few survivors, scaled by 10",
                _backward_inputs((20, 10), 0.9),
                _call_backward,
                _expected_backward,
                BACKWARD_MISTAKES,
            ),
            Probe(
                "p = 0: every unit kept",
                _backward_inputs((3, 4), 0.0),
                _call_backward,
                _expected_backward,
                BACKWARD_MISTAKES,
            ),
            Probe(
                "agrees with central differences of the forward pass (same mask)",
                _backward_inputs((4, 5), 0.3),
                _call_backward,
                _numerical_backward,
                BACKWARD_MISTAKES,
                rtol=1e-6,
                atol=1e-8,
            ),
        ),
    )
)
