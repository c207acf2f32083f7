"""Checks of chapter 05 (Backpropagation).

Exercises: ``ex05_affine_backward``, ``ex05_relu_backward``, ``ex05_sigmoid_backward``,
``ex05_two_layer_loss_and_grads``, ``ex05_gradient_check``.

How gradients are checked:

- most probes compare the student's backward with the reference backward of :mod:`utils.nn`
  (exact up to rounding), which lets the hints name a known mistake;
- each backward exercise also has a probe whose expected value is the *numerical* gradient:
  central differences of the reference forward pass (``nn.numerical_gradient``), so a
  student's backward is held against the definition of the derivative, not only against our
  code;
- ``ex05_two_layer_loss_and_grads`` additionally gradient-checks the student's backward
  against central differences of the student's *own* loss (the self-consistency test a
  practitioner runs).
"""

from __future__ import annotations

import numpy as np

from utils import nn
from utils.checks import (
    Exercise,
    FloatingPointOverflow,
    Mistake,
    Probe,
    part,
    register,
    same,
)

# ---------------------------------------------------------------- ex05_affine_backward


def _affine_inputs(n: int, d: int, m: int):
    def make(rng):
        return {
            "x": rng.standard_normal((n, d)),
            "W": rng.standard_normal((d, m)),
            "b": rng.standard_normal(m),
            "dout": rng.standard_normal((n, m)),
        }

    return make


def _affine_random_dims(rng):
    n, d = int(rng.integers(5, 12)), int(rng.integers(2, 7))
    m = d + int(rng.integers(1, 4))  # D != M, so a transposed dW has the wrong shape
    return _affine_inputs(n, d, m)(rng)


def _call_affine(obj, i):
    return obj(i["dout"], (i["x"], i["W"]))


def _affine_ref(i):
    return nn.linear_backward(i["dout"], (i["x"], i["W"]))


def _affine_numeric(i):
    x, W, b, dout = (np.array(i[k], dtype=np.float64) for k in ("x", "W", "b", "dout"))

    def f(_):
        return float(np.sum(nn.linear_forward(x, W, b)[0] * dout))

    return nn.numerical_gradient(f, x), nn.numerical_gradient(f, W), nn.numerical_gradient(f, b)


def _affine_part_is(k, func):
    def matches(got, i):
        return same(part(got, k), func(i)) and not same(part(got, k), _affine_ref(i)[k])

    return matches


AFFINE_MISTAKES = (
    Mistake(
        "returned the wrong number of things",
        "Return the three gradients as a tuple, in this order: `return dx, dW, db`.",
        matches=lambda got, i: not (isinstance(got, tuple) and len(got) == 3),
    ),
    Mistake(
        "dW transposed (dout.T @ x)",
        "dW must have the shape of W, (D, M). dout.T @ x has shape (M, D): it is dW "
        "transposed. Use dW = x.T @ dout: (D, N) @ (N, M) -> (D, M), a sum over the batch.",
        matches=_affine_part_is(1, lambda i: i["dout"].T @ i["x"]),
    ),
    Mistake(
        "dW averaged over the batch (divided by N)",
        "dW = x.T @ dout already is the sum over the samples of x_n^T dout_n; the 1/N of "
        "a mean loss is already inside dout. Do not divide by N again.",
        matches=_affine_part_is(1, lambda i: i["x"].T @ i["dout"] / len(i["x"])),
    ),
    Mistake(
        "db is the mean over the batch, not the sum",
        "b is added to every row, so its gradient collects one contribution per row: "
        "db = dout.sum(axis=0), shape (M,). dout.mean(axis=0) is N times too small.",
        matches=_affine_part_is(2, lambda i: i["dout"].mean(axis=0)),
    ),
    Mistake(
        "db not summed over the batch",
        "db must have the shape of b, (M,): sum dout over the batch axis, "
        "db = dout.sum(axis=0). You returned dout itself, shape (N, M).",
        matches=_affine_part_is(2, lambda i: i["dout"]),
    ),
    Mistake(
        "db summed over the wrong axis",
        "db has one entry per output unit, shape (M,): sum over the rows (the batch), "
        "dout.sum(axis=0), not over the columns.",
        matches=_affine_part_is(2, lambda i: i["dout"].sum(axis=1)),
    ),
    Mistake(
        "dx uses W instead of W.T",
        "dx = dout @ W.T: (N, M) @ (M, D) -> (N, D). With a square W, dout @ W has the "
        "right shape but the wrong numbers.",
        matches=_affine_part_is(0, lambda i: i["dout"] @ i["W"]),
    ),
    Mistake(
        "dx transposed (W @ dout.T)",
        "dx must have the shape of x, (N, D). W @ dout.T has shape (D, N): use dx = dout @ W.T.",
        matches=_affine_part_is(0, lambda i: i["W"] @ i["dout"].T),
    ),
    Mistake(
        "the matrix shapes do not line up",
        "Follow the shapes: x (N, D), W (D, M), dout (N, M). Then dx = dout @ W.T is "
        "(N, D), dW = x.T @ dout is (D, M) and db = dout.sum(axis=0) is (M,). A product "
        "that raises ValueError has its factors in the wrong order or a missing .T.",
        raises=ValueError,
    ),
)


def _affine_probe(name, inputs, *, numeric=False):
    if numeric:
        return Probe(
            name, inputs, _call_affine, _affine_numeric, AFFINE_MISTAKES, rtol=1e-6, atol=1e-8
        )
    return Probe(name, inputs, _call_affine, _affine_ref, AFFINE_MISTAKES)


register(
    Exercise(
        id="ex05_affine_backward",
        title="Backward pass of an affine (Dense) layer",
        obj_name="affine_backward",
        points=3,
        outputs=("dx", "dW", "db"),
        probes=(
            _affine_probe("N = 4, D = 3, M = 5", _affine_inputs(4, 3, 5)),
            _affine_probe(
                "square W (D = M = 4), so W and W.T have the same shape", _affine_inputs(6, 4, 4)
            ),
            _affine_probe("random sizes (D != M)", _affine_random_dims),
            _affine_probe("a single sample (N = 1)", _affine_inputs(1, 3, 2)),
            _affine_probe("a batch of 50", _affine_inputs(50, 3, 4)),
            _affine_probe(
                "against central differences of the reference forward pass",
                _affine_inputs(5, 3, 4),
                numeric=True,
            ),
        ),
    )
)


# ---------------------------------------------------------------- ex05_relu_backward


def _relu_inputs(n: int, d: int, zeros: bool = False, sign: float = 0.0):
    def make(rng):
        x = rng.standard_normal((n, d))
        if sign:
            x = sign * np.abs(x) + sign * 0.1
        if zeros:
            x[rng.random((n, d)) < 0.4] = 0.0  # exact zeros: where the convention shows
        return {"x": x, "dout": rng.standard_normal((n, d))}

    return make


def _call_relu(obj, i):
    return obj(i["dout"], i["x"])


def _relu_ref(i):
    return nn.relu_backward(i["dout"], i["x"])


def _relu_numeric(i):
    x, dout = np.array(i["x"]), i["dout"]
    return nn.numerical_gradient(lambda z: float(np.sum(nn.relu(z) * dout)), x)


def _relu_wrong(func):
    return lambda got, i: same(got, func(i)) and not same(got, _relu_ref(i))


RELU_MISTAKES = (
    Mistake(
        "gradient 1 at x = 0 (used >= instead of >)",
        "At exactly x = 0 this course (like PyTorch) takes the ReLU's slope to be 0: "
        "dx = dout * (x > 0). Your mask `x >= 0` lets the gradient through at 0.",
        matches=_relu_wrong(lambda i: i["dout"] * (i["x"] >= 0)),
    ),
    Mistake(
        "passed dout through unchanged",
        "ReLU blocks the gradient where its input was negative (its slope is 0 there): "
        "dx = dout * (x > 0). You returned dout as it came in.",
        matches=_relu_wrong(lambda i: i["dout"]),
    ),
    Mistake(
        "multiplied dout by the output instead of by the mask",
        "The local gradient of ReLU is its slope, 1 where x > 0 and 0 elsewhere, not "
        "its output max(x, 0). Use dx = dout * (x > 0).",
        matches=_relu_wrong(lambda i: i["dout"] * np.maximum(i["x"], 0)),
    ),
    Mistake(
        "took the mask from dout instead of from x",
        "Which entries pass depends on the forward input x (kept in the cache), not on "
        "the sign of the incoming gradient: dx = dout * (x > 0).",
        matches=_relu_wrong(lambda i: i["dout"] * (i["dout"] > 0)),
    ),
    Mistake(
        "returned the mask without dout",
        "(x > 0) is only the local gradient; the chain rule multiplies it by the "
        "gradient arriving from above: dx = dout * (x > 0).",
        matches=_relu_wrong(lambda i: (i["x"] > 0).astype(np.float64)),
    ),
    Mistake(
        "mask inverted",
        "The gradient passes where x > 0 (the unit was active), and is 0 where x <= 0.",
        matches=_relu_wrong(lambda i: i["dout"] * (i["x"] <= 0)),
    ),
)


def _relu_probe(name, inputs, *, numeric=False):
    if numeric:
        return Probe(name, inputs, _call_relu, _relu_numeric, RELU_MISTAKES, rtol=1e-6, atol=1e-8)
    return Probe(name, inputs, _call_relu, _relu_ref, RELU_MISTAKES)


register(
    Exercise(
        id="ex05_relu_backward",
        title="Backward pass of ReLU",
        obj_name="relu_backward",
        points=2,
        probes=(
            _relu_probe("random x and dout, shape (6, 5)", _relu_inputs(6, 5)),
            _relu_probe("x with exact zeros (the convention at 0)", _relu_inputs(8, 4, zeros=True)),
            _relu_probe("all x negative: nothing passes", _relu_inputs(4, 3, sign=-1.0)),
            _relu_probe("all x positive: everything passes", _relu_inputs(4, 3, sign=1.0)),
            _relu_probe("a single sample (N = 1)", _relu_inputs(1, 7, zeros=True)),
            _relu_probe(
                "against central differences of the reference forward pass (x away from 0)",
                lambda rng: {**_relu_inputs(5, 4)(rng)},
                numeric=True,
            ),
        ),
    )
)


# ---------------------------------------------------------------- ex05_sigmoid_backward


def _sigmoid_inputs(n: int, d: int, scale: float = 2.0, extreme: bool = False):
    def make(rng):
        x = scale * rng.standard_normal((n, d))
        if extreme:
            x[0, :] = 1000.0 * np.where(np.arange(d) % 2 == 0, 1.0, -1.0)
        return {"x": x, "out": nn.sigmoid(x), "dout": rng.standard_normal((n, d))}

    return make


def _call_sigmoid(obj, i):
    return obj(i["dout"], i["out"])


def _sigmoid_ref(i):
    return nn.sigmoid_backward(i["dout"], i["out"])


def _sigmoid_numeric(i):
    x, dout = np.array(i["x"]), i["dout"]
    return nn.numerical_gradient(lambda z: float(np.sum(nn.sigmoid(z) * dout)), x)


def _sigmoid_wrong(func):
    return lambda got, i: same(got, func(i)) and not same(got, _sigmoid_ref(i))


def _sig(s):
    return 1.0 / (1.0 + np.exp(-s))


SIGMOID_MISTAKES = (
    Mistake(
        "applied the sigmoid again to the cached output",
        "The cache already holds out = sigmoid(x). Its derivative is out * (1 - out); "
        "computing sigmoid(out) * (1 - sigmoid(out)) takes the sigmoid twice.",
        matches=_sigmoid_wrong(lambda i: i["dout"] * _sig(i["out"]) * (1 - _sig(i["out"]))),
    ),
    Mistake(
        "used sigmoid(out) instead of out * (1 - out)",
        "The local gradient of the sigmoid is sigma'(x) = sigma(x) (1 - sigma(x)) = "
        "out * (1 - out), with out from the cache: dx = dout * out * (1 - out).",
        matches=_sigmoid_wrong(lambda i: i["dout"] * _sig(i["out"])),
    ),
    Mistake(
        "missing the dout factor",
        "out * (1 - out) is only the local gradient; multiply by the gradient arriving "
        "from above: dx = dout * out * (1 - out).",
        matches=_sigmoid_wrong(lambda i: i["out"] * (1 - i["out"])),
    ),
    Mistake(
        "used tanh's derivative 1 - out**2",
        "1 - out**2 is the derivative of tanh. For the sigmoid it is out * (1 - out).",
        matches=_sigmoid_wrong(lambda i: i["dout"] * (1 - i["out"] ** 2)),
    ),
    Mistake(
        "forgot the (1 - out) factor",
        "sigma'(x) = out * (1 - out): both factors are needed.",
        matches=_sigmoid_wrong(lambda i: i["dout"] * i["out"]),
    ),
    Mistake(
        "overflow or division by zero on saturated outputs",
        "With out exactly 0 or 1 (inputs around +-1000) the gradient is exactly 0. Do not "
        "recover x from out (log(out / (1 - out)) divides by zero): use out * (1 - out).",
        raises=FloatingPointError,
    ),
)


def _sigmoid_probe(name, inputs, *, numeric=False):
    if numeric:
        return Probe(
            name, inputs, _call_sigmoid, _sigmoid_numeric, SIGMOID_MISTAKES, rtol=1e-6, atol=1e-9
        )
    return Probe(name, inputs, _call_sigmoid, _sigmoid_ref, SIGMOID_MISTAKES, strict=True)


register(
    Exercise(
        id="ex05_sigmoid_backward",
        title="Backward pass of the sigmoid",
        obj_name="sigmoid_backward",
        points=2,
        probes=(
            _sigmoid_probe("random x and dout, shape (6, 4)", _sigmoid_inputs(6, 4)),
            _sigmoid_probe(
                "x near 0, where the slope is largest (0.25)", _sigmoid_inputs(5, 3, scale=0.1)
            ),
            _sigmoid_probe(
                "saturated outputs exactly 0 and 1 (x = +-1000)",
                _sigmoid_inputs(4, 4, extreme=True),
            ),
            _sigmoid_probe("a single sample (N = 1)", _sigmoid_inputs(1, 5)),
            _sigmoid_probe(
                "against central differences of the reference forward pass",
                _sigmoid_inputs(4, 3),
                numeric=True,
            ),
        ),
    )
)


# ---------------------------------------------------------------- ex05_two_layer_loss_and_grads


def two_layer_reference(X, y, params, *, variant: str = ""):
    """A two-layer ReLU network's softmax cross-entropy loss and gradients.

    ``scores = relu(X @ W1 + b1) @ W2 + b2``; the loss is the batch mean. ``variant`` names a
    known mistake to reproduce (used for the hints only).
    """
    W1, b1, W2, b2 = (np.asarray(params[k], dtype=np.float64) for k in ("W1", "b1", "W2", "b2"))
    n = X.shape[0]
    Z1 = X @ W1 + b1  # (N, H)
    A1 = np.maximum(Z1, 0.0)  # (N, H)
    S = A1 @ W2 + b2  # (N, C)
    loss, dS = nn.softmax_cross_entropy(S, y)  # dS already / N
    if variant == "columns":  # softmax over the samples (axis 0) instead of the classes
        log_p = nn.log_softmax(S.T).T
        loss = -log_p[np.arange(n), y].mean()
        dS = (np.exp(log_p) - np.eye(S.shape[1])[y]) / n
    elif variant in ("loss over N*C", "N*C"):  # np.mean over all N * C entries of Y * log P
        loss = loss / S.shape[1]
        dS = dS / S.shape[1] if variant == "N*C" else dS
    elif variant == "not divided by N":
        dS = dS * n
    elif variant == "summed loss":
        loss, dS = loss * n, dS * n
    elif variant == "no minus one":
        dS = nn.softmax(S) / n
    dW2 = (Z1 if variant == "Z1 for dW2" else A1).T @ dS
    db2 = dS.sum(axis=0)
    dA1 = dS @ W2.T
    dZ1 = dA1 if variant == "no mask" else dA1 * (Z1 > 0)
    dW1 = X.T @ dZ1
    db1 = dZ1.sum(axis=0)
    if variant == "transposed":
        dW1, dW2 = dZ1.T @ X, dS.T @ A1
    if variant == "db mean":
        db1, db2 = dZ1.mean(axis=0), dS.mean(axis=0)
    return float(loss), {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def _two_layer_inputs(n: int, d: int, h: int, c: int, *, offset: float = 0.0):
    def make(rng):
        # offset shifts every score by the same amount (through b2): softmax is unchanged,
        # but exp(scores) overflows unless each row's maximum is subtracted first.
        return {
            "X": rng.standard_normal((n, d)),
            "y": rng.integers(0, c, size=n),
            "W1": rng.standard_normal((d, h)) * 0.8,
            "b1": 0.2 * rng.standard_normal(h),
            "W2": rng.standard_normal((h, c)) * 0.8,
            "b2": offset + 0.2 * rng.standard_normal(c),
        }

    return make


def _params(i):
    return {k: np.array(i[k], dtype=np.float64) for k in ("W1", "b1", "W2", "b2")}


def _call_two_layer(obj, i):
    return obj(i["X"], i["y"], _params(i))


def _two_layer_ref(i):
    return two_layer_reference(i["X"], i["y"], _params(i))


def _two_layer_numeric(i):
    params = _params(i)

    def f(_):
        return two_layer_reference(i["X"], i["y"], params)[0]

    grads = {k: nn.numerical_gradient(f, params[k]) for k in ("W1", "b1", "W2", "b2")}
    return two_layer_reference(i["X"], i["y"], params)[0], grads


def _call_self_consistency(obj, i):
    """Largest relative error between the student's gradients and central differences of
    the student's own loss (the gradient check one runs on one's own code)."""
    params = _params(i)
    loss, grads = obj(i["X"], i["y"], params)
    if not isinstance(grads, dict):
        raise TypeError(
            f"two_layer_loss_and_grads must return (loss, grads) with grads a dict, "
            f"got {type(grads).__name__}"
        )
    worst = 0.0
    for k in ("W1", "b1", "W2", "b2"):
        analytic = np.array(grads[k], dtype=np.float64)
        numeric = nn.numerical_gradient(lambda _: float(obj(i["X"], i["y"], params)[0]), params[k])
        if analytic.shape != numeric.shape:
            raise ValueError(f"grads[{k!r}] has shape {analytic.shape}, expected {numeric.shape}")
        scale = max(np.abs(analytic).max(), np.abs(numeric).max(), 1e-12)
        worst = max(worst, float(nn.rel_error(analytic, numeric, eps=1e-3 * scale).max()))
    return worst


def _variant(name):
    def output(i):
        return two_layer_reference(i["X"], i["y"], _params(i), variant=name)

    return output


def _grads_transposed(got, i):
    g = part(got, 1)
    return (
        isinstance(g, dict)
        and {"W1", "W2"} <= set(g)
        and np.shape(g["W1"]) == np.shape(i["W1"])[::-1]
        and np.shape(g["W1"]) != np.shape(i["W1"])
    )


TWO_LAYER_MISTAKES = (
    Mistake(
        "returned the wrong structure",
        "Return a pair (loss, grads): loss a float, grads a dict with the keys "
        "'W1', 'b1', 'W2', 'b2', each gradient of the same shape as its parameter.",
        matches=lambda got, i: (
            not (isinstance(got, tuple) and len(got) == 2 and isinstance(got[1], dict))
        ),
    ),
    Mistake(
        "softmax not stabilised (exp overflows at scores around 1000)",
        "np.exp(1000) is inf in float64, and inf / inf is nan. Softmax does not change "
        "when the same number is subtracted from every score of a row, so subtract each "
        "row's maximum first: shifted = scores - scores.max(axis=1, keepdims=True); then "
        "log softmax = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True)) (or "
        "use nn.log_softmax).",
        raises=FloatingPointOverflow,
    ),
    Mistake(
        "softmax over the wrong axis (columns)",
        "Each ROW of scores holds one sample's C class scores, so softmax normalises each "
        "row: subtract scores.max(axis=1, keepdims=True) and divide by "
        "e.sum(axis=1, keepdims=True). With axis=0 every column (one class over the "
        "batch) sums to 1 instead.",
        output=_variant("columns"),
    ),
    Mistake(
        "loss averaged over the classes too (divided by N*C)",
        "np.mean(Y * log P) divides by N*C, but only one entry per row is non-zero: sum "
        "over the classes (axis=1), then take the mean over the N samples, i.e. "
        "-log P[np.arange(N), y].mean(). The gradient carries 1/N, not 1/(N*C).",
        matches=lambda got, i: any(same(got, _variant(v)(i)) for v in ("loss over N*C", "N*C")),
    ),
    Mistake(
        "gradient not divided by N",
        "The loss is the mean over the N samples, so every gradient carries a 1/N: "
        "dscores = (softmax(scores) - Y) / N. Your gradients are N times too large.",
        output=_variant("not divided by N"),
    ),
    Mistake(
        "loss summed over the batch instead of averaged",
        "The loss is the mean of the per-sample losses (divide by N), and so are its gradients.",
        output=_variant("summed loss"),
    ),
    Mistake(
        "ReLU mask missing in the backward pass",
        "Between dA1 = dscores @ W2.T and dW1 the gradient must go through the ReLU: "
        "dZ1 = dA1 * (Z1 > 0). Without the mask, units that were off still get gradient.",
        output=_variant("no mask"),
    ),
    Mistake(
        "used Z1 instead of A1 for dW2",
        "W2 multiplies the ReLU's output: scores = A1 @ W2 + b2, so dW2 = A1.T @ dscores "
        "with A1 = relu(Z1), not the pre-activation Z1.",
        output=_variant("Z1 for dW2"),
    ),
    Mistake(
        "forgot to subtract the one-hot target",
        "The gradient of softmax cross-entropy with respect to the scores is "
        "(softmax(scores) - Y) / N, where Y is one-hot: subtract 1 at the true class.",
        output=_variant("no minus one"),
    ),
    Mistake(
        "products in the wrong order (dW transposed)",
        "Each dW has the shape of its W: dW2 = A1.T @ dscores is (H, C) and "
        "dW1 = X.T @ dZ1 is (D, H). dZ.T @ X is the transpose.",
        matches=_grads_transposed,
    ),
    Mistake(
        "bias gradients averaged instead of summed",
        "db = dZ.sum(axis=0): the 1/N is already inside dscores.",
        output=_variant("db mean"),
    ),
    Mistake(
        "the matrix shapes do not line up",
        "Write the shape next to every line of your backward pass: X (N, D), W1 (D, H), "
        "Z1 and A1 (N, H), W2 (H, C), scores (N, C). A ValueError from a product means a "
        "missing .T or factors in the wrong order.",
        raises=ValueError,
    ),
)

SELF_MISTAKES = (
    Mistake(
        "your backward disagrees with your own forward",
        "Central differences of your own loss give different gradients from the ones "
        "you return (largest relative error above 1e-6). Whatever your loss computes, "
        "the gradients must be its derivatives: look for a missing 1/N, a missing ReLU "
        "mask or a transposed product.",
        matches=lambda got, i: isinstance(got, float) and got > 1e-6,
    ),
    *TWO_LAYER_MISTAKES[-1:],
)


def _two_layer_probe(name, inputs, kind="reference"):
    if kind == "numeric":
        return Probe(
            name,
            inputs,
            _call_two_layer,
            _two_layer_numeric,
            TWO_LAYER_MISTAKES,
            rtol=1e-5,
            atol=1e-8,
        )
    if kind == "self":
        return Probe(
            name,
            inputs,
            _call_self_consistency,
            lambda i: 0.0,
            SELF_MISTAKES,
            rtol=0.0,
            atol=1e-6,
            outputs="the largest relative error between your grads and central "
            "differences of your loss",
        )
    # Strict where the scores are huge: an overflow in exp is an error, named by a hint.
    return Probe(
        name, inputs, _call_two_layer, _two_layer_ref, TWO_LAYER_MISTAKES, strict=kind == "strict"
    )


register(
    Exercise(
        id="ex05_two_layer_loss_and_grads",
        title="Loss and gradients of a two-layer network",
        obj_name="two_layer_loss_and_grads",
        points=4,
        outputs=("loss", "grads"),
        probes=(
            _two_layer_probe("N = 5, D = 3, H = 4, C = 3", _two_layer_inputs(5, 3, 4, 3)),
            _two_layer_probe("N = 40, D = 2, H = 6, C = 2", _two_layer_inputs(40, 2, 6, 2)),
            _two_layer_probe("a single sample (N = 1)", _two_layer_inputs(1, 4, 5, 3)),
            _two_layer_probe(
                "scores around 1000 (a stable softmax does not overflow)",
                _two_layer_inputs(6, 3, 4, 3, offset=1000.0),
                kind="strict",
            ),
            _two_layer_probe(
                "against central differences of the reference loss",
                _two_layer_inputs(6, 3, 5, 4),
                kind="numeric",
            ),
            _two_layer_probe(
                "gradient check of your gradients against your own loss",
                _two_layer_inputs(7, 2, 3, 3),
                kind="self",
            ),
        ),
    )
)


# ---------------------------------------------------------------- ex05_gradient_check


def gradient_check_reference(f, x, analytic, h=1e-5, eps=1e-12, *, variant: str = ""):
    """Largest relative error between ``analytic`` and central differences of ``f`` at ``x``.

    ``variant`` reproduces a known mistake (for the hints only).
    """
    x = np.array(x, dtype=np.float64)
    analytic = np.asarray(analytic, dtype=np.float64)
    numeric = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        f_plus = f(x)
        if variant == "forward":
            x[idx] = old
            f_minus = f(x)
            numeric[idx] = (f_plus - f_minus) / h
        else:
            x[idx] = old - h
            f_minus = f(x)
            numeric[idx] = (f_plus - f_minus) / (h if variant == "h" else 2 * h)
        if variant != "no restore":
            x[idx] = old
    diff = np.abs(analytic - numeric)
    if variant == "absolute":
        err = diff
    else:
        err = diff / np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), eps)
    return float(err.mean() if variant == "mean" else err.max())


# A few scalar functions with known gradients (f, grad), by name: the probes pass a name
# (plain data) and the call builds the function.
_FUNCS = {
    "cubic": (lambda x: float(np.sum(x**3)), lambda x: 3 * x**2),
    "exp3": (lambda x: float(np.sum(np.exp(3 * x))), lambda x: 3 * np.exp(3 * x)),
    "big": (lambda x: float(500.0 * np.sum(x**2)), lambda x: 1000.0 * x),
    "coupled": (
        lambda x: float(np.exp(0.3 * np.sum(x))),
        lambda x: np.full(x.shape, 0.3 * np.exp(0.3 * np.sum(x))),
    ),
    "partial": (
        lambda x: float(np.sum(x[:2] ** 2)),
        lambda x: np.concatenate([2 * x[:2], np.zeros(x.size - 2)]),
    ),
}


def _gc_inputs(
    name: str, size: int, perturb: float = 0.0, one_entry: bool = False, scale: float = 1.0
):
    def make(rng):
        x = scale * rng.uniform(0.5, 1.5, size) * rng.choice([-1.0, 1.0], size)
        grad = _FUNCS[name][1](x)
        if one_entry:
            grad[int(rng.integers(0, size))] *= 1.0 + perturb
        else:
            grad = grad * (1.0 + perturb * rng.uniform(0.5, 1.0, size))
        return {"func": name, "x": x, "analytic": grad}

    return make


def _call_gc(obj, i):
    f = _FUNCS[i["func"]][0]
    return float(obj(f, i["x"], i["analytic"]))


def _gc_ref(i):
    return gradient_check_reference(_FUNCS[i["func"]][0], i["x"], i["analytic"])


def _gc_variant(name):
    return lambda i: gradient_check_reference(
        _FUNCS[i["func"]][0], i["x"], i["analytic"], variant=name
    )


def _close_to(name, rtol=1e-3):
    def matches(got, i):
        wrong, right = _gc_variant(name)(i), _gc_ref(i)
        return (
            isinstance(got, float)
            and np.isclose(got, wrong, rtol=rtol, atol=1e-12)
            and not np.isclose(wrong, right, rtol=rtol, atol=1e-8)
        )

    return matches


def _looks_forward(got, i):
    # On an exact gradient, central differences give ~1e-10; forward differences ~1e-5.
    return (
        isinstance(got, float)
        and _gc_ref(i) < 1e-8
        and np.isclose(got, _gc_variant("forward")(i), rtol=0.05)
    )


GC_MISTAKES = (
    Mistake(
        "returned an array instead of one number",
        "Return the single largest relative error as a float: err.max().",
        raises=TypeError,
    ),
    Mistake(
        "absolute difference instead of relative error",
        "|a - b| alone depends on the scale of the gradient: 1e-3 is tiny for a gradient "
        "of size 1000 and huge for one of size 1e-6. Divide by max(|a|, |b|, eps).",
        matches=_close_to("absolute"),
    ),
    Mistake(
        "mean instead of max",
        "One wrong entry is a bug, however many entries are right: report the largest "
        "relative error, err.max(), not the mean.",
        matches=_close_to("mean"),
    ),
    Mistake(
        "forward differences instead of central differences",
        "(f(x + h) - f(x)) / h has an error proportional to h (about 1e-5 here), which "
        "hides the 1e-7 level of a correct gradient. Use (f(x + h) - f(x - h)) / (2 h).",
        matches=_looks_forward,
    ),
    Mistake(
        "divided by h instead of 2h",
        "The central difference spans from x - h to x + h, a distance of 2h: "
        "(f(x + h) - f(x - h)) / (2 h).",
        matches=_close_to("h"),
    ),
    Mistake(
        "did not restore x after perturbing it",
        "After computing entry i, put x[i] back to its old value before moving on; "
        "otherwise every later entry is measured at a different point.",
        matches=_close_to("no restore"),
    ),
    Mistake(
        "no eps in the denominator",
        "Where both gradients are exactly 0, |a - b| / max(|a|, |b|) is 0/0. Use "
        "max(|a|, |b|, eps) with a tiny eps such as 1e-12.",
        raises=FloatingPointError,
    ),
)


def _gc_probe(name, inputs, *, rtol=1e-4, atol=1e-8, strict=False):
    return Probe(name, inputs, _call_gc, _gc_ref, GC_MISTAKES, rtol=rtol, atol=atol, strict=strict)


register(
    Exercise(
        id="ex05_gradient_check",
        title="A gradient check with the relative error",
        obj_name="gradient_check",
        points=3,
        outputs="the largest relative error",
        probes=(
            _gc_probe(
                "an exact gradient of sum(exp(3 x)): the error must be tiny",
                _gc_inputs("exp3", 6),
                rtol=0.0,
                atol=1e-8,
            ),
            _gc_probe(
                "an exact gradient of exp(0.3 sum(x)): every entry depends on all of x",
                _gc_inputs("coupled", 8),
                rtol=0.0,
                atol=1e-8,
            ),
            _gc_probe("every entry of the gradient off by 5 to 10 %", _gc_inputs("cubic", 8, 0.1)),
            _gc_probe(
                "one entry off by 30 %, the others exact",
                _gc_inputs("cubic", 10, 0.3, one_entry=True),
            ),
            _gc_probe(
                "a large gradient (entries around 1000) off by 0.1 to 0.2 %",
                _gc_inputs("big", 5, 0.002),
            ),
            _gc_probe(
                "a gradient that is exactly 0 in some entries",
                _gc_inputs("partial", 5, 0.02),
                strict=True,
            ),
        ),
    )
)
