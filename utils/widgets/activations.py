"""Interactive figures of the activations chapter (factories returning an InteractiveFigure)."""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets
import numpy as np

from utils import nn
from utils._validate import as_float_vector, as_scalar
from utils.plots import activations as plots
from utils.widgets._core import InteractiveFigure

__all__ = ["activation_explorer", "softmax_temperature_explorer"]


def activation_explorer(
    name: str = "relu", *, alpha: float | None = None, x0: float = 1.0
) -> InteractiveFigure:
    """Pick an activation and see ``f`` and ``f'`` together, with a slope slider.

    Controls: ``activation`` (a dropdown), ``alpha`` (the negative-side parameter of Leaky
    ReLU, PReLU and ELU; the others ignore it, and the status line says so) and ``x`` (a
    point marked on both curves, with the tangent of ``f``). The status line gives ``f(x)``,
    ``f'(x)``, the range and the largest slope.

    Parameters
    ----------
    name : {"step", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu"}
        The activation shown first.
    alpha : float, optional
        Start value of the alpha slider, in [0, 2]; default: that activation's default.
    x0 : float
        Start value of the x slider, in [-5, 5].
    """
    if not isinstance(name, str) or name not in plots.ACTIVATIONS:
        raise ValueError(
            f"activation_explorer: name must be one of {list(plots.ACTIVATIONS)}, got {name!r}"
        )
    start = (
        plots.ACTIVATIONS[name].default_alpha
        if alpha is None
        else as_scalar(alpha, "activation_explorer", "alpha")
    )
    if not 0 <= start <= 2:
        raise ValueError(f"activation_explorer: alpha must be in [0, 2], got {start}")
    x0 = as_scalar(x0, "activation_explorer", "x0")
    if not -5 <= x0 <= 5:
        raise ValueError(f"activation_explorer: x0 must be in [-5, 5], got {x0}")
    controls = {
        "activation": widgets.Dropdown(
            options=list(plots.ACTIVATIONS), value=name, description="activation"
        ),
        "alpha": widgets.FloatSlider(
            value=start, min=0.0, max=2.0, step=0.01, description="alpha", readout_format=".2f"
        ),
        "x": widgets.FloatSlider(
            value=x0, min=-5.0, max=5.0, step=0.1, description="x", readout_format=".1f"
        ),
    }
    grid = np.linspace(-5, 5, 401)

    def draw(fig, v):
        a, x = float(v["alpha"]), float(v["x"])
        ax = fig.add_subplot()
        plots.plot_activation(v["activation"], alpha=a, x=grid, ax=ax, mark=x)
        fig.subplots_adjust(left=0.12, right=0.97, bottom=0.15, top=0.9)
        return describe(v)

    def update(fig, v):  # x moves the tangent and the dots; the legend and frame stay on top
        (ax,) = fig.axes
        moved = ax.get_lines()[-3:]  # tangent, point on f, point on f'
        marks = plots.activation_mark(v["activation"], float(v["alpha"]), float(v["x"]))
        for line, (xs, ys) in zip(moved, marks, strict=True):
            line.set_data(xs, ys)
        return describe(v), [*moved, ax.get_legend(), *ax.spines.values()]

    def describe(v):
        spec = plots.ACTIVATIONS[v["activation"]]
        a, x = float(v["alpha"]), float(v["x"])
        p = np.array([x])
        f0, d0 = float(spec.f(p, a)[0]), float(spec.df(p, a)[0])
        largest = float(np.max(spec.df(grid, a)))
        value_range = spec.value_range.replace("alpha", f"{a:g}")
        message = (
            f"{spec.label}: f({x:.1f}) = {f0:.4f}, f'({x:.1f}) = {d0:.4f}; "
            f"range {value_range}; largest slope {largest:.3g}"
        )
        if not spec.uses_alpha:
            message += f" (alpha has no effect on {spec.label})"
        elif a == 0 and v["activation"] != "elu":
            message += " (alpha = 0: this is plain ReLU)"
        elif a == 0:
            message += " (alpha = 0: ELU is then flat at 0 for negative x, like ReLU)"
        return message

    return InteractiveFigure(controls, draw, figsize=(6.0, 4.0), update=update, update_on=("x",))


def softmax_temperature_explorer(
    scores: Sequence[float] = (3.2, 5.1, -1.7),
    labels: Sequence[str] = ("cat", "car", "frog"),
    *,
    temperature: float = 1.0,
) -> InteractiveFigure:
    """Softmax of fixed scores divided by a temperature ``T`` (a log slider from 0.05 to 20).

    Small ``T`` sharpens the probabilities towards the largest score (one-hot as T -> 0);
    large ``T`` flattens them towards uniform. ``T = 1`` is the plain softmax.

    Parameters
    ----------
    scores : sequence of float, length C >= 2
    labels : sequence of str, length C
    temperature : float
        Start value, in [0.05, 20].
    """
    s = as_float_vector(scores, "softmax_temperature_explorer", "scores")
    if s.shape[0] < 2 or not np.all(np.isfinite(s)):
        raise ValueError(
            f"softmax_temperature_explorer: scores must be at least 2 finite numbers, got {s}"
        )
    if isinstance(labels, str) or len(labels) != s.shape[0]:
        raise ValueError(
            f"softmax_temperature_explorer: labels must name the {s.shape[0]} "
            f"scores, got {labels!r}"
        )
    labels = [str(name) for name in labels]
    t0 = as_scalar(temperature, "softmax_temperature_explorer", "temperature")
    if not 0.05 <= t0 <= 20:
        raise ValueError(
            f"softmax_temperature_explorer: temperature must be in [0.05, 20], got {t0}"
        )
    slider = widgets.FloatLogSlider(
        value=t0,
        base=10,
        min=np.log10(0.05),
        max=np.log10(20),
        step=0.01,
        description="T",
        readout_format=".2f",
    )

    def bars(ax, t):
        p = nn.softmax(s[None, :] / t)[0]
        plots.plot_probabilities(p, labels, ax=ax, title=f"softmax(scores / T), T = {t:.2f}")
        ax.set_xlabel("class (score)")
        ax.set_xticks(
            np.arange(s.shape[0]), [f"{n}\n({x:g})" for n, x in zip(labels, s, strict=True)]
        )
        return p

    def draw(fig, v):
        t = float(v["T"])
        p = bars(fig.add_subplot(), t)
        fig.subplots_adjust(left=0.14, right=0.97, bottom=0.22, top=0.88)
        return describe(p, t)

    def update(fig, v):  # the same axes (y from 0 to 1.15): new bars, numbers and title
        t = float(v["T"])
        (ax,) = fig.axes
        for artist in [*ax.patches, *ax.texts]:
            artist.remove()
        p = bars(ax, t)
        return describe(p, t), [*ax.patches, *ax.texts, ax.title, *ax.spines.values()]

    def describe(p, t):
        entropy = float(-np.sum(p * np.log(np.maximum(p, 1e-300))))
        listing = ", ".join(f"{n} {q:.3f}" for n, q in zip(labels, p, strict=True))
        return (
            f"T = {t:.2f}: {listing} (sum {p.sum():.3f}); entropy {entropy:.3f} "
            f"of at most {np.log(len(p)):.3f}"
        )

    return InteractiveFigure(
        {"T": slider}, draw, figsize=(5.0, 3.8), update=update, update_on=("T",)
    )
