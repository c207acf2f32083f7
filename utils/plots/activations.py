"""Figures of the activations chapter (each takes ax=None, returns the Axes, never shows)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes

from utils import nn
from utils._validate import as_float_vector, as_scalar
from utils.plots._core import CLASS_COLORS, _axes

__all__ = ["ACTIVATIONS", "activation_mark", "plot_activation", "plot_probabilities"]


@dataclass(frozen=True)
class ActivationSpec:
    """An elementwise activation for the figures: its function, derivative and facts.

    ``f(x, alpha)`` and ``df(x, alpha)`` take a float array and the slope parameter (ignored
    when ``uses_alpha`` is False). ``ylim`` keeps every panel readable at the same x range.
    """

    label: str
    formula: str
    f: Callable[[np.ndarray, float], np.ndarray]
    df: Callable[[np.ndarray, float], np.ndarray]
    uses_alpha: bool
    default_alpha: float
    value_range: str
    ylim: tuple[float, float]


ACTIVATIONS: dict[str, ActivationSpec] = {
    "step": ActivationSpec(
        "step",
        r"$1$ if $x > 0$ else $0$",
        lambda x, a: nn.step(x),
        lambda x, a: nn.step_derivative(x),
        False,
        0.0,
        "{0, 1}",
        (-0.3, 1.3),
    ),
    "sigmoid": ActivationSpec(
        "sigmoid",
        r"$\sigma(x) = 1 / (1 + e^{-x})$",
        lambda x, a: nn.sigmoid(x),
        lambda x, a: nn.sigmoid_derivative(x),
        False,
        0.0,
        "(0, 1)",
        (-0.3, 1.3),
    ),
    "tanh": ActivationSpec(
        "tanh",
        r"$\tanh(x)$",
        lambda x, a: nn.tanh(x),
        lambda x, a: nn.tanh_derivative(x),
        False,
        0.0,
        "(-1, 1)",
        (-1.3, 1.3),
    ),
    "relu": ActivationSpec(
        "ReLU",
        r"$\max(x, 0)$",
        lambda x, a: nn.relu(x),
        lambda x, a: nn.relu_derivative(x),
        False,
        0.0,
        "[0, inf)",
        (-1.5, 4.0),
    ),
    "leaky_relu": ActivationSpec(
        "Leaky ReLU",
        r"$x$ if $x > 0$ else $\alpha x$",
        nn.leaky_relu,
        nn.leaky_relu_derivative,
        True,
        0.01,
        "(-inf, inf)",
        (-1.5, 4.0),
    ),
    "prelu": ActivationSpec(
        "PReLU",
        r"$x$ if $x > 0$ else $\alpha x$, $\alpha$ learned",
        nn.leaky_relu,
        nn.leaky_relu_derivative,
        True,
        0.25,
        "(-inf, inf)",
        (-1.5, 4.0),
    ),
    "elu": ActivationSpec(
        "ELU",
        r"$x$ if $x > 0$ else $\alpha (e^x - 1)$",
        nn.elu,
        nn.elu_derivative,
        True,
        1.0,
        "(-alpha, inf)",
        (-1.5, 4.0),
    ),
}


def _spec(name, func: str) -> ActivationSpec:
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(f"{func}: name must be one of {list(ACTIVATIONS)}, got {name!r}")
    return ACTIVATIONS[name]


def activation_mark(name: str, alpha: float, x0: float) -> tuple:
    """What :func:`plot_activation` draws at ``mark=x0``, as (xs, ys) pairs of lists.

    Returns ``(tangent, at_f, at_df)``: the tangent of ``f`` over ``x0 +- 1.5``, and the
    points ``(x0, f(x0))`` and ``(x0, f'(x0))``.
    """
    spec = _spec(name, "activation_mark")
    p = np.array([float(x0)])
    f0, d0 = float(spec.f(p, alpha)[0]), float(spec.df(p, alpha)[0])
    span = [x0 - 1.5, x0 + 1.5]
    return (span, [f0 + d0 * (x - x0) for x in span]), ([x0], [f0]), ([x0], [d0])


def plot_activation(
    name: str,
    *,
    alpha: float | None = None,
    x=None,
    ax: Axes | None = None,
    derivative: bool = True,
    mark: float | None = None,
    title: str | None = None,
) -> Axes:
    """An activation ``f`` (solid) and its derivative ``f'`` (dashed) on the same axes.

    Parameters
    ----------
    name : {"step", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu"}
    alpha : float, optional
        Slope parameter of Leaky ReLU, PReLU and ELU (>= 0); default 0.01, 0.25 and 1.0.
        Ignored by the others.
    x : array_like, shape (T,), optional
        Where to evaluate; default 601 points in [-5, 5].
    derivative : bool
        Draw ``f'`` too.
    mark : float, optional
        Mark the point ``x = mark`` on both curves and draw the tangent of ``f`` there.
    title : str, optional
        Default: the name and the formula.
    """
    spec = _spec(name, "plot_activation")
    a = spec.default_alpha if alpha is None else as_scalar(alpha, "plot_activation", "alpha")
    if a < 0:
        raise ValueError(f"plot_activation: alpha must be >= 0, got {a}")
    xs = np.linspace(-5, 5, 601) if x is None else as_float_vector(x, "plot_activation", "x")
    ax = _axes(ax, figsize=(5, 3.6))
    ax.axhline(0, color="0.7", linewidth=0.8)
    ax.axvline(0, color="0.7", linewidth=0.8)
    ax.plot(xs, spec.f(xs, a), color=CLASS_COLORS[0], linewidth=2.5, label="$f(x)$")
    if derivative:
        ax.plot(
            xs, spec.df(xs, a), color=CLASS_COLORS[1], linewidth=2, linestyle="--", label="$f'(x)$"
        )
    if mark is not None:
        tangent, at_f, at_df = activation_mark(name, a, as_scalar(mark, "plot_activation", "mark"))
        ax.plot(*tangent, color="0.3", linewidth=1.2, label="tangent")
        ax.plot(*at_f, "o", color=CLASS_COLORS[0], markersize=8)
        if derivative:
            ax.plot(*at_df, "o", color=CLASS_COLORS[1], markersize=8)
    ax.set_xlim(xs.min(), xs.max())
    ax.set_ylim(*spec.ylim)
    ax.set_xlabel("input $x$")
    ax.set_ylabel("value")
    label = spec.label + (f" ($\\alpha$ = {a:g})" if spec.uses_alpha else "")
    ax.set_title(title if title is not None else label)
    ax.legend(loc="upper left", fontsize=10)
    ax.grid(alpha=0.3)
    return ax


def plot_probabilities(
    probs,
    labels: Sequence[str],
    *,
    ax: Axes | None = None,
    title: str | None = None,
    ylabel: str = "probability",
    color: str | None = None,
) -> Axes:
    """A bar per class with its probability written on top.

    Parameters
    ----------
    probs : array_like, shape (C,)
        Numbers in [0, 1] (softmax outputs sum to 1; independent sigmoids need not).
    labels : sequence of str, length C
    """
    p = as_float_vector(probs, "plot_probabilities", "probs")
    if isinstance(labels, str) or len(labels) != p.shape[0]:
        raise ValueError(
            f"plot_probabilities: labels must be a sequence of {p.shape[0]} names "
            f"(one per probability), got {labels!r}"
        )
    if not np.all(np.isfinite(p)) or p.min() < 0 or p.max() > 1:
        raise ValueError(f"plot_probabilities: probs must be finite numbers in [0, 1], got {p}")
    ax = _axes(ax, figsize=(4.5, 3.5))
    pos = np.arange(p.shape[0])
    ax.bar(pos, p, color=color or CLASS_COLORS[0], edgecolor="k", linewidth=0.6)
    for i, v in enumerate(p):
        ax.text(i, v + 0.02, f"{v:.3f}", ha="center", va="bottom", fontsize=11)
    ax.set_xticks(pos, [str(s) for s in labels])
    ax.set_ylim(0, 1.15)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return ax
