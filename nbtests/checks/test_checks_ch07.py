"""Chapter 07's checks name each known mistake (solution and stub: test_exercises.py)."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import fails_with_hint as _fails

from utils import nn
from utils.checks import check

# ------------------------------------------------------------------ the initializers


def xavier_misquoted(fan_in, fan_out, *, rng):
    return 2 / np.sqrt(fan_in + fan_out) * rng.standard_normal((fan_in, fan_out))


def xavier_lecun(fan_in, fan_out, *, rng):
    return np.sqrt(1 / fan_in) * rng.standard_normal((fan_in, fan_out))


def xavier_no_sqrt(fan_in, fan_out, *, rng):
    return 2 / (fan_in + fan_out) * rng.standard_normal((fan_in, fan_out))


def xavier_transposed(fan_in, fan_out, *, rng):
    return np.sqrt(2 / (fan_in + fan_out)) * rng.standard_normal((fan_out, fan_in))


def xavier_global(fan_in, fan_out, *, rng):
    return np.sqrt(2 / (fan_in + fan_out)) * np.random.randn(fan_in, fan_out)  # noqa: NPY002 (the mistake)


def xavier_drawn_transposed(fan_in, fan_out, *, rng):
    return np.sqrt(2 / (fan_in + fan_out)) * rng.standard_normal((fan_out, fan_in)).T


def xavier_rng_normal(fan_in, fan_out, *, rng):  # the same numbers as standard_normal * std
    return rng.normal(0.0, np.sqrt(2 / (fan_in + fan_out)), size=(fan_in, fan_out))


WRONG_XAVIER_NORMAL = [
    (xavier_misquoted, "the misquoted formula 2/sqrt(n+m)"),
    (xavier_lecun, "sqrt(1/n): the other convention"),
    (xavier_no_sqrt, "missing sqrt"),
    (xavier_transposed, "wrong shape (fan_out, fan_in)"),
    (xavier_global, "used np.random global state instead of rng"),
    (xavier_drawn_transposed, "right distribution, different draws"),
]


@pytest.mark.parametrize(("wrong", "name"), WRONG_XAVIER_NORMAL)
def test_xavier_normal_mistakes(wrong, name):
    _fails("ex07_xavier_normal", wrong, name)


def test_xavier_normal_alternatives_pass(capsys):
    check("ex07_xavier_normal", xavier_rng_normal)
    check("ex07_xavier_normal", nn.xavier_normal)
    assert capsys.readouterr().out.count("checks passed") == 2


def xu_normal_std_as_limit(fan_in, fan_out, *, rng):
    a = np.sqrt(2 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_in, fan_out))


def xu_gaussian(fan_in, fan_out, *, rng):
    return np.sqrt(2 / (fan_in + fan_out)) * rng.standard_normal((fan_in, fan_out))


def xu_positive(fan_in, fan_out, *, rng):
    return rng.uniform(0, np.sqrt(6 / (fan_in + fan_out)), size=(fan_in, fan_out))


def xu_misquoted(fan_in, fan_out, *, rng):
    a = np.sqrt(3) * 2 / np.sqrt(fan_in + fan_out)
    return rng.uniform(-a, a, size=(fan_in, fan_out))


def xu_global(fan_in, fan_out, *, rng):
    a = np.sqrt(6 / (fan_in + fan_out))
    return np.random.uniform(-a, a, size=(fan_in, fan_out))  # noqa: NPY002


def xu_transposed(fan_in, fan_out, *, rng):
    a = np.sqrt(6 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_out, fan_in))


def xu_scaled_random(fan_in, fan_out, *, rng):  # same numbers as rng.uniform(-a, a)
    a = np.sqrt(6 / (fan_in + fan_out))
    return a * (2 * rng.random((fan_in, fan_out)) - 1)


WRONG_XAVIER_UNIFORM = [
    (xu_normal_std_as_limit, "used the normal's std as the uniform limit"),
    (xu_gaussian, "drew from a normal instead of a uniform"),
    (xu_positive, "drew on [0, limit] instead of [-limit, limit]"),
    (xu_misquoted, "the misquoted formula 2/sqrt(n+m)"),
    (xu_global, "used np.random global state instead of rng"),
    (xu_transposed, "wrong shape (fan_out, fan_in)"),
]


@pytest.mark.parametrize(("wrong", "name"), WRONG_XAVIER_UNIFORM)
def test_xavier_uniform_mistakes(wrong, name):
    _fails("ex07_xavier_uniform", wrong, name)


def test_xavier_uniform_alternative_passes(capsys):
    check("ex07_xavier_uniform", xu_scaled_random)
    assert "checks passed" in capsys.readouterr().out


def he_fan_out(fan_in, fan_out, *, rng):
    return np.sqrt(2 / fan_out) * rng.standard_normal((fan_in, fan_out))


def he_no_two(fan_in, fan_out, *, rng):
    return np.sqrt(1 / fan_in) * rng.standard_normal((fan_in, fan_out))


def he_xavier(fan_in, fan_out, *, rng):
    return np.sqrt(2 / (fan_in + fan_out)) * rng.standard_normal((fan_in, fan_out))


def he_no_sqrt(fan_in, fan_out, *, rng):
    return 2 / fan_in * rng.standard_normal((fan_in, fan_out))


def he_global(fan_in, fan_out, *, rng):
    return np.sqrt(2 / fan_in) * np.random.standard_normal((fan_in, fan_out))  # noqa: NPY002


def he_transposed(fan_in, fan_out, *, rng):
    return np.sqrt(2 / fan_in) * rng.standard_normal((fan_out, fan_in))


WRONG_HE_NORMAL = [
    (he_fan_out, "He with fan_out instead of fan_in"),
    (he_no_two, "forgot the factor 2"),
    (he_xavier, "used Xavier's formula"),
    (he_no_sqrt, "missing sqrt"),
    (he_global, "used np.random global state instead of rng"),
    (he_transposed, "wrong shape (fan_out, fan_in)"),
]


@pytest.mark.parametrize(("wrong", "name"), WRONG_HE_NORMAL)
def test_he_normal_mistakes(wrong, name):
    _fails("ex07_he_normal", wrong, name)


def hu_normal_std_as_limit(fan_in, fan_out, *, rng):
    a = np.sqrt(2 / fan_in)
    return rng.uniform(-a, a, size=(fan_in, fan_out))


def hu_fan_out(fan_in, fan_out, *, rng):
    a = np.sqrt(6 / fan_out)
    return rng.uniform(-a, a, size=(fan_in, fan_out))


def hu_no_two(fan_in, fan_out, *, rng):
    a = np.sqrt(3 / fan_in)
    return rng.uniform(-a, a, size=(fan_in, fan_out))


def hu_global(fan_in, fan_out, *, rng):
    a = np.sqrt(6 / fan_in)
    return np.random.uniform(-a, a, size=(fan_in, fan_out))  # noqa: NPY002


WRONG_HE_UNIFORM = [
    (hu_normal_std_as_limit, "used the normal's std as the uniform limit"),
    (hu_fan_out, "He with fan_out instead of fan_in"),
    (hu_no_two, "forgot the factor 2"),
    (hu_global, "used np.random global state instead of rng"),
]


@pytest.mark.parametrize(("wrong", "name"), WRONG_HE_UNIFORM)
def test_he_uniform_mistakes(wrong, name):
    _fails("ex07_he_uniform", wrong, name)


# ---------------------------------------------------------- ex07_activation_histograms


def acts_activation_first(X, init, activation, *, n_layers=5, width=100, rng):
    H, out = X, []
    for _ in range(n_layers):
        W = init(H.shape[1], width, rng=rng)
        H = activation(H) @ W
        out.append(H)
    return out


def acts_same_W(X, init, activation, *, n_layers=5, width=100, rng):
    W = init(X.shape[1], width, rng=rng)
    H, out = X, []
    for _ in range(n_layers):
        H = activation(H @ W)
        out.append(H)
    return out


def acts_not_chained(X, init, activation, *, n_layers=5, width=100, rng):
    out = []
    for _ in range(n_layers):
        W = init(X.shape[1], width, rng=rng)
        out.append(activation(X @ W))
    return out


def acts_pre_activation(X, init, activation, *, n_layers=5, width=100, rng):
    H, out = X, []
    for _ in range(n_layers):
        Z = H @ init(H.shape[1], width, rng=rng)
        out.append(Z)
        H = activation(Z)
    return out


def acts_last_only(X, init, activation, *, n_layers=5, width=100, rng):
    H = X
    for _ in range(n_layers):
        H = activation(H @ init(H.shape[1], width, rng=rng))
    return H


WRONG_ACTIVATION_HISTOGRAMS = [
    (acts_activation_first, "activation applied before the matmul"),
    (acts_same_W, "reused the same W for every layer"),
    (acts_not_chained, "did not feed each layer's output to the next"),
    (acts_pre_activation, "stored the pre-activations"),
    (acts_last_only, "returned only the last layer"),
]


@pytest.mark.parametrize(("wrong", "name"), WRONG_ACTIVATION_HISTOGRAMS)
def test_activation_histograms_mistakes(wrong, name):
    _fails("ex07_activation_histograms", wrong, name)


def test_activation_histograms_library_version_passes(capsys):
    from utils.experiments.initialization import layer_activations

    check("ex07_activation_histograms", layer_activations)
    assert "checks passed" in capsys.readouterr().out


# The known-wrong answers of each exercise, (answer, hint name) pairs: also run by
# test_probe_coverage.py under the grader's inputs.
WRONG_ANSWERS = {
    "ex07_xavier_normal": WRONG_XAVIER_NORMAL,
    "ex07_xavier_uniform": WRONG_XAVIER_UNIFORM,
    "ex07_he_normal": WRONG_HE_NORMAL,
    "ex07_he_uniform": WRONG_HE_UNIFORM,
    "ex07_activation_histograms": WRONG_ACTIVATION_HISTOGRAMS,
}
