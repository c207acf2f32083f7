"""Figures of the optimizers chapter (each takes ax=None, returns the Axes, never shows).

- :func:`plot_trajectories`: contour lines of a surface and the paths of several optimizers.
- :func:`plot_loss_per_step`: the loss of several runs against the step.

The surfaces and the runs on them are in :mod:`utils.experiments.optimizers`. A path may
stop early (a diverged run): only its finite prefix is drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
from matplotlib.axes import Axes

from utils.plots._core import _axes

__all__ = ["OPTIMIZER_COLORS", "plot_loss_per_step", "plot_trajectories"]

#: One colour per optimizer name (the keys of ``utils.nn.UPDATES``), the same in every figure.
OPTIMIZER_COLORS = {
    "sgd": "#d62728",
    "momentum": "#1f77b4",
    "nesterov": "#17becf",
    "adagrad": "#2ca02c",
    "rmsprop": "#9467bd",
    "adam": "#ff7f0e",
    "newton": "#000000",
}


def _paths(paths, func: str) -> dict[str, np.ndarray]:
    if not isinstance(paths, Mapping) or not paths:
        raise TypeError(
            f"{func}: paths must be a non-empty dict name -> array (K, 2), "
            f"got {type(paths).__name__}"
        )
    out = {}
    for name, p in paths.items():
        try:
            arr = np.asarray(p, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"{func}: path {name!r} must be an array of numbers") from None
        if arr.ndim != 2 or arr.shape[1] != 2 or arr.shape[0] == 0:
            raise ValueError(
                f"{func}: path {name!r} must have shape (K, 2) with K >= 1, got {arr.shape}"
            )
        ok = np.isfinite(arr).all(axis=1)
        out[str(name)] = arr[: arr.shape[0] if ok.all() else int(np.argmin(ok))]
    return out


def plot_trajectories(
    f: Callable,
    paths: Mapping,
    *,
    ax: Axes | None = None,
    xlim=(-8.0, 8.0),
    ylim=(-3.0, 3.0),
    levels=12,
    title: str | None = None,
    resolution: int = 80,
    markersize: float = 3.0,
    legend: bool = True,
) -> Axes:
    """Contour lines of ``f(x, y)`` and one path per optimizer, each in its own colour.

    Parameters
    ----------
    f : callable
        Vectorised surface ``f(X, Y)`` for arrays of the same shape.
    paths : dict of str -> array_like, shape (K, 2)
        The points each optimizer visited. Names in :data:`OPTIMIZER_COLORS` get their
        colour. Rows after the first non-finite one are not drawn.
    xlim, ylim : (float, float)
        The window; points outside it are clipped.
    levels : int or sequence of float
        Contour levels.
    resolution : int
        Grid points per side for the contours.
    markersize : float
        Size of the dots marking each step (0 for lines only).
    """
    if not callable(f):
        raise TypeError(f"plot_trajectories: f must be a function, got {type(f).__name__}")
    paths = _paths(paths, "plot_trajectories")
    (x0, x1), (y0, y1) = (tuple(float(v) for v in xlim), tuple(float(v) for v in ylim))
    if not (x0 < x1 and y0 < y1):
        raise ValueError(
            f"plot_trajectories: xlim and ylim must be (low, high) with low < high, "
            f"got {xlim} and {ylim}"
        )
    ax = _axes(ax, figsize=(7.0, 4.2))
    xs, ys = np.linspace(x0, x1, int(resolution)), np.linspace(y0, y1, int(resolution))
    X, Y = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        Z = np.asarray(f(X, Y), dtype=np.float64)
    ax.contour(X, Y, Z, levels=levels, colors="0.6", linewidths=0.8)
    first = None
    for i, (name, p) in enumerate(paths.items()):
        color = OPTIMIZER_COLORS.get(name, f"C{i}")
        ax.plot(
            p[:, 0],
            p[:, 1],
            "-o",
            color=color,
            ms=markersize,
            lw=1.6,
            alpha=0.9,
            label=name,
            zorder=3,
        )
        first = p[0] if first is None else first
    if first is not None and first.size:
        ax.plot(*first, "ks", ms=8, zorder=4, label="start")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    if title:
        ax.set_title(title)
    if legend:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=11)
    return ax


def plot_loss_per_step(
    losses: Mapping,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    logy: bool = True,
    legend: bool = True,
) -> Axes:
    """The loss of several runs against the step, one line per optimizer.

    Parameters
    ----------
    losses : dict of str -> array_like, shape (K + 1,)
        Loss at steps 0..K of each run (runs may have different lengths: a diverged run
        stops early). Non-finite values end a curve.
    logy : bool
        Log-scale loss axis (all losses must then be > 0 to be drawn).
    """
    if not isinstance(losses, Mapping) or not losses:
        raise TypeError(
            "plot_loss_per_step: losses must be a non-empty dict name -> array (K,), "
            f"got {type(losses).__name__}"
        )
    ax = _axes(ax, figsize=(6.0, 4.0))
    for i, (name, values) in enumerate(losses.items()):
        arr = np.asarray(values, dtype=np.float64)
        if arr.ndim != 1:
            raise ValueError(
                f"plot_loss_per_step: losses[{name!r}] must have shape (K,), got {arr.shape}"
            )
        ok = np.isfinite(arr)
        arr = arr[: arr.size if ok.all() else int(np.argmin(ok))]
        ax.plot(
            np.arange(arr.size), arr, color=OPTIMIZER_COLORS.get(name, f"C{i}"), lw=2, label=name
        )
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    if title:
        ax.set_title(title)
    if legend:
        ax.legend()
    return ax
