"""Checks of chapter 02 (Activation functions).

Exercises: ``ex02_sigmoid``, ``ex02_tanh_derivative``, ``ex02_relu_backward``,
``ex02_leaky_relu``, ``ex02_prelu_backward``, ``ex02_elu``, ``ex02_softmax``.
Every expected value comes from :mod:`utils.nn`. Probes with extreme inputs (plus or minus
1000) are strict: an overflow, or 0/0, in the student's code is an error, and the error's kind
(overflow, invalid value) names the mistake. Underflow (``exp(-1000) == 0``) is harmless and
allowed. ``ex02_prelu_backward`` compares with the reference backward and also with a
numerical gradient of the reference forward (central differences).
"""

from __future__ import annotations

import numpy as np

from utils import nn
from utils.checks import (
    Exercise,
    FloatingPointInvalid,
    FloatingPointOverflow,
    Mistake,
    Probe,
    register,
    same,
)


def _vector(low, high, n_range=(6, 15)):
    def make(rng):
        n = int(rng.integers(*n_range))
        return {"x": rng.uniform(low, high, size=n)}

    return make


def _matrix(low, high):
    def make(rng):
        n, d = int(rng.integers(3, 7)), int(rng.integers(2, 6))
        return {"x": rng.uniform(low, high, size=(n, d))}

    return make


def _with_zeros(rng):
    x = rng.uniform(-3, 3, size=10)
    x[rng.choice(10, size=3, replace=False)] = 0.0
    return {"x": x}


def _extreme(sign):
    # Values around +1000 or -1000, plus a few moderate ones.
    def make(rng):
        big = sign * rng.uniform(700, 1000, size=5)
        big[0] = sign * 1000.0
        return {"x": rng.permutation(np.concatenate([big, rng.uniform(-3, 3, size=3)]))}

    return make


def _both_extremes(rng):
    return {"x": np.array([-1000.0, -1000.0 + rng.uniform(0, 1), 0.0, 1000.0, rng.uniform(-2, 2)])}


def _x(i):
    return np.asarray(i["x"], dtype=np.float64)


def _call_x(obj, i):
    return obj(i["x"])


def _flattened(got, i):
    return np.ndim(i["x"]) == 2 and np.shape(got) == (np.size(i["x"]),)


def _flat_mistake(name):
    return Mistake(
        "returned a flat array",
        f"Return an array of the same shape as x: {name} is applied entry by entry, "
        "so a (N, D) input gives a (N, D) output. Do not ravel or flatten.",
        matches=_flattened,
    )


_LOOP_HINT = (
    "math.exp (and math.tanh, ...) work on one number only; use np.exp (np.tanh, "
    "np.where, np.maximum, ...), which work on whole arrays at once, without a loop."
)


# ---------------------------------------------------------------- ex02_sigmoid


def _sigmoid_naive_hint(where):
    return (
        "Under strict checking, exp overflowed. The textbook form 1 / (1 + np.exp(-x)) "
        f"computes exp(1000) = inf at x = {where}. Use the form whose exp never sees a "
        "positive argument: e = np.exp(-np.abs(x)), then 1 / (1 + e) where x >= 0 and "
        "e / (1 + e) where x < 0."
    )


SIGMOID_MISTAKES = (
    Mistake(
        "sign error: exp(x) instead of exp(-x)",
        "You computed 1 / (1 + exp(x)), which is sigmoid(-x) = 1 - sigmoid(x): large inputs "
        "give values near 0 instead of near 1. The formula is 1 / (1 + exp(-x)).",
        output=lambda i: nn.sigmoid(-_x(i)),
    ),
    Mistake(
        "returned the derivative",
        "You returned sigmoid(x) * (1 - sigmoid(x)), the derivative. Return sigmoid(x) itself.",
        output=lambda i: nn.sigmoid_derivative(_x(i)),
    ),
    Mistake(
        "used tanh",
        "tanh(x) has range (-1, 1); the sigmoid has range (0, 1). They are related by "
        "sigmoid(x) = (1 + tanh(x / 2)) / 2, but are not the same function.",
        output=lambda i: np.tanh(_x(i)),
    ),
    _flat_mistake("the sigmoid"),
    Mistake("used math.exp (not vectorised)", _LOOP_HINT, raises=TypeError),
)


def _sigmoid_probe(name, inputs, extra=(), strict=True):
    return Probe(
        name,
        inputs,
        _call_x,
        lambda i: nn.sigmoid(_x(i)),
        (*extra, *SIGMOID_MISTAKES),
        strict=strict,
    )


register(
    Exercise(
        id="ex02_sigmoid",
        title="An overflow-safe sigmoid",
        obj_name="sigmoid",
        points=2,
        probes=(
            _sigmoid_probe("random x in [-6, 6], shape (N,)", _vector(-6, 6)),
            _sigmoid_probe("a batch of shape (N, D)", _matrix(-5, 5)),
            _sigmoid_probe("x = 0 gives exactly 0.5", _with_zeros),
            _sigmoid_probe(
                "large negative x, down to -1000 (no overflow allowed)",
                _extreme(-1),
                (
                    Mistake(
                        "naive sigmoid overflows at x = -1000",
                        _sigmoid_naive_hint(-1000),
                        raises=FloatingPointOverflow,
                    ),
                ),
            ),
            _sigmoid_probe(
                "large positive x, up to +1000 (no overflow allowed)",
                _extreme(1),
                (
                    Mistake(
                        "exp overflowed at x = +1000",
                        "Under strict checking, exp overflowed at x = +1000. If you "
                        "used np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / "
                        "(1 + np.exp(x))), remember that np.where computes BOTH "
                        "branches on every entry before choosing, so np.exp(x) still "
                        "sees +1000. Compute e = np.exp(-np.abs(x)) once and build "
                        "both branches from e.",
                        raises=FloatingPointOverflow,
                    ),
                ),
            ),
            _sigmoid_probe(
                "-1000, 0, +1000 together",
                _both_extremes,
                (
                    Mistake(
                        "exp overflowed at plus or minus 1000",
                        _sigmoid_naive_hint(
                            "-1000 (or at +1000 if you used np.where with np.exp(x) in a branch)"
                        ),
                        raises=FloatingPointOverflow,
                    ),
                ),
            ),
        ),
    )
)


# ---------------------------------------------------------------- ex02_tanh_derivative

TANH_MISTAKES = (
    Mistake(
        "applied the formula to x instead of tanh(x)",
        "You returned 1 - x**2. The derivative is 1 - t**2 where t = tanh(x) is the OUTPUT "
        "of tanh: compute t = np.tanh(x) first.",
        output=lambda i: 1 - _x(i) ** 2,
    ),
    Mistake(
        "forgot the square",
        "You returned 1 - tanh(x). The derivative is 1 - tanh(x)**2.",
        output=lambda i: 1 - np.tanh(_x(i)),
    ),
    Mistake(
        "returned tanh itself",
        "You returned tanh(x); the exercise asks for its derivative 1 - tanh(x)**2.",
        output=lambda i: np.tanh(_x(i)),
    ),
    Mistake(
        "used the sigmoid's derivative formula",
        "t * (1 - t) is the sigmoid's derivative written with its output. For tanh it is "
        "1 - t**2 with t = tanh(x).",
        output=lambda i: np.tanh(_x(i)) * (1 - np.tanh(_x(i))),
    ),
    Mistake(
        "squared the wrong thing: (1 - tanh(x))**2",
        "Square tanh(x), not 1 - tanh(x): the derivative is 1 - tanh(x)**2.",
        output=lambda i: (1 - np.tanh(_x(i))) ** 2,
    ),
    Mistake(
        "cosh overflows",
        "1 / np.cosh(x)**2 is mathematically right, but np.cosh(1000) overflows to inf. "
        "Use 1 - np.tanh(x)**2: tanh stays in [-1, 1] for every x.",
        raises=FloatingPointOverflow,
    ),
    _flat_mistake("the derivative"),
    Mistake("used math.tanh (not vectorised)", _LOOP_HINT, raises=TypeError),
)


def _tanh_probe(name, inputs):
    return Probe(
        name, inputs, _call_x, lambda i: nn.tanh_derivative(_x(i)), TANH_MISTAKES, strict=True
    )


register(
    Exercise(
        id="ex02_tanh_derivative",
        title="The derivative of tanh",
        obj_name="tanh_derivative",
        probes=(
            _tanh_probe("random x in [-3, 3], shape (N,)", _vector(-3, 3)),
            _tanh_probe("a batch of shape (N, D)", _matrix(-4, 4)),
            _tanh_probe("x = 0 gives exactly 1", _with_zeros),
            _tanh_probe("-1000, 0, +1000 together (no overflow allowed)", _both_extremes),
        ),
    )
)


# ---------------------------------------------------------------- ex02_relu_backward


def _dout_x(shape_fn, zeros=False, extreme=False):
    def make(rng):
        shape = shape_fn(rng)
        x = rng.uniform(-3, 3, size=shape)
        if zeros:
            flat = x.reshape(-1)
            flat[rng.choice(flat.size, size=max(2, flat.size // 4), replace=False)] = 0.0
        if extreme:
            x = x * 400.0
        dout = rng.standard_normal(shape)
        dout[dout == 0] = 0.5
        return {"dout": dout, "x": x}

    return make


def _vec_shape(rng):
    return (int(rng.integers(6, 15)),)


def _mat_shape(rng):
    return (int(rng.integers(3, 7)), int(rng.integers(2, 6)))


def _dout(i):
    return np.asarray(i["dout"], dtype=np.float64)


def _call_dout_x(obj, i):
    return obj(i["dout"], i["x"])


RELU_MISTAKES = (
    Mistake(
        "derivative 1 at x = 0 (used >= instead of >)",
        "At exactly x = 0 this course (like PyTorch, and utils.nn) takes ReLU's derivative "
        "to be 0: the gradient passes only where x > 0. Use (x > 0), not (x >= 0).",
        output=lambda i: _dout(i) * (_x(i) >= 0),
    ),
    Mistake(
        "forgot to multiply by dout",
        "You returned ReLU's local derivative (x > 0). The backward pass returns the "
        "gradient with respect to x: the chain rule multiplies it by the incoming gradient, "
        "dx = dout * (x > 0).",
        output=lambda i: (_x(i) > 0).astype(np.float64),
    ),
    Mistake(
        "multiplied by x instead of (x > 0)",
        "ReLU's derivative is 1 where x > 0 and 0 elsewhere, not x itself (nor relu(x)): "
        "dx = dout * (x > 0).",
        output=lambda i: _dout(i) * np.maximum(_x(i), 0),
    ),
    Mistake(
        "thresholded dout instead of x",
        "Whether the gradient passes depends on the sign of the INPUT x of the forward "
        "pass, not on the sign of dout: dx = dout * (x > 0), and dx may well be negative.",
        output=lambda i: np.maximum(_dout(i), 0),
    ),
    Mistake(
        "returned the forward pass",
        "You returned relu(x). The backward pass returns dx = dout * (x > 0).",
        output=lambda i: np.maximum(_x(i), 0),
    ),
    Mistake(
        "arguments swapped",
        "The signature is relu_backward(dout, x): dout first, then the forward input x. "
        "You used dout where x belongs: dx = dout * (x > 0).",
        output=lambda i: _x(i) * (_dout(i) > 0),
    ),
)


def _relu_probe(name, inputs, strict=False):
    return Probe(
        name,
        inputs,
        _call_dout_x,
        lambda i: nn.relu_backward(_dout(i), _x(i)),
        RELU_MISTAKES,
        strict=strict,
    )


register(
    Exercise(
        id="ex02_relu_backward",
        title="ReLU's backward pass",
        obj_name="relu_backward",
        probes=(
            _relu_probe("random dout and x, shape (N,)", _dout_x(_vec_shape)),
            _relu_probe("a batch of shape (N, D)", _dout_x(_mat_shape)),
            _relu_probe(
                "some x exactly 0 (the gradient does not pass there)",
                _dout_x(_mat_shape, zeros=True),
            ),
            _relu_probe(
                "x up to plus or minus 1200", _dout_x(_vec_shape, extreme=True), strict=True
            ),
        ),
    )
)


# ---------------------------------------------------------------- ex02_leaky_relu


def _alpha_of(i):
    return i.get("alpha", 0.01)


def _call_leaky(obj, i):
    return obj(i["x"]) if "alpha" not in i else obj(i["x"], i["alpha"])


def _with_alpha(make):
    def inputs(rng):
        i = make(rng)
        i["alpha"] = float(rng.uniform(0.05, 0.5))
        return i

    return inputs


def _leaky(x, a):
    return np.where(x > 0, x, a * x)


LEAKY_MISTAKES = (
    Mistake(
        "slope 0.1 instead of 0.01",
        "The default slope of Leaky ReLU is alpha = 0.01 (PyTorch's default too), not 0.1: "
        "write def leaky_relu(x, alpha=0.01).",
        output=lambda i: _leaky(_x(i), 0.1),
    ),
    Mistake(
        "alpha applied to the positive side",
        "The slope alpha is for NEGATIVE inputs: f(x) = x where x > 0, alpha * x where "
        "x <= 0. You scaled the positive side instead.",
        output=lambda i: np.where(_x(i) > 0, _alpha_of(i) * _x(i), _x(i)),
    ),
    Mistake(
        "alpha ignored (slope 0.01 hard-coded)",
        "Use the alpha argument: the check calls leaky_relu(x, alpha) with other slopes than 0.01.",
        output=lambda i: _leaky(_x(i), 0.01),
    ),
    Mistake(
        "returned plain ReLU",
        "You returned max(x, 0): negative inputs must give alpha * x, not 0.",
        output=lambda i: np.maximum(_x(i), 0),
    ),
    Mistake(
        "used alpha instead of alpha * x for negatives",
        "For x <= 0 the output is alpha * x (a line through 0 with slope alpha), not the "
        "constant alpha.",
        output=lambda i: np.where(_x(i) > 0, _x(i), _alpha_of(i)),
    ),
    Mistake(
        "returned the derivative",
        "You returned 1 or alpha (the derivative); return the values x or alpha * x.",
        output=lambda i: np.where(_x(i) > 0, 1.0, _alpha_of(i)),
    ),
    _flat_mistake("Leaky ReLU"),
)


def _leaky_probe(name, inputs, strict=False):
    return Probe(
        name,
        inputs,
        _call_leaky,
        lambda i: nn.leaky_relu(_x(i), _alpha_of(i)),
        LEAKY_MISTAKES,
        strict=strict,
    )


register(
    Exercise(
        id="ex02_leaky_relu",
        title="Leaky ReLU",
        obj_name="leaky_relu",
        probes=(
            _leaky_probe("default slope: leaky_relu(x) on random x", _vector(-5, 5)),
            _leaky_probe(
                "leaky_relu(x, alpha) with a random alpha in [0.05, 0.5]",
                _with_alpha(_vector(-5, 5)),
            ),
            _leaky_probe("a batch of shape (N, D), random alpha", _with_alpha(_matrix(-5, 5))),
            _leaky_probe("-1000, 0, +1000 together, default slope", _both_extremes, strict=True),
        ),
    )
)


# ---------------------------------------------------------------- ex02_prelu_backward


def _prelu_inputs(n_range=(4, 10), zeros=False):
    def make(rng):
        n, d = int(rng.integers(*n_range)), int(rng.integers(2, 6))
        x = rng.standard_normal((n, d))
        x[np.abs(x) < 0.01] = 0.5  # keep clear of the kink for the numerical gradient
        if zeros:
            x[rng.integers(0, n, size=d), np.arange(d)] = 0.0
        return {
            "dout": rng.standard_normal((n, d)),
            "x": x,
            "alpha": rng.uniform(0.05, 0.5, size=d),
        }

    return make


def _prelu_ref(i):
    dx, dalpha = nn.prelu_backward(_dout(i), (_x(i), np.asarray(i["alpha"])))
    return dx, dalpha


def _call_prelu(obj, i):
    return obj(i["dout"], i["x"], i["alpha"])


def _numerical_prelu(i):
    """Gradients of L = sum(dout * prelu(x, alpha)) by central differences (reference forward)."""
    dout, x, alpha = _dout(i), _x(i), np.asarray(i["alpha"], dtype=np.float64)
    dx = nn.numerical_gradient(
        lambda v: float(np.sum(dout * nn.prelu_forward(v, alpha)[0])), x.copy()
    )
    dalpha = nn.numerical_gradient(
        lambda a: float(np.sum(dout * nn.prelu_forward(x, a)[0])), alpha.copy()
    )
    return dx, dalpha


def _prelu_variant(dx_fn, dalpha_fn):
    def output(i):
        dout, x, a = _dout(i), _x(i), np.asarray(i["alpha"])
        return dx_fn(dout, x, a), dalpha_fn(dout, x, a)

    return output


def _good_dx(dout, x, a):
    return np.where(x > 0, dout, a * dout)


def _good_da(dout, x, a):
    return (dout * x * (x <= 0)).sum(axis=0)


PRELU_MISTAKES = (
    Mistake(
        "dalpha not summed over the batch",
        "alpha has shape (D,): one slope per feature, shared by all N rows. Its gradient "
        "adds up the contributions of every row: dalpha = (dout * x * (x <= 0)).sum(axis=0), "
        "shape (D,), not (N, D).",
        output=_prelu_variant(_good_dx, lambda d, x, a: d * x * (x <= 0)),
    ),
    Mistake(
        "dalpha averaged instead of summed",
        "Sum over the batch, do not average: each row's contribution adds to the gradient "
        "(the loss already divided by N where it needed to).",
        output=_prelu_variant(_good_dx, lambda d, x, a: (d * x * (x <= 0)).mean(axis=0)),
    ),
    Mistake(
        "dalpha summed over everything (a scalar)",
        "Sum over the batch only (axis=0): there is one slope per feature, so dalpha has "
        "shape (D,).",
        output=_prelu_variant(_good_dx, lambda d, x, a: np.sum(d * x * (x <= 0))),
    ),
    Mistake(
        "dalpha used the positive side",
        "alpha only acts where x <= 0 (there out = alpha * x, so d out / d alpha = x). "
        "Mask with (x <= 0), not (x > 0).",
        output=_prelu_variant(_good_dx, lambda d, x, a: (d * x * (x > 0)).sum(axis=0)),
    ),
    Mistake(
        "dalpha forgot dout",
        "By the chain rule dalpha = sum over rows of dout * (d out / d alpha) = "
        "(dout * x * (x <= 0)).sum(axis=0); you left out dout.",
        output=_prelu_variant(_good_dx, lambda d, x, a: (x * (x <= 0)).sum(axis=0)),
    ),
    Mistake(
        "dalpha multiplied by alpha instead of x",
        "out = alpha * x on the negative side, so d out / d alpha = x (and d out / d x = "
        "alpha). dalpha = (dout * x * (x <= 0)).sum(axis=0).",
        output=_prelu_variant(_good_dx, lambda d, x, a: (d * a * (x <= 0)).sum(axis=0)),
    ),
    Mistake(
        "dx ignores alpha (ReLU's backward)",
        "For x <= 0 the gradient is alpha * dout, not 0: PReLU lets a little gradient "
        "through on the negative side. dx = np.where(x > 0, dout, alpha * dout).",
        output=_prelu_variant(lambda d, x, a: d * (x > 0), _good_da),
    ),
    Mistake(
        "dx uses alpha on the positive side",
        "dx = dout where x > 0 (slope 1) and alpha * dout where x <= 0; yours is swapped.",
        output=_prelu_variant(lambda d, x, a: np.where(x > 0, a * d, d), _good_da),
    ),
    Mistake(
        "x = 0 treated as positive",
        "At exactly x = 0 the library uses the negative side: dx = alpha * dout (as "
        "leaky_relu's derivative at 0 is alpha). Use (x > 0) for the positive side and "
        "(x <= 0) for the other.",
        output=_prelu_variant(lambda d, x, a: np.where(x >= 0, d, a * d), _good_da),
    ),
    Mistake(
        "returned (dalpha, dx) instead of (dx, dalpha)",
        "Return dx first, then dalpha: `return dx, dalpha`.",
        matches=lambda got, i: (
            isinstance(got, tuple)
            and len(got) == 2
            and np.ndim(got[0]) == 1
            and np.ndim(got[1]) == 2
        ),
    ),
)


def _prelu_probe(name, inputs):
    return Probe(name, inputs, _call_prelu, _prelu_ref, PRELU_MISTAKES)


register(
    Exercise(
        id="ex02_prelu_backward",
        title="PReLU's backward pass, with the gradient of its learnable slope",
        obj_name="prelu_backward",
        points=2,
        outputs=("dx", "dalpha"),
        probes=(
            _prelu_probe("random dout, x and alpha, shape (N, D)", _prelu_inputs()),
            _prelu_probe("a larger batch (N from 20 to 40)", _prelu_inputs((20, 40))),
            _prelu_probe("some x exactly 0", _prelu_inputs(zeros=True)),
            _prelu_probe("a single row (N = 1)", _prelu_inputs((1, 2))),
            Probe(
                "your (dx, dalpha) agree with a numerical gradient (central differences)",
                _prelu_inputs(),
                _call_prelu,
                _numerical_prelu,
                PRELU_MISTAKES,
                rtol=1e-5,
                atol=1e-7,
            ),
        ),
    )
)


# ---------------------------------------------------------------- ex02_elu


def _call_elu(obj, i):
    return obj(i["x"]) if "alpha" not in i else obj(i["x"], i["alpha"])


def _elu_alpha(i):
    return i.get("alpha", 1.0)


def _negative_part(fn):
    return lambda i: np.where(_x(i) > 0, _x(i), fn(np.minimum(_x(i), 0), _elu_alpha(i)))


def _elu_alpha_in(make):
    def inputs(rng):
        i = make(rng)
        i["alpha"] = float(rng.uniform(0.3, 2.0))
        return i

    return inputs


ELU_MISTAKES = (
    Mistake(
        "forgot the -1",
        "For x <= 0, ELU is alpha * (exp(x) - 1), which is 0 at x = 0 and tends to -alpha. "
        "Without the -1 the function jumps at 0 and stays positive.",
        output=_negative_part(lambda n, a: a * np.exp(n)),
    ),
    Mistake(
        "forgot alpha",
        "Multiply the negative side by alpha: alpha * (exp(x) - 1).",
        output=_negative_part(lambda n, a: np.expm1(n)),
    ),
    Mistake(
        "exp(-x) instead of exp(x)",
        "The negative side is alpha * (exp(x) - 1) with exp(+x): for very negative x it "
        "tends to -alpha.",
        output=lambda i: np.where(
            _x(i) > 0, _x(i), _elu_alpha(i) * (np.exp(-np.maximum(_x(i), -700)) - 1)
        ),
    ),
    Mistake(
        "alpha applied to the positive side too",
        "For x > 0, ELU is x itself (slope 1); alpha only scales the negative side.",
        output=lambda i: np.where(
            _x(i) > 0, _elu_alpha(i) * _x(i), _elu_alpha(i) * np.expm1(np.minimum(_x(i), 0))
        ),
    ),
    Mistake(
        "returned ReLU",
        "Negative inputs must give alpha * (exp(x) - 1), not 0.",
        output=lambda i: np.maximum(_x(i), 0),
    ),
    _flat_mistake("ELU"),
)


def _elu_probe(name, inputs, extra=(), strict=True):
    return Probe(
        name,
        inputs,
        _call_elu,
        lambda i: nn.elu(_x(i), _elu_alpha(i)),
        (*extra, *ELU_MISTAKES),
        strict=strict,
    )


register(
    Exercise(
        id="ex02_elu",
        title="ELU, overflow-safe",
        obj_name="elu",
        probes=(
            _elu_probe("default alpha: elu(x) on random x", _vector(-5, 5)),
            _elu_probe(
                "elu(x, alpha) with a random alpha in [0.3, 2]", _elu_alpha_in(_vector(-5, 5))
            ),
            _elu_probe("a batch of shape (N, D), random alpha", _elu_alpha_in(_matrix(-4, 4))),
            _elu_probe(
                "large positive x, up to +1000 (no overflow allowed)",
                _extreme(1),
                (
                    Mistake(
                        "exp evaluated on large positive inputs",
                        "Under strict checking, exp overflowed at x = +1000: np.where "
                        "computes BOTH branches on every entry, so alpha * (np.exp(x) - 1) "
                        "is also evaluated where x is large and positive. Give exp only "
                        "non-positive numbers: np.exp(np.minimum(x, 0)) (or np.expm1).",
                        raises=FloatingPointOverflow,
                    ),
                ),
            ),
            _elu_probe("large negative x, down to -1000 (tends to -alpha)", _extreme(-1)),
        ),
    )
)


# ---------------------------------------------------------------- ex02_softmax

_WORKED = np.array([[3.2, 5.1, -1.7]])


def _scores(n_fn, c_fn, low=-4, high=4):
    def make(rng):
        n, c = n_fn(rng), c_fn(rng)
        return {"scores": rng.uniform(low, high, size=(n, c))}

    return make


def _square(rng):
    k = int(rng.integers(3, 6))
    return {"scores": rng.uniform(-4, 4, size=(k, k))}


def _near(value):
    def make(rng):
        return {"scores": value + rng.uniform(-5, 0, size=(4, 3))}

    return make


def _mixed_scales(rng):
    s = np.stack(
        [
            1000 + rng.uniform(-3, 0, size=4),
            -1000 + rng.uniform(-3, 0, size=4),
            rng.uniform(-3, 3, size=4),
        ]
    )
    return {"scores": s}


def _s(i):
    return np.asarray(i["scores"], dtype=np.float64)


def _exp_rows(i):
    s = _s(i)
    return np.exp(s - s.max(axis=1, keepdims=True))


def _call_softmax(obj, i):
    return obj(i["scores"])


def _columns_normalised(got, i) -> bool:
    # Row-max shifted then divided by the column sums, or a softmax over each column (shifted
    # by the column max, or not at all): every column sums to 1.
    s = _s(i)
    with np.errstate(all="ignore"):
        return same(got, _exp_rows(i) / _exp_rows(i).sum(axis=0, keepdims=True)) or same(
            got, nn.softmax(s.T).T
        )


def _unnormalised(got, i) -> bool:
    if np.shape(got) != _s(i).shape:
        return False
    g = np.asarray(got, dtype=np.float64)
    with np.errstate(all="ignore"):
        return np.allclose(g / g.sum(axis=1, keepdims=True), nn.softmax(_s(i))) and not np.allclose(
            g.sum(axis=1), 1
        )


_NAIVE_HINT = (
    "Under strict checking, exp {what}. Softmax does not change if you subtract the "
    "same number from every score of a row, so subtract each row's maximum first: "
    "z = scores - scores.max(axis=1, keepdims=True); then every exponent is <= 0 and "
    "the largest is exp(0) = 1."
)

SOFTMAX_MISTAKES = (
    Mistake(
        "normalised over the wrong axis (columns)",
        "Each ROW is one sample's scores over the C classes, so each row must sum to 1: "
        "divide by e.sum(axis=1, keepdims=True), not by the column sums (axis=0).",
        matches=_columns_normalised,
    ),
    Mistake(
        "missing keepdims",
        "e.sum(axis=1) has shape (N,), which broadcasts against (N, C) along the LAST axis "
        "(it is divided column by column, and only works by accident when N == C). Use "
        "e.sum(axis=1, keepdims=True), shape (N, 1).",
        output=lambda i: _exp_rows(i) / _exp_rows(i).sum(axis=1)[None, :],
    ),
    Mistake(
        "missing keepdims (shapes do not broadcast)",
        "e.sum(axis=1) has shape (N,), which cannot be divided into (N, C) row by row. "
        "Use e.sum(axis=1, keepdims=True), shape (N, 1) (same for the max).",
        raises=ValueError,
    ),
    Mistake(
        "normalised over the whole batch",
        "Divide each row by its own sum (axis=1, keepdims=True), not by the sum of all "
        "entries: every row must sum to 1.",
        output=lambda i: _exp_rows(i) / _exp_rows(i).sum(),
    ),
    Mistake(
        "forgot to normalise",
        "You returned the exponentials; divide each row by its sum so it sums to 1.",
        matches=_unnormalised,
    ),
    Mistake(
        "forgot to exponentiate",
        "Softmax is exp(scores) / sum(exp(scores)); dividing the scores by their sum gives "
        "negative 'probabilities'.",
        output=lambda i: _s(i) / _s(i).sum(axis=1, keepdims=True),
    ),
)


def _softmax_probe(name, inputs, extra=(), strict=True):
    return Probe(
        name,
        inputs,
        _call_softmax,
        lambda i: nn.softmax(_s(i)),
        (*extra, *SOFTMAX_MISTAKES),
        strict=strict,
    )


register(
    Exercise(
        id="ex02_softmax",
        title="A numerically stable softmax over rows",
        obj_name="softmax",
        points=2,
        probes=(
            _softmax_probe(
                "the worked example: cat 3.2, car 5.1, frog -1.7 (one row)",
                lambda rng: {"scores": _WORKED.copy()},
            ),
            _softmax_probe(
                "random scores, N rows and C classes (N != C)",
                _scores(lambda r: int(r.integers(5, 9)), lambda r: int(r.integers(2, 5))),
            ),
            _softmax_probe("a square batch (N == C)", _square),
            _softmax_probe(
                "scores around +1000 (no overflow allowed)",
                _near(1000.0),
                (
                    Mistake(
                        "naive softmax overflows at scores around 1000",
                        _NAIVE_HINT.format(what="overflowed: exp(1000) = inf"),
                        raises=FloatingPointOverflow,
                    ),
                ),
            ),
            _softmax_probe(
                "scores around -1000 (no 0/0 allowed)",
                _near(-1000.0),
                (
                    Mistake(
                        "naive softmax divides 0 by 0 at scores around -1000",
                        _NAIVE_HINT.format(
                            what="underflowed: exp(-1000) = 0 for every class, and 0 / 0 is NaN"
                        ),
                        raises=FloatingPointInvalid,
                    ),
                ),
            ),
            _softmax_probe(
                "one row near +1000, one near -1000, one moderate",
                _mixed_scales,
                (
                    Mistake(
                        "naive softmax overflows at scores around 1000",
                        _NAIVE_HINT.format(what="overflowed: exp(1000) = inf"),
                        raises=FloatingPointOverflow,
                    ),
                    Mistake(
                        "subtracted the global max instead of each row's max",
                        "Subtracting scores.max() (one number for the whole batch) "
                        "leaves a row near -1000 at exp(-2000) = 0 everywhere, and "
                        "0 / 0. Subtract each row's own maximum: "
                        "scores.max(axis=1, keepdims=True).",
                        raises=FloatingPointInvalid,
                    ),
                ),
            ),
        ),
    )
)
