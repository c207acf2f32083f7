"""Interactive figures of the weight-initialization chapter.

- :func:`initialization_explorer`: choose an activation and an initializer; the histograms of
  the five layers' activations (100 units, 1000 inputs) are redrawn, and the status line says
  whether the signal survives, vanishes, saturates or explodes.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from utils.experiments.initialization import (
    EXPERIMENT_INITS,
    HISTOGRAM_ACTIVATIONS,
    layer_activations,
)
from utils.plots import draw_histogram_panel
from utils.plots import initialization as plots
from utils.widgets._core import InteractiveFigure

__all__ = ["diagnose_activations", "initialization_explorer"]


def diagnose_activations(activations, activation: str) -> str:
    """A one-line verdict on the last layer's activations (vanished, saturated, exploded...).

    Parameters
    ----------
    activations : list of numpy.ndarray
        The activations of each layer, as :func:`utils.experiments.initialization.layer_activations`
        returns.
    activation : {"sigmoid", "tanh", "relu"}
    """
    last = np.asarray(activations[-1], dtype=np.float64)
    with np.errstate(all="ignore"):
        std = float(np.std(last))
        if not np.isfinite(std):
            return "last layer: the values overflowed (not finite): the signal exploded"
        if activation == "sigmoid":
            saturated = float(np.mean((last < 0.01) | (last > 0.99)))
        elif activation == "tanh":
            saturated = float(np.mean(np.abs(last) > 0.99))
        else:
            saturated = 0.0
    head = f"layer 5: std {std:.3g}, "
    if saturated > 0.3:
        return head + (
            f"{100 * saturated:.0f}% of the values are saturated (the gradient "
            "there is almost 0): gradients vanish"
        )
    if activation == "relu" and std > 10:
        return head + "the values grow layer after layer: the signal explodes"
    if std < 0.02:
        where = "0.5" if activation == "sigmoid" else "0"
        return head + (
            f"every value is near {where}: the signal has faded and all units "
            "compute nearly the same thing"
        )
    return head + "the values stay spread out in every layer: the signal survives"


def _draw_panels(ax, acts, activation: str, bins: int = 30) -> None:
    """The layers' histograms side by side on ONE Axes (panel k spans x in [k, k + 0.9]).

    One Axes instead of five keeps a redraw well under 100 ms (tick layout dominates).
    """
    lo, hi = plots.HIST_RANGES[activation]
    edges = np.linspace(lo, hi, bins + 1)
    top = 0.0
    for k, values in enumerate(acts):
        frac, std, _ = draw_histogram_panel(ax, values, edges, x=k + 0.9 * (edges - lo) / (hi - lo))
        top = max(top, float(frac.max()))
        ax.text(
            k + 0.45,
            -0.02,
            f"layer {k + 1}\n{lo:g} ... {hi:g}",
            ha="center",
            va="top",
            transform=ax.get_xaxis_transform(),
            fontsize=11,
        )
        ax.text(
            k + 0.88,
            0.97,
            f"std {std:.2g}",
            ha="right",
            va="top",
            transform=ax.get_xaxis_transform(),
            fontsize=11,
        )
        if k:
            ax.axvline(k - 0.05, color="0.6", lw=1)
    ax.set_xlim(-0.05, len(acts) - 0.05)
    ax.set_ylim(0, 1.15 * top or 1.0)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_ylabel("fraction")


def initialization_explorer(
    activation: str = "sigmoid", init: str = "std 1", *, seed: int = 0
) -> InteractiveFigure:
    """Histograms of the activations of 5 layers of 100 units for 1000 inputs.

    Two dropdowns choose the activation (sigmoid, tanh, relu) and the initializer (std 1,
    std 0.01, Xavier, He, the misquoted 2/sqrt(n+m)). The inputs are drawn once from ``seed``
    (standard normal, shape (1000, 100)); each choice draws its weights from the same seed,
    so the same choice always gives the same figure (its activations are computed once, the
    first time it is chosen, and kept).

    Parameters
    ----------
    activation : {"sigmoid", "tanh", "relu"}
    init : str
        A key of :data:`utils.experiments.initialization.EXPERIMENT_INITS`.
    seed : int
    """
    if activation not in HISTOGRAM_ACTIVATIONS:
        raise ValueError(
            f"initialization_explorer: activation must be one of "
            f"{list(HISTOGRAM_ACTIVATIONS)}, got {activation!r}"
        )
    if init not in EXPERIMENT_INITS:
        raise ValueError(
            f"initialization_explorer: init must be one of {list(EXPERIMENT_INITS)}, got {init!r}"
        )
    X = np.random.default_rng(seed).standard_normal((1000, 100))
    controls = {
        "activation": widgets.Dropdown(
            options=list(HISTOGRAM_ACTIVATIONS), value=activation, description="activation"
        ),
        "init": widgets.Dropdown(options=list(EXPERIMENT_INITS), value=init, description="init"),
    }

    computed: dict[tuple[str, str], list] = {}

    def activations(name: str, init: str) -> list:
        # The same seed on every draw, so each choice is computed once and kept.
        if (name, init) not in computed:
            rng = np.random.default_rng(seed + 1)
            with np.errstate(all="ignore"):
                computed[name, init] = layer_activations(
                    X, EXPERIMENT_INITS[init], HISTOGRAM_ACTIVATIONS[name], rng=rng
                )
        return computed[name, init]

    def draw(fig, v):
        acts = activations(v["activation"], v["init"])
        _draw_panels(fig.add_axes((0.03, 0.17, 0.95, 0.65)), acts, v["activation"])
        fig.suptitle(f"{v['activation']} layers, init {v['init']}: activations of each layer")
        return diagnose_activations(acts, v["activation"])

    return InteractiveFigure(controls, draw, figsize=(11.0, 3.0))
