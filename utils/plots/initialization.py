"""Figures of the weight-initialization chapter.

- :func:`plot_activation_histograms`: one histogram per layer, side by side, for the
  activations of a deep stack (the experiment of chapter 07,
  :func:`utils.experiments.initialization.layer_activations`);
- :func:`plot_histogram_grid`: the same, one row per initializer (x-ranges in
  :data:`HIST_RANGES`);
- :func:`plot_weight_matrix`: a weight matrix as a colour grid (identical columns show the
  symmetry left by a constant initialization).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from utils.plots._core import _axes, draw_histogram_panel

__all__ = [
    "HIST_RANGES",
    "plot_activation_histograms",
    "plot_histogram_grid",
    "plot_weight_matrix",
]

#: The x-range of each activation's histograms (ReLU outputs beyond 4 land in the last bin).
HIST_RANGES = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "relu": (0.0, 4.0)}


def _row_axes(n: int, axes, figsize) -> Sequence[Axes]:
    if axes is None:
        _, axes = plt.subplots(1, n, figsize=figsize, sharey=True)
    axes = list(np.ravel(axes))
    if len(axes) != n:
        raise ValueError(
            f"plot_activation_histograms: need {n} axes (one per layer), got {len(axes)}"
        )
    return axes


def plot_activation_histograms(
    activations,
    *,
    axes=None,
    value_range=(0.0, 1.0),
    bins: int = 30,
    label: str | None = None,
    layer_titles: bool = True,
) -> list[Axes]:
    """One histogram per layer, side by side: the fraction of values in each bin.

    Values outside ``value_range`` are counted in the first or last bin, so an exploding
    layer shows as a spike at the edge; each panel prints the layer's standard deviation
    (and, for ranges starting at 0, the fraction of exact zeros, as ReLU makes many).

    Parameters
    ----------
    activations : sequence of numpy.ndarray
        One array (any shape) per layer.
    axes : sequence of Axes, optional
        One per layer; a new row of subplots by default.
    value_range : (float, float)
    bins : int
    label : str, optional
        Written as the y-label of the first panel (e.g. the initializer's name).
    layer_titles : bool
        Title each panel "layer k".

    Returns
    -------
    list of Axes
    """
    if (
        isinstance(activations, np.ndarray)
        or not isinstance(activations, Sequence)
        or len(activations) == 0
    ):
        raise TypeError(
            "plot_activation_histograms: activations must be a non-empty list of "
            f"arrays (one per layer), got {type(activations).__name__}"
        )
    lo, hi = (float(v) for v in value_range)
    if not hi > lo:
        raise ValueError(
            f"plot_activation_histograms: value_range must be (low, high) with "
            f"low < high, got {value_range}"
        )
    axes = _row_axes(len(activations), axes, figsize=(2.6 * len(activations), 2.6))
    edges = np.linspace(lo, hi, bins + 1)
    for k, (ax, values) in enumerate(zip(axes, activations, strict=True), start=1):
        _, std, _ = draw_histogram_panel(ax, values, edges)
        text = f"std {std:.2g}"
        if lo == 0.0:
            text += f"\nzeros {100 * np.mean(np.asarray(values) == 0):.0f}%"
        ax.text(0.97, 0.95, text, transform=ax.transAxes, ha="right", va="top", fontsize=10)
        ax.set_xlim(lo, hi)
        if layer_titles:
            ax.set_title(f"layer {k}")
        ax.set_xlabel("activation")
    axes[0].set_ylabel(label if label else "fraction of values")
    return axes


def plot_histogram_grid(
    results: dict, *, activation: str, fig=None, bins: int = 30, title: str | None = None
):
    """The histograms of each layer (columns) for each initializer (rows).

    Parameters
    ----------
    results : dict of str -> list of numpy.ndarray
        Initializer label -> the activations of each layer (same number of layers per row).
    activation : {"sigmoid", "tanh", "relu"}
        Sets the x-range (see :data:`HIST_RANGES`).
    fig : matplotlib Figure, optional
    title : str, optional

    Returns
    -------
    numpy.ndarray of Axes, shape (rows, layers)
    """
    if activation not in HIST_RANGES:
        raise ValueError(
            f"plot_histogram_grid: activation must be one of {list(HIST_RANGES)}, "
            f"got {activation!r}"
        )
    if not isinstance(results, dict) or not results:
        raise TypeError(
            "plot_histogram_grid: results must be a non-empty dict "
            "{initializer label: list of layer activations}"
        )
    n_layers = {len(v) for v in results.values()}
    if len(n_layers) != 1:
        raise ValueError("plot_histogram_grid: every row must have the same number of layers")
    rows, cols = len(results), n_layers.pop()
    if fig is None:
        fig = plt.figure(figsize=(2.5 * cols, 2.1 * rows + 0.6))
    axes = np.asarray(fig.subplots(rows, cols, sharex=True, squeeze=False))
    for r, (label, acts) in enumerate(results.items()):
        plot_activation_histograms(
            acts,
            axes=axes[r],
            value_range=HIST_RANGES[activation],
            bins=bins,
            label=label,
            layer_titles=(r == 0),
        )
        for ax in axes[r]:
            ax.set_yticks([])
            if r < rows - 1:
                ax.set_xlabel("")
    fig.suptitle(title or f"Activations of 5 layers of 100 {activation} units (1000 inputs)")
    fig.subplots_adjust(
        left=0.07,
        right=0.98,
        bottom=0.12 if rows > 2 else 0.2,
        top=0.88 if rows > 2 else 0.78,
        wspace=0.08,
        hspace=0.25,
    )
    return axes


def plot_weight_matrix(
    W,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    xlabel: str = "unit (column of W)",
    ylabel: str = "input (row of W)",
) -> Axes:
    """A weight matrix of shape (fan_in, fan_out) as a colour grid with a colour bar.

    Identical columns (identical units) show as identical vertical stripes.
    """
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2:
        raise ValueError(
            f"plot_weight_matrix: W must be 2-D (fan_in, fan_out), got shape {W.shape}"
        )
    ax = _axes(ax, figsize=(5, 4))
    bound = float(np.max(np.abs(W))) or 1.0
    image = ax.imshow(
        W, cmap="RdBu_r", vmin=-bound, vmax=bound, aspect="auto", interpolation="nearest"
    )
    ax.figure.colorbar(image, ax=ax, label="weight")
    if W.shape[1] <= 20:
        ax.set_xticks(range(W.shape[1]))
    if W.shape[0] <= 20:
        ax.set_yticks(range(W.shape[0]))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return ax
