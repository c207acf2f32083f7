"""Chapter 06's checks name each known mistake (solution and stub: test_exercises.py)."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import fails_with_hint as _fails
from helpers import passes as _passes

from utils import nn

# ------------------------------------------------------------ ex06_sgd_update


def sgd_in_place(w, dw, state, *, lr=0.01):
    w -= lr * dw
    return w, state


def sgd_only_w(w, dw, state, *, lr=0.01):
    return w - lr * dw


def sgd_none(w, dw, state, *, lr=0.01):
    w -= lr * dw


WRONG_SGD = [
    (lambda w, dw, state, *, lr=0.01: (w + lr * dw, state), "moved uphill (w + lr * dw)"),
    (lambda w, dw, state, *, lr=0.01: (w - dw, state), "forgot the learning rate"),
    (sgd_in_place, "modified w in place"),
    (sgd_only_w, "did not return a pair (w_new, state)"),
    (sgd_none, "returned nothing"),
    (
        lambda w, dw, state, *, lr=0.01: (np.sum(w - lr * dw, axis=0), state),
        "w_new has the wrong shape",
    ),
]


@pytest.mark.parametrize("wrong, name", WRONG_SGD)
def test_sgd_mistakes(wrong, name):
    _fails("ex06_sgd_update", wrong, name)


# ------------------------------------------------------------ ex06_momentum_update


def momentum_plus_plus(w, dw, state, *, lr=0.01, beta=0.9):
    v = beta * state.get("v", 0.0) + lr * dw
    return w + v, {"v": v}


def momentum_minus_minus(w, dw, state, *, lr=0.01, beta=0.9):
    v = beta * state.get("v", 0.0) - lr * dw
    return w - v, {"v": v}


def momentum_not_stored(w, dw, state, *, lr=0.01, beta=0.9):
    v = state.get("v", np.zeros_like(w))
    v = beta * v - lr * dw
    return w + v, state


def momentum_old_velocity(w, dw, state, *, lr=0.01, beta=0.9):
    v = state.get("v", np.zeros_like(w))
    w_new = w + v
    return w_new, {"v": beta * v - lr * dw}


def momentum_ema(w, dw, state, *, lr=0.01, beta=0.9):
    v = beta * state.get("v", np.zeros_like(w)) - (1 - beta) * dw
    return w + lr * v, {"v": v}


def momentum_in_place(w, dw, state, *, lr=0.01, beta=0.9):
    if "v" not in state:
        state["v"] = np.zeros_like(w)
    state["v"] = beta * state["v"] - lr * dw
    w += state["v"]
    return w, state


WRONG_MOMENTUM = [
    (momentum_plus_plus, "momentum sign error"),
    (momentum_minus_minus, "momentum sign error"),
    (momentum_not_stored, "forgot to store the velocity"),
    (momentum_old_velocity, "moved with the old velocity"),
    (momentum_ema, "used (1 - beta) * dw (a moving average) instead of lr * dw"),
    (momentum_in_place, "modified w in place"),
]


@pytest.mark.parametrize("wrong, name", WRONG_MOMENTUM)
def test_momentum_mistakes(wrong, name):
    _fails("ex06_momentum_update", wrong, name)


def momentum_other_convention(w, dw, state, *, lr=0.01, beta=0.9):
    """v collects +lr*dw and the step subtracts it: the same points (must pass)."""
    v = beta * state.get("v", np.zeros_like(w)) + lr * dw
    return w - v, {"v": v}


def momentum_mutating_state(w, dw, state, *, lr=0.01, beta=0.9):
    """Stores v by mutating the dict it was given: fine, w is untouched (must pass)."""
    state["v"] = beta * state.get("v", 0.0) - lr * dw
    return w + state["v"], state


def test_momentum_equivalent_forms_pass(capsys):
    _passes("ex06_momentum_update", momentum_other_convention, capsys)
    _passes("ex06_momentum_update", momentum_mutating_state, capsys)


# ------------------------------------------------------------ ex06_adagrad_update


def adagrad_eps_inside(w, dw, state, *, lr=0.01, eps=1e-8):
    h = state.get("h", 0.0) + dw**2
    return w - lr * dw / np.sqrt(h + eps), {"h": h}


def adagrad_ema(w, dw, state, *, lr=0.01, eps=1e-8):
    h = 0.9 * state.get("h", 0.0) + 0.1 * dw**2
    return w - lr * dw / (np.sqrt(h) + eps), {"h": h}


def adagrad_not_stored(w, dw, state, *, lr=0.01, eps=1e-8):
    h = state.get("h", np.zeros_like(w))
    h = h + dw**2
    return w - lr * dw / (np.sqrt(h) + eps), state


def adagrad_no_sqrt(w, dw, state, *, lr=0.01, eps=1e-8):
    h = state.get("h", 0.0) + dw**2
    return w - lr * dw / (h + eps), {"h": h}


def adagrad_no_eps(w, dw, state, *, lr=0.01, eps=1e-8):
    h = state.get("h", 0.0) + dw**2
    return w - lr * dw / np.sqrt(h), {"h": h}


def adagrad_in_place(w, dw, state, *, lr=0.01, eps=1e-8):
    state["h"] = state.get("h", 0.0) + dw * dw
    w -= lr * dw / (np.sqrt(state["h"]) + eps)
    return w, state


WRONG_ADAGRAD = [
    (adagrad_eps_inside, "eps inside the square root"),
    (adagrad_ema, "used a moving average (that is RMSProp)"),
    (adagrad_not_stored, "forgot to store the sum of squared gradients"),
    (adagrad_no_sqrt, "forgot the square root"),
    (adagrad_no_eps, "forgot eps"),
    (adagrad_in_place, "modified w in place"),
]


@pytest.mark.parametrize("wrong, name", WRONG_ADAGRAD)
def test_adagrad_mistakes(wrong, name):
    _fails("ex06_adagrad_update", wrong, name)


# ------------------------------------------------------------ ex06_rmsprop_update


def rmsprop_eps_inside(w, dw, state, *, lr=0.01, rho=0.99, eps=1e-8):
    h = rho * state.get("h", 0.0) + (1 - rho) * dw**2
    return w - lr * dw / np.sqrt(h + eps), {"h": h}


def rmsprop_sum(w, dw, state, *, lr=0.01, rho=0.99, eps=1e-8):
    h = state.get("h", 0.0) + dw**2
    return w - lr * dw / (np.sqrt(h) + eps), {"h": h}


def rmsprop_swapped(w, dw, state, *, lr=0.01, rho=0.99, eps=1e-8):
    h = (1 - rho) * state.get("h", 0.0) + rho * dw**2
    return w - lr * dw / (np.sqrt(h) + eps), {"h": h}


def rmsprop_not_stored(w, dw, state, *, lr=0.01, rho=0.99, eps=1e-8):
    h = rho * state.get("h", 0.0) + (1 - rho) * dw**2
    return w - lr * dw / (np.sqrt(h) + eps), {}


def rmsprop_no_eps(w, dw, state, *, lr=0.01, rho=0.99, eps=1e-8):
    h = rho * state.get("h", 0.0) + (1 - rho) * dw**2
    return w - lr * dw / np.sqrt(h), {"h": h}


def rmsprop_in_place(w, dw, state, *, lr=0.01, rho=0.99, eps=1e-8):
    h = rho * state.get("h", 0.0) + (1 - rho) * dw**2
    w[...] = w - lr * dw / (np.sqrt(h) + eps)
    return w, {"h": h}


WRONG_RMSPROP = [
    (rmsprop_eps_inside, "eps inside the square root"),
    (rmsprop_sum, "used the sum (that is AdaGrad)"),
    (rmsprop_swapped, "swapped rho and 1 - rho"),
    (rmsprop_not_stored, "forgot to store the moving average"),
    (rmsprop_no_eps, "forgot eps"),
    (rmsprop_in_place, "modified w in place"),
]


@pytest.mark.parametrize("wrong, name", WRONG_RMSPROP)
def test_rmsprop_mistakes(wrong, name):
    _fails("ex06_rmsprop_update", wrong, name)


# ------------------------------------------------------------ ex06_adam_update


def _adam_parts(state, w):
    return state.get("t", 0), state.get("m", np.zeros_like(w)), state.get("v", np.zeros_like(w))


def adam_no_correction(w, dw, state, *, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    t, m, v = _adam_parts(state, w)
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw**2
    return w - lr * m / (np.sqrt(v) + eps), {"t": t + 1, "m": m, "v": v}


def adam_t_from_zero(w, dw, state, *, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    t, m, v = _adam_parts(state, w)
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), {"t": t + 1, "m": m, "v": v}


def adam_t_not_incremented(w, dw, state, *, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state.get("t", 1)
    m = beta1 * state.get("m", 0.0) + (1 - beta1) * dw
    v = beta2 * state.get("v", 0.0) + (1 - beta2) * dw**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), {"t": t, "m": m, "v": v}


def adam_swapped(w, dw, state, *, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    t, m, v = _adam_parts(state, w)
    t += 1
    m = beta2 * m + (1 - beta2) * dw
    v = beta1 * v + (1 - beta1) * dw**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), {"t": t, "m": m, "v": v}


def adam_eps_inside(w, dw, state, *, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    t, m, v = _adam_parts(state, w)
    t += 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return w - lr * m_hat / np.sqrt(v_hat + eps), {"t": t, "m": m, "v": v}


def adam_stores_hat(w, dw, state, *, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    t, m, v = _adam_parts(state, w)
    t += 1
    m = (beta1 * m + (1 - beta1) * dw) / (1 - beta1**t)
    v = (beta2 * v + (1 - beta2) * dw**2) / (1 - beta2**t)
    return w - lr * m / (np.sqrt(v) + eps), {"t": t, "m": m, "v": v}


def adam_not_stored(w, dw, state, *, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    t, m, v = _adam_parts(state, w)
    t += 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), state


def adam_in_place(w, dw, state, *, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    new, state = nn.adam_update(w, dw, state, lr=lr, beta1=beta1, beta2=beta2, eps=eps)
    w[...] = new
    return w, state


WRONG_ADAM = [
    (adam_no_correction, "no bias correction"),
    (adam_t_from_zero, "bias correction with t = 0 at the first step"),
    (adam_t_not_incremented, "step count not incremented"),
    (adam_swapped, "swapped beta1 and beta2"),
    (adam_eps_inside, "eps inside the square root"),
    (adam_stores_hat, "stored the bias-corrected moments"),
    (adam_not_stored, "forgot to store m, v and t"),
    (adam_in_place, "modified w in place"),
]


@pytest.mark.parametrize("wrong, name", WRONG_ADAM)
def test_adam_mistakes(wrong, name):
    _fails("ex06_adam_update", wrong, name)


def test_zero_gradient_without_eps_is_named():
    """Where the only probe that fails is the one with a zero gradient, the 0/0 is named."""

    def adagrad_no_eps_safe_elsewhere(w, dw, state, *, lr=0.01, eps=1e-8):
        h = state.get("h", 0.0) + dw**2
        return w - lr * dw / (np.sqrt(h) + (eps if eps > 1e-3 else 0.0)), {"h": h}

    _fails(
        "ex06_adagrad_update",
        adagrad_no_eps_safe_elsewhere,
        "forgot eps (0 / 0 when a gradient is 0)",
    )


def test_library_updates_pass(capsys):
    for name in ("sgd", "momentum", "adagrad", "rmsprop", "adam"):
        _passes(f"ex06_{name}_update", nn.UPDATES[name], capsys)


# The known-wrong answers of each exercise, (answer, hint name) pairs: also run by
# test_probe_coverage.py under the grader's inputs.
WRONG_ANSWERS = {
    "ex06_sgd_update": WRONG_SGD,
    "ex06_momentum_update": WRONG_MOMENTUM,
    "ex06_adagrad_update": WRONG_ADAGRAD,
    "ex06_rmsprop_update": WRONG_RMSPROP,
    "ex06_adam_update": WRONG_ADAM,
}
