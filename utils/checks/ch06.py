"""Checks of chapter 06 (Optimizers).

Exercises: ``ex06_sgd_update``, ``ex06_momentum_update``, ``ex06_adagrad_update``,
``ex06_rmsprop_update``, ``ex06_adam_update``: the functional updates of
:mod:`utils.nn`, ``update(w, dw, state, **hyper) -> (w_new, state)``.

Every probe runs the student's update for several steps (5 to 8), feeding back the state
it returned, on a random sequence of gradients (or on the gradients of a bowl, so a wrong
step changes the next gradient), and compares the whole sequence of points with the one
:mod:`utils.nn` produces. So mistakes that only show from the second step on (a velocity
or a sum not stored, a step counter that never moves) fail by name. Only the points are
compared, not the state's keys: any state layout that gives the same steps passes (for
instance momentum written as ``v = beta v + lr dw; w - v``).

The probe also records whether the student's function changed the array ``w`` it was
given (``w -= ...``): the course's updates never modify their inputs.
"""

from __future__ import annotations

import numpy as np

from utils import nn
from utils.checks import (
    Exercise,
    FloatingPointDivide,
    FloatingPointInvalid,
    Mistake,
    Probe,
    compare,
    register,
)

# ---------------------------------------------------------------- running several steps


def _gradient_inputs(shape, steps, hyper, scale=1.0, zero_first=False):
    """Random start, a random gradient sequence (steps, *shape), and hyperparameters."""

    def make(rng):
        dws = scale * rng.standard_normal((steps, *shape))
        if zero_first:
            dws[0].flat[0] = 0.0  # a gradient exactly 0 at the first step: 0 / 0 without eps
        return {
            "w0": rng.standard_normal(shape),
            "dws": dws,
            **{k: (float(v(rng)) if callable(v) else v) for k, v in hyper.items()},
        }

    return make


def _bowl_inputs(steps, hyper):
    """A bowl sum(c w^2 / 2): the gradient c * w depends on where the last step landed."""

    def make(rng):
        return {
            "w0": rng.uniform(-3, 3, size=4),
            "c": rng.uniform(0.2, 3.0, size=4),
            "steps": steps,
            **{k: (float(v(rng)) if callable(v) else v) for k, v in hyper.items()},
        }

    return make


def _grads(i, w, k):
    return np.asarray(i["c"]) * w if "c" in i else np.array(i["dws"][k], dtype=np.float64)


def _n_steps(i):
    return int(i["steps"]) if "c" in i else len(i["dws"])


def _caller(hyper_names):
    def call(obj, i):
        hyper = {k: i[k] for k in hyper_names}
        w, state, points, in_place = np.array(i["w0"], dtype=np.float64), {}, [], False
        for k in range(_n_steps(i)):
            before = w.copy()
            out = obj(w, _grads(i, w, k), state, **hyper)
            if out is None:
                return None
            if not isinstance(out, tuple | list) or len(out) != 2:
                return f"returned {type(out).__name__}, not a pair (w_new, state)"
            in_place = in_place or not np.array_equal(w, before)
            w, state = np.array(out[0], dtype=np.float64), out[1]
            if w.shape != before.shape:
                return (
                    f"returned w_new of shape {w.shape} at step {k + 1}; "
                    f"expected the shape of w, {before.shape}"
                )
            points.append(w.reshape(-1))  # one row per step (compact failure messages)
        return np.array(points), in_place

    return call


def _run(update, hyper_names):
    """What ``update`` (reference or mistaken, same signature) gives on a probe's inputs."""

    def output(i):
        hyper = {k: i[k] for k in hyper_names}
        w, state, points = np.array(i["w0"], dtype=np.float64), {}, []
        for k in range(_n_steps(i)):
            w, state = update(w, _grads(i, w, k), state, **hyper)
            points.append(np.array(w, dtype=np.float64).reshape(-1))
        return np.array(points), False

    return output


COMMON_MISTAKES = (
    Mistake(
        "returned nothing",
        "Return the pair `(w_new, state)`: the new point and the dict the next call needs.",
        matches=lambda got, i: got is None,
    ),
    Mistake(
        "did not return a pair (w_new, state)",
        "Return both the new point and the state: `return w_new, state`. The caller passes "
        "that state back in at the next step.",
        matches=lambda got, i: isinstance(got, str) and "not a pair" in got,
    ),
    Mistake(
        "w_new has the wrong shape",
        "The new point must have the shape of w (the update is elementwise: no sums, "
        "no transposes).",
        matches=lambda got, i: isinstance(got, str) and "shape" in got,
    ),
    Mistake(
        "modified w in place",
        "Your function changed the array w it was given (`w -= ...` or `w[...] = ...`). "
        "Compute a new array instead: `w_new = w - ...`, and return it. The caller may "
        "still need the old point (to plot a path, or to compare).",
        matches=lambda got, i: isinstance(got, tuple) and len(got) == 2 and got[1] is True,
    ),
)


def _mistake(name, hint, update, hyper_names):
    return Mistake(name, hint, output=_run(update, hyper_names))


def _any_of(updates, hyper_names):
    """A mistake recognised if the result matches any of several variants."""
    runs = [_run(u, hyper_names) for u in updates]

    def matches(got, i):
        for run in runs:
            with np.errstate(all="ignore"):
                wrong = run(i)
            if compare(got, wrong, 1e-7, 1e-10) is None:
                return True
        return False

    return matches


def _exercise(ex_id, title, obj_name, points, reference, hyper_names, mistakes, probes):
    call, expected = _caller(hyper_names), _run(reference, hyper_names)
    register(
        Exercise(
            id=ex_id,
            title=title,
            obj_name=obj_name,
            points=points,
            outputs=("w_new at each step (row k: after step k + 1)", "w changed in place"),
            probes=tuple(
                Probe(name, inputs, call, expected, COMMON_MISTAKES + mistakes, strict=strict)
                for name, inputs, strict in probes
            ),
        )
    )


def _lr(rng):
    return rng.uniform(0.01, 0.5)


def _beta(rng):
    return rng.uniform(0.5, 0.95)


# ---------------------------------------------------------------- ex06_sgd_update

SGD_MISTAKES = (
    _mistake(
        "moved uphill (w + lr * dw)",
        "The gradient points uphill: subtract it, `w - lr * dw`.",
        lambda w, dw, s, *, lr: (w + lr * dw, s),
        ("lr",),
    ),
    _mistake(
        "forgot the learning rate",
        "Scale the gradient by lr: `w - lr * dw`.",
        lambda w, dw, s, *, lr: (w - dw, s),
        ("lr",),
    ),
)

_exercise(
    "ex06_sgd_update",
    "Plain SGD as a functional update",
    "sgd_update",
    1,
    nn.sgd_update,
    ("lr",),
    SGD_MISTAKES,
    (
        (
            "5 steps, w of shape (4,), random gradients",
            _gradient_inputs((4,), 5, {"lr": _lr}),
            False,
        ),
        (
            "6 steps, w of shape (3, 2) (a weight matrix)",
            _gradient_inputs((3, 2), 6, {"lr": _lr}),
            False,
        ),
        (
            "8 steps on a bowl (each gradient depends on the last step)",
            _bowl_inputs(8, {"lr": _lr}),
            False,
        ),
    ),
)


# ---------------------------------------------------------------- ex06_momentum_update


def _momentum(sign_v=-1.0, sign_w=+1.0, store=True, ema=False, lagged=False):
    def update(w, dw, state, *, lr, beta):
        v_old = state.get("v", np.zeros_like(w))
        v = beta * v_old + sign_v * ((1 - beta) if ema else lr) * dw
        if ema:
            w_new = w + lr * v
        else:
            w_new = w + sign_w * (v_old if lagged else v)
        return w_new, ({**state, "v": v} if store else dict(state))

    return update


MOMENTUM_HYPER = ("lr", "beta")
MOMENTUM_MISTAKES = (
    Mistake(
        "momentum sign error",
        "Your steps go uphill. With the course's convention the velocity collects the "
        "*negative* gradient, `v = beta * v - lr * dw`, and the point moves along it, "
        "`w + v`. (Equivalently `v = beta * v + lr * dw` and `w - v`; mixing the two, "
        "`+ lr * dw` with `w + v` or `- lr * dw` with `w - v`, climbs.)",
        matches=_any_of([_momentum(+1.0, +1.0), _momentum(-1.0, -1.0)], MOMENTUM_HYPER),
    ),
    _mistake(
        "forgot to store the velocity",
        "You compute v but the next call starts again from v = 0, so every step is a "
        "plain SGD step. Put it in the state you return: `state['v'] = v` (or return "
        "`{**state, 'v': v}`) and read it back with `state.get('v', np.zeros_like(w))`.",
        _momentum(store=False),
        MOMENTUM_HYPER,
    ),
    _mistake(
        "moved with the old velocity",
        "Update the velocity first, then move with the new one: "
        "`v = beta * v - lr * dw`, then `w_new = w + v`. Moving with the previous "
        "velocity makes the first step zero and every step one gradient late.",
        _momentum(lagged=True),
        MOMENTUM_HYPER,
    ),
    _mistake(
        "used (1 - beta) * dw (a moving average) instead of lr * dw",
        "That is a moving average of the gradients (as in Adam's m), and then the "
        "velocity is about 1 - beta times smaller. Here the velocity adds the step "
        "itself: `v = beta * v - lr * dw`.",
        _momentum(ema=True),
        MOMENTUM_HYPER,
    ),
)

_exercise(
    "ex06_momentum_update",
    "Momentum",
    "momentum_update",
    2,
    nn.momentum_update,
    MOMENTUM_HYPER,
    MOMENTUM_MISTAKES,
    (
        (
            "5 steps, w of shape (4,), random gradients",
            _gradient_inputs((4,), 5, {"lr": _lr, "beta": _beta}),
            False,
        ),
        (
            "6 steps, w of shape (3, 2) (a weight matrix)",
            _gradient_inputs((3, 2), 6, {"lr": _lr, "beta": _beta}),
            False,
        ),
        (
            "8 steps on a bowl, beta = 0.9",
            _bowl_inputs(8, {"lr": lambda rng: rng.uniform(0.01, 0.2), "beta": 0.9}),
            False,
        ),
        (
            "5 steps with beta = 0 (momentum off: plain SGD)",
            _gradient_inputs((3,), 5, {"lr": _lr, "beta": 0.0}),
            False,
        ),
    ),
)


# ---------------------------------------------------------------- ex06_adagrad_update
# eps is taken large (1e-2) in most probes, so that sqrt(h + eps) and sqrt(h) + eps differ
# clearly; one probe with the default eps has a gradient exactly 0 at the first step.


def _adaptive(kind, rho_of=None, eps_inside=False, store=True, no_sqrt=False):
    """AdaGrad ("sum") or RMSProp ("ema") and their usual mistakes."""

    def update(w, dw, state, *, lr, eps, rho=None):
        r = rho if rho_of is None else rho_of(rho)
        h_old = state.get("h", np.zeros_like(w))
        h = h_old + dw * dw if kind == "sum" else r * h_old + (1 - r) * dw * dw
        scale = h if no_sqrt else (np.sqrt(h + eps) if eps_inside else np.sqrt(h))
        w_new = w - lr * dw / (scale if eps_inside else scale + eps)
        return w_new, ({**state, "h": h} if store else dict(state))

    return update


def _adagrad_as_ema(rho):
    def update(w, dw, state, *, lr, eps):
        return _adaptive("ema", rho_of=lambda _: rho)(w, dw, state, lr=lr, eps=eps)

    return update


def _no_eps(update):
    def wrapped(w, dw, state, **hyper):
        return update(w, dw, state, **{**hyper, "eps": 0.0})

    return wrapped


ADAGRAD_HYPER = ("lr", "eps")
ADAGRAD_MISTAKES = (
    _mistake(
        "eps inside the square root",
        "You wrote sqrt(h + eps). The course puts eps outside: "
        "`w - lr * dw / (np.sqrt(h) + eps)` (as PyTorch and the Adam paper do). Both "
        "keep the division safe, but they give different steps while h is small.",
        _adaptive("sum", eps_inside=True),
        ADAGRAD_HYPER,
    ),
    Mistake(
        "used a moving average (that is RMSProp)",
        "AdaGrad *sums* the squared gradients, `h = h + dw**2`, so its rates only "
        "shrink. A moving average `h = rho * h + (1 - rho) * dw**2` is RMSProp.",
        matches=_any_of([_adagrad_as_ema(r) for r in (0.9, 0.95, 0.99, 0.999)], ADAGRAD_HYPER),
    ),
    _mistake(
        "forgot to store the sum of squared gradients",
        "h must carry over from one call to the next: return it in the state "
        "(`{**state, 'h': h}`) and start from `state.get('h', np.zeros_like(w))`. "
        "Otherwise h = dw**2 at every step and each step is just lr * sign(dw).",
        _adaptive("sum", store=False),
        ADAGRAD_HYPER,
    ),
    _mistake(
        "forgot the square root",
        "Divide by the root of the accumulated squares: `np.sqrt(h) + eps`, not `h + eps` "
        "(the step must have the units of w, not 1 / gradient).",
        _adaptive("sum", no_sqrt=True),
        ADAGRAD_HYPER,
    ),
    Mistake(
        "forgot eps (0 / 0 when a gradient is 0)",
        "Where a gradient is exactly 0 at the first step, h is 0 too and dw / sqrt(h) is "
        "0 / 0 = nan. Add eps outside the root: `dw / (np.sqrt(h) + eps)`.",
        raises=FloatingPointInvalid,
    ),
    _mistake(
        "forgot eps",
        "Add eps to the denominator: `dw / (np.sqrt(h) + eps)`; use the eps argument.",
        _no_eps(_adaptive("sum")),
        ADAGRAD_HYPER,
    ),
)

_exercise(
    "ex06_adagrad_update",
    "AdaGrad",
    "adagrad_update",
    2,
    nn.adagrad_update,
    ADAGRAD_HYPER,
    ADAGRAD_MISTAKES,
    (
        (
            "5 steps, w of shape (4,), eps = 0.01",
            _gradient_inputs((4,), 5, {"lr": _lr, "eps": 1e-2}, scale=0.3),
            False,
        ),
        (
            "6 steps, w of shape (3, 2), eps = 0.01",
            _gradient_inputs((3, 2), 6, {"lr": _lr, "eps": 1e-2}, scale=0.3),
            False,
        ),
        ("8 steps on a bowl, eps = 0.01", _bowl_inputs(8, {"lr": _lr, "eps": 1e-2}), False),
        (
            "5 steps, eps = 1e-8, a gradient exactly 0 at the first step",
            _gradient_inputs((4,), 5, {"lr": _lr, "eps": 1e-8}, zero_first=True),
            True,
        ),
    ),
)


# ---------------------------------------------------------------- ex06_rmsprop_update


def _rmsprop_as_sum(w, dw, state, *, lr, rho, eps):
    return _adaptive("sum")(w, dw, state, lr=lr, eps=eps)


RMSPROP_HYPER = ("lr", "rho", "eps")
RMSPROP_MISTAKES = (
    _mistake(
        "eps inside the square root",
        "You wrote sqrt(h + eps). The course puts eps outside: `w - lr * dw / (np.sqrt(h) + eps)`.",
        _adaptive("ema", eps_inside=True),
        RMSPROP_HYPER,
    ),
    _mistake(
        "used the sum (that is AdaGrad)",
        "RMSProp keeps an exponential moving average, `h = rho * h + (1 - rho) * dw**2`, "
        "so old gradients fade; summing `h = h + dw**2` is AdaGrad.",
        _rmsprop_as_sum,
        RMSPROP_HYPER,
    ),
    _mistake(
        "swapped rho and 1 - rho",
        "The old average keeps the weight rho and the new square gets 1 - rho: "
        "`h = rho * h + (1 - rho) * dw**2` (rho close to 1 means a long memory).",
        _adaptive("ema", rho_of=lambda r: 1 - r),
        RMSPROP_HYPER,
    ),
    _mistake(
        "forgot to store the moving average",
        "h must carry over between calls: return it in the state and start from "
        "`state.get('h', np.zeros_like(w))`.",
        _adaptive("ema", store=False),
        RMSPROP_HYPER,
    ),
    _mistake(
        "forgot the square root",
        "Divide by `np.sqrt(h) + eps`, not `h + eps`.",
        _adaptive("ema", no_sqrt=True),
        RMSPROP_HYPER,
    ),
    Mistake(
        "forgot eps (0 / 0 when a gradient is 0)",
        "Where a gradient is exactly 0 at the first step, h is 0 and dw / sqrt(h) is "
        "0 / 0 = nan. Add eps outside the root: `dw / (np.sqrt(h) + eps)`.",
        raises=FloatingPointInvalid,
    ),
    _mistake(
        "forgot eps",
        "Add eps to the denominator: `dw / (np.sqrt(h) + eps)`; use the eps argument.",
        _no_eps(_adaptive("ema")),
        RMSPROP_HYPER,
    ),
)

_exercise(
    "ex06_rmsprop_update",
    "RMSProp",
    "rmsprop_update",
    2,
    nn.rmsprop_update,
    RMSPROP_HYPER,
    RMSPROP_MISTAKES,
    (
        (
            "5 steps, w of shape (4,), eps = 0.01",
            _gradient_inputs((4,), 5, {"lr": _lr, "rho": _beta, "eps": 1e-2}, scale=0.3),
            False,
        ),
        (
            "6 steps, w of shape (3, 2), eps = 0.01",
            _gradient_inputs((3, 2), 6, {"lr": _lr, "rho": _beta, "eps": 1e-2}, scale=0.3),
            False,
        ),
        (
            "8 steps on a bowl, rho = 0.9, eps = 0.01",
            _bowl_inputs(8, {"lr": _lr, "rho": 0.9, "eps": 1e-2}),
            False,
        ),
        (
            "5 steps, eps = 1e-8, a gradient exactly 0 at the first step",
            _gradient_inputs((4,), 5, {"lr": _lr, "rho": _beta, "eps": 1e-8}, zero_first=True),
            True,
        ),
    ),
)


# ---------------------------------------------------------------- ex06_adam_update


def _adam(
    correct=True,
    t_mode="ok",
    swap=False,
    eps_inside=False,
    store=True,
    store_hat=False,
    no_sqrt=False,
):
    """Adam and its usual mistakes; t_mode: "ok", "stuck" (t never grows past 1)."""

    def update(w, dw, state, *, lr, beta1, beta2, eps):
        b1, b2 = (beta2, beta1) if swap else (beta1, beta2)
        t = 1 if t_mode == "stuck" else state.get("t", 0) + 1
        m = b1 * state.get("m", np.zeros_like(w)) + (1 - b1) * dw
        v = b2 * state.get("v", np.zeros_like(w)) + (1 - b2) * dw * dw
        m_hat, v_hat = (m / (1 - b1**t), v / (1 - b2**t)) if correct else (m, v)
        root = v_hat if no_sqrt else np.sqrt(v_hat + eps if eps_inside else v_hat)
        w_new = w - lr * m_hat / (root if eps_inside else root + eps)
        if not store:
            return w_new, dict(state)
        if store_hat:
            m, v = m_hat, v_hat
        return w_new, {**state, "t": t, "m": m, "v": v}

    return update


def _adam_swapped_averages_only(w, dw, state, *, lr, beta1, beta2, eps):
    t = state.get("t", 0) + 1
    m = beta2 * state.get("m", np.zeros_like(w)) + (1 - beta2) * dw
    v = beta1 * state.get("v", np.zeros_like(w)) + (1 - beta1) * dw * dw
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), {**state, "t": t, "m": m, "v": v}


ADAM_HYPER = ("lr", "beta1", "beta2", "eps")
ADAM_MISTAKES = (
    _mistake(
        "no bias correction",
        "m and v start at 0, so in the first steps they are too small (m by a factor "
        "1 - beta1**t, v by 1 - beta2**t). Divide them: `m_hat = m / (1 - beta1**t)`, "
        "`v_hat = v / (1 - beta2**t)`, and step with m_hat / (sqrt(v_hat) + eps).",
        _adam(correct=False),
        ADAM_HYPER,
    ),
    Mistake(
        "bias correction with t = 0 at the first step",
        "1 - beta**0 = 0, so the correction divides by zero. Increment the step counter "
        "*before* using it: `t = state.get('t', 0) + 1`; the first step has t = 1.",
        raises=FloatingPointDivide,
    ),
    Mistake(
        "bias correction with t = 0 at the first step (nan)",
        "1 - beta**0 = 0, so the correction divides by zero (0 / 0 = nan where the "
        "gradient is 0). Increment t before using it: the first step has t = 1.",
        raises=FloatingPointInvalid,
    ),
    _mistake(
        "step count not incremented",
        "The bias correction uses t = 1 at every step: the step counter must grow. "
        "Store it in the state: `t = state.get('t', 0) + 1` ... `return w_new, "
        "{**state, 't': t, 'm': m, 'v': v}`.",
        _adam(t_mode="stuck"),
        ADAM_HYPER,
    ),
    Mistake(
        "swapped beta1 and beta2",
        "beta1 (about 0.9) belongs to the average of the gradients m; beta2 (about "
        "0.999) to the average of the squared gradients v: "
        "`m = beta1 * m + (1 - beta1) * dw`, `v = beta2 * v + (1 - beta2) * dw**2`, and "
        "the same pairing in the corrections.",
        matches=_any_of([_adam(swap=True), _adam_swapped_averages_only], ADAM_HYPER),
    ),
    _mistake(
        "eps inside the square root",
        "You wrote sqrt(v_hat + eps). The course (and the Adam paper) puts eps outside: "
        "`m_hat / (np.sqrt(v_hat) + eps)`.",
        _adam(eps_inside=True),
        ADAM_HYPER,
    ),
    _mistake(
        "stored the bias-corrected moments",
        "Keep the raw averages m and v in the state; m_hat and v_hat are recomputed at "
        "every step from them. Storing m_hat makes the next correction apply twice.",
        _adam(store_hat=True),
        ADAM_HYPER,
    ),
    _mistake(
        "forgot to store m, v and t",
        "m, v and t must carry over between calls: return them in the state, "
        "`{**state, 't': t, 'm': m, 'v': v}`.",
        _adam(store=False),
        ADAM_HYPER,
    ),
    _mistake(
        "forgot the square root",
        "Divide by `np.sqrt(v_hat) + eps`: v is an average of *squared* gradients.",
        _adam(no_sqrt=True),
        ADAM_HYPER,
    ),
)


def _adam_hyper(eps, beta2=None):
    return {
        "lr": _lr,
        "beta1": lambda rng: rng.uniform(0.6, 0.9),
        "beta2": (lambda rng: rng.uniform(0.95, 0.999)) if beta2 is None else beta2,
        "eps": eps,
    }


_exercise(
    "ex06_adam_update",
    "Adam",
    "adam_update",
    3,
    nn.adam_update,
    ADAM_HYPER,
    ADAM_MISTAKES,
    (
        (
            "5 steps, w of shape (4,), eps = 0.01",
            _gradient_inputs((4,), 5, _adam_hyper(1e-2), scale=0.3),
            True,
        ),
        (
            "6 steps, w of shape (3, 2), eps = 0.01",
            _gradient_inputs((3, 2), 6, _adam_hyper(1e-2), scale=0.3),
            True,
        ),
        (
            "8 steps on a bowl, beta2 = 0.999, eps = 1e-8",
            _bowl_inputs(8, _adam_hyper(1e-8, beta2=0.999)),
            True,
        ),
        (
            "5 steps with tiny gradients (about 1e-4), eps = 1e-8",
            _gradient_inputs((4,), 5, _adam_hyper(1e-8), scale=1e-4),
            True,
        ),
    ),
)
