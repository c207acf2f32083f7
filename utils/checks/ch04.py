"""Checks of chapter 04 (Gradient descent and mini-batches).

Exercises: ``ex04_numerical_gradient``, ``ex04_gd_step``, ``ex04_logistic_gradient``,
``ex04_minibatch_indices``, ``ex04_train_logistic``.

Expected values come from :mod:`utils.nn` (``numerical_gradient``,
``binary_cross_entropy_with_logits``, ``sigmoid``) and :mod:`utils.data`
(``minibatch_indices``). The library has no logistic-regression gradient and no training
loop for it, so :func:`_logistic_gradient` and :func:`_train_logistic` below are the
references (built only from those library functions). The mistakes are the wrong versions
students write most often, recomputed here so the hint can name them.

``ex04_logistic_gradient`` is compared with the reference gradient *and*, in one probe, with
central differences of the mean binary cross-entropy (``utils.nn.numerical_gradient``), so a
formula that disagrees with the loss it claims to differentiate fails by name.
"""

from __future__ import annotations

import numpy as np

from utils import nn
from utils.checks import Exercise, Mistake, Probe, register
from utils.data import minibatch_indices as _ref_minibatch_indices

# ---------------------------------------------------------------- ex04_numerical_gradient
# The function differentiated is built inside the probe from plain numbers, so the grader
# can regenerate it in the child process: f(x) = sum(a x^3 + c x^2) + d (sum x)^2.
# The coupling term d (sum x)^2 makes a forgotten restore of x change later entries.


def _cubic(i: dict):
    a, c, d = np.asarray(i["a"]), np.asarray(i["c"]), float(i["d"])

    def f(x):
        return float(np.sum(a * x**3 + c * x**2) + d * np.sum(x) ** 2)

    return f


def _numgrad_inputs(shape, h):
    def make(rng):
        return {
            "x": rng.uniform(-2, 2, size=shape),
            "a": rng.uniform(0.5, 2, size=shape),
            "c": rng.uniform(-1, 1, size=shape),
            "d": float(rng.uniform(0.5, 1.5)),
            "h": h,
        }

    return make


def _call_numgrad(obj, i):
    x = np.array(i["x"], dtype=np.float64)
    grad = obj(_cubic(i), x, i["h"])
    return np.asarray(grad), x  # x as the student left it


def _expected_numgrad(i):
    x = np.array(i["x"], dtype=np.float64)
    return nn.numerical_gradient(_cubic(i), x, h=i["h"]), np.array(i["x"], dtype=np.float64)


def _forward_difference(i, h=None):
    f, x = _cubic(i), np.array(i["x"], dtype=np.float64)
    h = i["h"] if h is None else h
    grad = np.zeros_like(x)
    f0 = f(x)
    for k in np.ndindex(x.shape):
        old = x[k]
        x[k] = old + h
        grad[k] = (f(x) - f0) / h
        x[k] = old
    return grad, np.array(i["x"], dtype=np.float64)


def _central_scaled(factor, h=None):
    def output(i):
        x = np.array(i["x"], dtype=np.float64)
        step = i["h"] if h is None else h
        return factor * nn.numerical_gradient(_cubic(i), x, h=step), np.array(i["x"])

    return output


def _x_changed(got, i) -> bool:
    return (
        isinstance(got, tuple)
        and len(got) == 2
        and np.shape(got[1]) == np.shape(i["x"])
        and not np.allclose(got[1], i["x"])
    )


NUMGRAD_MISTAKES = (
    Mistake(
        "forgot to restore x",
        "After computing entry i, put x[i] back to its original value (save `old = x[i]` "
        "first, and set `x[i] = old` at the end). Otherwise every later entry is computed "
        "at a shifted point, and the caller's x is left changed.",
        matches=_x_changed,
    ),
    Mistake(
        "forward difference (f(x+h) - f(x)) / h",
        "That is the one-sided (forward) difference: its error shrinks like h, not h^2. "
        "Use central differences: (f(x + h e_i) - f(x - h e_i)) / (2 h).",
        output=_forward_difference,
    ),
    Mistake(
        "divided by h instead of 2h",
        "The two points x + h and x - h are 2h apart: divide by 2 * h. Your gradient is "
        "exactly twice the right one.",
        output=_central_scaled(2.0),
    ),
    Mistake(
        "ignored the h argument",
        "Use the step h passed to the function (here it is not 1e-5).",
        output=_central_scaled(1.0, h=1e-5),
    ),
    Mistake(
        "gradient has the wrong sign",
        "The slope is (f(x + h) - f(x - h)) / (2h): the value at x + h comes first.",
        output=_central_scaled(-1.0),
    ),
)


def _count_inputs(shape):
    def make(rng):
        return {**_numgrad_inputs(shape, 1e-4)(rng)}

    return make


def _call_count(obj, i):
    calls = []
    f = _cubic(i)

    def counted(x):
        calls.append(1)
        return f(x)

    obj(counted, np.array(i["x"], dtype=np.float64), i["h"])
    return len(calls)


COUNT_MISTAKES = (
    Mistake(
        "forward difference (f(x+h) - f(x)) / h",
        "You evaluated f once per entry plus once at x: that is the forward difference. "
        "Central differences evaluate f at x + h e_i and x - h e_i: two calls per entry.",
        matches=lambda got, i: got == np.size(i["x"]) + 1,
    ),
    Mistake(
        "called f more than twice per entry",
        "Central differences need exactly two evaluations of f per entry of x "
        "(at x + h e_i and at x - h e_i); each call is a full forward pass, so extra calls "
        "cost a lot on a real network. Store f(x + h e_i) in a variable instead of "
        "calling f again.",
        matches=lambda got, i: isinstance(got, int) and got > 2 * np.size(i["x"]),
    ),
)


def _numgrad_probe(name, shape, h):
    return Probe(
        name,
        _numgrad_inputs(shape, h),
        _call_numgrad,
        _expected_numgrad,
        NUMGRAD_MISTAKES,
        rtol=1e-6,
        atol=1e-9,
    )


register(
    Exercise(
        id="ex04_numerical_gradient",
        title="Numerical gradient by central differences",
        obj_name="numerical_gradient",
        points=2,
        outputs=("grad", "x after the call"),
        probes=(
            _numgrad_probe("x of shape (5,), h = 1e-3", (5,), 1e-3),
            _numgrad_probe("x of shape (1,), h = 1e-2", (1,), 1e-2),
            _numgrad_probe("x of shape (3, 4) (a weight matrix), h = 1e-3", (3, 4), 1e-3),
            _numgrad_probe("x of shape (8,), h = 1e-2", (8,), 1e-2),
            Probe(
                "number of calls to f for x of shape (2, 3): two per entry",
                _count_inputs((2, 3)),
                _call_count,
                lambda i: 2 * int(np.size(i["x"])),
                COUNT_MISTAKES,
                outputs="the number of calls to f",
            ),
        ),
    )
)


# ---------------------------------------------------------------- ex04_gd_step


def _step_inputs(shape, lr=None):
    def make(rng):
        rate = float(rng.uniform(0.01, 0.5)) if lr is None else lr
        return {"w": rng.standard_normal(shape), "grad": rng.standard_normal(shape), "lr": rate}

    return make


def _call_step(obj, i):
    out = obj(i["w"], i["grad"], i["lr"])
    return None if out is None else np.asarray(out, dtype=np.float64)


def _step_variant(fn):
    return lambda i: fn(np.asarray(i["w"]), np.asarray(i["grad"]), i["lr"])


STEP_MISTAKES = (
    Mistake(
        "returned nothing (updated w in place?)",
        "Return the new weights: `return w - lr * grad`.",
        matches=lambda got, i: got is None,
    ),
    Mistake(
        "moved uphill (w + lr * grad)",
        "The gradient points uphill, towards larger loss. Step against it: "
        "w - lr * grad, with a minus sign.",
        output=_step_variant(lambda w, g, lr: w + lr * g),
    ),
    Mistake(
        "forgot the learning rate",
        "Scale the gradient by the learning rate: w - lr * grad, not w - grad.",
        output=_step_variant(lambda w, g, lr: w - g),
    ),
    Mistake(
        "divided by the learning rate",
        "Multiply the gradient by lr: w - lr * grad (a small lr must mean a small step).",
        output=_step_variant(lambda w, g, lr: w - g / lr),
    ),
    Mistake(
        "subtracted lr without the gradient",
        "The step is lr times the gradient: w - lr * grad.",
        output=_step_variant(lambda w, g, lr: w - lr),
    ),
)


def _descent_inputs(rng):
    c = rng.uniform(0.5, 2.0, size=4)
    return {
        "w": rng.uniform(-3, 3, size=4),
        "c": c,
        "lr": float(rng.uniform(0.05, 0.4)),
        "steps": 25,
    }


def _call_descent(obj, i):
    w, c = np.array(i["w"], dtype=np.float64), np.asarray(i["c"])
    for _ in range(i["steps"]):
        w = obj(w, c * w, i["lr"])  # gradient of sum(c w^2 / 2)
        if w is None:
            return None
        w = np.asarray(w, dtype=np.float64)
    return w


def _descent_variant(sign, use_lr=True):
    def output(i):
        w, c = np.array(i["w"], dtype=np.float64), np.asarray(i["c"])
        for _ in range(i["steps"]):
            w = w + sign * (i["lr"] if use_lr else 1.0) * (c * w)
        return w

    return output


DESCENT_MISTAKES = (
    STEP_MISTAKES[0],
    Mistake(
        "moved uphill (w + lr * grad)",
        "25 of your steps on the bowl sum(c w^2 / 2) moved away from its minimum at 0: "
        "the gradient points uphill, so subtract it: w - lr * grad.",
        output=_descent_variant(+1.0),
    ),
    Mistake(
        "forgot the learning rate",
        "Scale the gradient by lr: w - lr * grad.",
        output=_descent_variant(-1.0, use_lr=False),
    ),
)


register(
    Exercise(
        id="ex04_gd_step",
        title="One gradient-descent step",
        obj_name="gd_step",
        points=1,
        probes=(
            Probe(
                "a weight vector of shape (4,)",
                _step_inputs((4,)),
                _call_step,
                _step_variant(lambda w, g, lr: w - lr * g),
                STEP_MISTAKES,
            ),
            Probe(
                "a weight matrix of shape (3, 2)",
                _step_inputs((3, 2)),
                _call_step,
                _step_variant(lambda w, g, lr: w - lr * g),
                STEP_MISTAKES,
            ),
            Probe(
                "lr = 1 (a plain step against the gradient)",
                _step_inputs((5,), 1.0),
                _call_step,
                _step_variant(lambda w, g, lr: w - lr * g),
                STEP_MISTAKES[:2],
            ),
            Probe(
                "25 steps on the bowl sum(c w^2 / 2)",
                _descent_inputs,
                _call_descent,
                _descent_variant(-1.0),
                DESCENT_MISTAKES,
            ),
        ),
    )
)


# ---------------------------------------------------------------- ex04_logistic_gradient


def _logistic_gradient(X, y, w, b):
    """Reference: gradient of the mean BCE of ``sigmoid(X @ w + b)`` w.r.t. ``w`` and ``b``.

    X (N, D), y (N,) of 0/1, w (D,), b float -> (dw (D,), db float).
    """
    X = np.asarray(X, dtype=np.float64)
    _, dz = nn.binary_cross_entropy_with_logits(
        X @ np.asarray(w, dtype=np.float64) + b, np.asarray(y, dtype=np.float64)
    )
    return X.T @ dz, float(np.sum(dz))


def _mean_bce(X, y, w, b) -> float:
    return nn.binary_cross_entropy_with_logits(np.asarray(X) @ w + b, np.asarray(y, float))[0]


def _grad_inputs(n, d, scale=1.0):
    def make(rng):
        X = rng.standard_normal((n, d))
        return {
            "X": X,
            "y": rng.integers(0, 2, size=n).astype(np.int64),
            "w": scale * rng.standard_normal(d),
            "b": float(rng.uniform(-1, 1)),
        }

    return make


def _extreme_inputs(rng):
    n, d = 6, 3
    X = rng.standard_normal((n, d))
    X[0], X[1] = 0.0, 0.0
    X[0, 0], X[1, 0] = 1.0, -1.0
    w = np.zeros(d)
    w[0] = 1000.0  # logits near +1000 and -1000
    y = rng.integers(0, 2, size=n).astype(np.int64)
    y[0], y[1] = 0, 1  # the worst cases: confident and wrong
    return {"X": X, "y": y, "w": w, "b": 0.0}


def _call_grad(obj, i):
    out = obj(i["X"], i["y"], i["w"], i["b"])
    if not isinstance(out, tuple | list) or len(out) != 2:
        return out
    dw, db = out
    db = np.asarray(db, dtype=np.float64)
    return np.asarray(dw, dtype=np.float64), (db.item() if db.size == 1 else db)


def _expected_grad(i):
    return _logistic_gradient(i["X"], i["y"], i["w"], i["b"])


def _numeric_grad(i):
    X, y = np.asarray(i["X"]), np.asarray(i["y"])
    w, b = np.array(i["w"], dtype=np.float64), np.array([i["b"]], dtype=np.float64)
    dw = nn.numerical_gradient(lambda v: _mean_bce(X, y, v, b[0]), w)
    db = nn.numerical_gradient(lambda v: _mean_bce(X, y, w, v[0]), b)
    return dw, float(db[0])


def _grad_variant(kind):
    def output(i):
        X, y = np.asarray(i["X"], dtype=np.float64), np.asarray(i["y"], dtype=np.float64)
        n = X.shape[0]
        z = X @ i["w"] + i["b"]
        r = nn.sigmoid(z) - y
        if kind == "sum":
            return X.T @ r, float(r.sum())
        if kind == "sign":
            return -(X.T @ r) / n, -float(r.sum()) / n
        if kind == "no_sigmoid":
            return X.T @ (z - y) / n, float(np.sum(z - y)) / n
        if kind == "transposed":
            return X @ r / n, float(r.sum()) / n
        raise ValueError(kind)

    return output


GRAD_MISTAKES = (
    Mistake(
        "not a pair (dw, db)",
        "Return two things: `return dw, db`, dw of shape (D,) and db a float.",
        matches=lambda got, i: not isinstance(got, tuple) or len(got) != 2,
    ),
    Mistake(
        "forgot to divide by N",
        "The loss is the *mean* over the N rows, so its gradient is X.T @ (p - y) / N "
        "and db = sum(p - y) / N. Yours is N times too large.",
        output=_grad_variant("sum"),
    ),
    Mistake(
        "sign flipped (y - p instead of p - y)",
        "dL/dz = p - y (prediction minus target): with y - p your gradient points downhill "
        "and gradient descent would climb the loss.",
        output=_grad_variant("sign"),
    ),
    Mistake(
        "transposed (X @ (p - y) instead of X.T @ (p - y))",
        "X has shape (N, D) and p - y shape (N,): the gradient w.r.t. w (shape (D,)) is "
        "X.T @ (p - y) / N. X @ (p - y) only runs when N == D, and is wrong then too.",
        output=_grad_variant("transposed"),
    ),
    Mistake(
        "transposed (X @ (p - y) instead of X.T @ (p - y))",
        "X has shape (N, D) and p - y shape (N,): the gradient w.r.t. w (shape (D,)) is "
        "X.T @ (p - y) / N.",
        raises=ValueError,
    ),
    Mistake(
        "forgot the sigmoid (used z - y)",
        "p is the probability sigmoid(z), z = X @ w + b. The gradient uses p - y, not z - y.",
        output=_grad_variant("no_sigmoid"),
    ),
    Mistake(
        "db not summed over the batch",
        "b is one number shared by all rows, so db is one number: sum (p - y) over the "
        "rows, divided by N.",
        matches=lambda got, i: (
            isinstance(got, tuple) and len(got) == 2 and np.shape(got[1]) == (np.shape(i["X"])[0],)
        ),
    ),
    Mistake(
        "naive sigmoid overflows",
        "1 / (1 + np.exp(-z)) overflows for z around -1000 (exp(1000) is inf). Use the "
        "overflow-safe `sigmoid` imported in the setup cell.",
        raises=FloatingPointError,
    ),
)


def _grad_probe(name, inputs, *, strict=False, expected=_expected_grad, rtol=1e-7, atol=1e-10):
    call = _call_grad if strict else _call_grad
    return Probe(name, inputs, call, expected, GRAD_MISTAKES, rtol=rtol, atol=atol, strict=strict)


register(
    Exercise(
        id="ex04_logistic_gradient",
        title="Gradient of the logistic-regression loss",
        obj_name="logistic_gradient",
        points=2,
        outputs=("dw", "db"),
        probes=(
            _grad_probe("N = 12 rows, D = 3 features", _grad_inputs(12, 3)),
            _grad_probe("N = D = 4 (a square X)", _grad_inputs(4, 4)),
            _grad_probe("a single row (N = 1), D = 5", _grad_inputs(1, 5)),
            _grad_probe(
                "agrees with central differences of the mean BCE (N = 20, D = 2)",
                _grad_inputs(20, 2),
                expected=_numeric_grad,
                rtol=1e-5,
                atol=1e-8,
            ),
            _grad_probe(
                "logits of +-1000 (confident and wrong), no overflow allowed",
                _extreme_inputs,
                strict=True,
            ),
        ),
    )
)


# ---------------------------------------------------------------- ex04_minibatch_indices


def _epoch_summary(first, second, replay, n):
    """What the checks compare for one iterator: plain numbers, named by property."""
    first = [np.asarray(b).ravel() for b in first]
    second = [np.asarray(b).ravel() for b in second]
    replay = [np.asarray(b).ravel() for b in replay]
    order = np.concatenate(first) if first else np.array([], dtype=np.int64)
    order2 = np.concatenate(second) if second else np.array([], dtype=np.int64)
    order3 = np.concatenate(replay) if replay else np.array([], dtype=np.int64)
    return {
        "number of batches": len(first),
        "batch sizes": np.array([b.size for b in first], dtype=np.int64),
        "every index exactly once": bool(
            order.size == n and np.array_equal(np.sort(order), np.arange(n))
        ),
        "shuffled": bool(not np.array_equal(order, np.arange(order.size))),
        "a new order at the next call": bool(not np.array_equal(order, order2)),
        "same rng seed gives the same batches": bool(np.array_equal(order, order3)),
        "order (from rng.permutation(n))": order.astype(np.int64),
    }


def _batches_inputs(n, batch_size):
    def make(rng):
        return {"n": n, "batch_size": batch_size, "seed": int(rng.integers(0, 2**31))}

    return make


def _random_batches_inputs(rng):
    batch_size = int(rng.integers(3, 9))
    n = batch_size * int(rng.integers(3, 7)) + int(rng.integers(1, batch_size))
    return {"n": n, "batch_size": batch_size, "seed": int(rng.integers(0, 2**31))}


def _run_twice(fn, i):
    rng = np.random.default_rng(i["seed"])
    first = list(fn(i["n"], i["batch_size"], rng))
    second = list(fn(i["n"], i["batch_size"], rng))
    replay = list(fn(i["n"], i["batch_size"], np.random.default_rng(i["seed"])))
    return first, second, replay


def _call_batches(obj, i):
    return _epoch_summary(*_run_twice(obj, i), i["n"])


def _reference_batches(n, batch_size, rng):
    return list(_ref_minibatch_indices(n, batch_size, rng=rng))


def _expected_batches(i):
    return _epoch_summary(*_run_twice(_reference_batches, i), i["n"])


def _dropped_last(got, i) -> bool:
    n, bs = i["n"], i["batch_size"]
    sizes = np.asarray(got["batch sizes"])
    return n % bs != 0 and sizes.sum() == n - n % bs and np.all(sizes == bs)


def _prop(got, key, value) -> bool:
    return bool(got[key]) == value


BATCH_MISTAKES = (
    Mistake(
        "dropped the last partial batch",
        "When n is not a multiple of batch_size, the last n % batch_size indices form a "
        "smaller final batch; keep it, or those samples are never trained on this epoch. "
        "`range(0, n, batch_size)` for the starts and `order[start:start + batch_size]` "
        "handle it.",
        matches=_dropped_last,
    ),
    Mistake(
        "repeated samples (sampling with replacement)",
        "Every index 0..n-1 must appear exactly once per epoch. rng.integers or "
        "rng.choice(n, n) draw with replacement, so some samples come twice and others "
        "never: shuffle a permutation instead, `order = rng.permutation(n)`, then cut it "
        "into consecutive slices.",
        matches=lambda got, i: (
            int(np.sum(got["batch sizes"])) == i["n"]
            and _prop(got, "every index exactly once", False)
        ),
    ),
    Mistake(
        "not shuffled",
        "Your batches are 0, 1, 2, ... in order. Shuffle every epoch: "
        "`order = rng.permutation(n)`, then slice `order`, not `np.arange(n)`.",
        matches=lambda got, i: _prop(got, "shuffled", False) and i["n"] > 2,
    ),
    Mistake(
        "same order every epoch",
        "Two calls with the same rng must give two different orders (the rng moves on). "
        "Do not create a new generator inside the function (e.g. np.random.default_rng(0)) "
        "and do not cache the permutation: draw `rng.permutation(n)` on every call.",
        matches=lambda got, i: (
            _prop(got, "shuffled", True) and _prop(got, "a new order at the next call", False)
        ),
    ),
    Mistake(
        "ignored the rng argument",
        "Use the generator passed in, `rng.permutation(n)`, not np.random.permutation: "
        "with the global state, the same seed does not give the same batches.",
        matches=lambda got, i: _prop(got, "same rng seed gives the same batches", False),
    ),
    Mistake(
        "shuffled with something other than rng.permutation(n)",
        "Your batches are a valid shuffle, but not the one `rng.permutation(n)` draws; "
        "the training loop of Exercise 5 must reproduce the reference run for the same "
        "rng, so draw the order with `order = rng.permutation(n)` (once per call).",
        matches=lambda got, i: (
            _prop(got, "every index exactly once", True) and _prop(got, "shuffled", True)
        ),
    ),
)


def _batches_probe(name, inputs):
    return Probe(name, inputs, _call_batches, _expected_batches, BATCH_MISTAKES)


register(
    Exercise(
        id="ex04_minibatch_indices",
        title="A shuffled mini-batch iterator",
        obj_name="minibatch_indices",
        points=2,
        probes=(
            _batches_probe(
                "n = 1000, batch_size = 100 (10 full batches)", _batches_inputs(1000, 100)
            ),
            _batches_probe("n = 23, batch_size = 5 (a last batch of 3)", _batches_inputs(23, 5)),
            _batches_probe("random n and batch_size, n not a multiple", _random_batches_inputs),
            _batches_probe("batch_size = 1 (stochastic), n = 7", _batches_inputs(7, 1)),
            _batches_probe(
                "batch_size larger than n (one batch of everything)", _batches_inputs(6, 10)
            ),
        ),
    )
)


# ---------------------------------------------------------------- ex04_train_logistic


def _train_logistic(X, y, *, lr, epochs, batch_size, rng, variant=None):
    """Reference mini-batch gradient descent for logistic regression, and its wrong variants.

    Start at w = 0, b = 0. Each epoch: ``rng.permutation(N)`` cut into consecutive batches
    (last partial batch kept); per batch ``w -= lr * dw``, ``b -= lr * db`` with the mean-BCE
    gradient on that batch; after the epoch, record the mean BCE on all of (X, y).
    Returns ``(w (D,), b float, losses (epochs,))``.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    losses = []
    fixed = rng.permutation(n) if variant == "shuffle_once" else None
    for _ in range(epochs):
        if variant == "no_shuffle":
            batches = list(_ref_minibatch_indices(n, batch_size, rng=None, shuffle=False))
        elif variant == "shuffle_once":
            batches = [fixed[s : s + batch_size] for s in range(0, n, batch_size)]
        else:
            batches = list(_ref_minibatch_indices(n, batch_size, rng=rng))
        if variant == "drop_last" and n % batch_size and len(batches) > 1:
            batches = batches[:-1]
        if variant == "full_batch_gd":
            batches = [np.arange(n)]
        before = _mean_bce(X, y, w, b)
        dw = db = None
        for idx in batches:
            rows = np.arange(n) if variant == "full_every_step" else idx
            dw, db = _logistic_gradient(X[rows], y[rows], w, b)
            if variant == "sum_gradient":
                dw, db = dw * len(rows), db * len(rows)
            if variant != "update_after_loop":
                w, b = w - lr * dw, b - lr * db
        if variant == "update_after_loop":
            w, b = w - lr * dw, b - lr * db
        if variant == "loss_before":
            losses.append(before)
        elif variant == "loss_last_batch":
            losses.append(_mean_bce(X[batches[-1]], y[batches[-1]], w, b))
        else:
            losses.append(_mean_bce(X, y, w, b))
    return w, float(b), np.array(losses)


def _train_inputs(n, d, batch_size, epochs):
    def make(rng):
        centers = rng.standard_normal((2, d)) * 1.2
        y = rng.integers(0, 2, size=n).astype(np.int64)
        X = centers[y] + rng.standard_normal((n, d))
        return {
            "X": X,
            "y": y,
            "lr": float(rng.uniform(0.05, 0.5)),
            "epochs": epochs,
            "batch_size": batch_size,
            "seed": int(rng.integers(0, 2**31)),
        }

    return make


def _call_train(obj, i):
    out = obj(
        i["X"],
        i["y"],
        lr=i["lr"],
        epochs=i["epochs"],
        batch_size=i["batch_size"],
        rng=np.random.default_rng(i["seed"]),
    )
    if not isinstance(out, tuple | list) or len(out) != 3:
        return out
    w, b, losses = out
    return (
        np.asarray(w, dtype=np.float64),
        float(np.asarray(b).reshape(())),
        np.asarray(losses, dtype=np.float64),
    )


def _train_variant(variant=None):
    def output(i):
        return _train_logistic(
            i["X"],
            i["y"],
            lr=i["lr"],
            epochs=i["epochs"],
            batch_size=i["batch_size"],
            rng=np.random.default_rng(i["seed"]),
            variant=variant,
        )

    return output


TRAIN_MISTAKES = (
    Mistake(
        "not a triple (w, b, losses)",
        "Return three things: `return w, b, np.array(losses)`.",
        matches=lambda got, i: not isinstance(got, tuple) or len(got) != 3,
    ),
    Mistake(
        "no shuffling",
        "Your run matches batches taken in the order 0, 1, 2, ... every epoch. At the start "
        "of each epoch draw `order = rng.permutation(N)` (or use your "
        "`minibatch_indices(N, batch_size, rng)`) and take the batches from it.",
        output=_train_variant("no_shuffle"),
    ),
    Mistake(
        "shuffled once, not every epoch",
        "You drew one permutation before the epoch loop and reused it. Draw a fresh "
        "`rng.permutation(N)` at the start of every epoch.",
        output=_train_variant("shuffle_once"),
    ),
    Mistake(
        "one update per epoch (the update is outside the mini-batch loop)",
        "Your weights change once per epoch, with the last batch's gradient. The update "
        "`w = w - lr * dw; b = b - lr * db` belongs inside the loop over mini-batches: "
        "one update per batch.",
        output=_train_variant("update_after_loop"),
    ),
    Mistake(
        "used the full batch (one step on all N samples per epoch)",
        "That is batch gradient descent. Cut the shuffled order into mini-batches of "
        "batch_size rows and take one step per mini-batch, with the gradient of that "
        "mini-batch only.",
        output=_train_variant("full_batch_gd"),
    ),
    Mistake(
        "used the full batch at every update (X instead of X[idx])",
        "Each update must use only the current mini-batch: "
        "`logistic_gradient(X[idx], y[idx], w, b)`, not the whole X.",
        output=_train_variant("full_every_step"),
    ),
    Mistake(
        "dropped the last partial batch",
        "Keep the last, smaller batch when N is not a multiple of batch_size.",
        output=_train_variant("drop_last"),
    ),
    Mistake(
        "summed the gradient over the batch instead of averaging",
        "The gradient of the mean loss divides by the batch size: X_b.T @ (p - y_b) / B.",
        output=_train_variant("sum_gradient"),
    ),
    Mistake(
        "loss recorded before the epoch's updates",
        "Record the loss after the epoch's last update, so losses[-1] is the loss of the "
        "weights you return.",
        output=_train_variant("loss_before"),
    ),
    Mistake(
        "loss recorded on the last mini-batch only",
        "Record the mean loss on the whole training set (X, y) after each epoch, "
        "not on the last batch.",
        output=_train_variant("loss_last_batch"),
    ),
)


def _train_probe(name, inputs):
    return Probe(name, inputs, _call_train, _train_variant(), TRAIN_MISTAKES, rtol=1e-6, atol=1e-9)


register(
    Exercise(
        id="ex04_train_logistic",
        title="Training logistic regression with mini-batches",
        obj_name="train_logistic",
        points=3,
        outputs=("w", "b", "losses"),
        probes=(
            _train_probe(
                "N = 50, D = 2, batch_size = 8 (last batch of 2), 6 epochs",
                _train_inputs(50, 2, 8, 6),
            ),
            _train_probe("N = 40, D = 3, batch_size = 10, 5 epochs", _train_inputs(40, 3, 10, 5)),
            _train_probe(
                "batch_size = 1 (stochastic), N = 15, 3 epochs", _train_inputs(15, 2, 1, 3)
            ),
            _train_probe(
                "batch_size = N (full batch), N = 30, 8 epochs", _train_inputs(30, 2, 30, 8)
            ),
        ),
    )
)
