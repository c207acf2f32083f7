"""Figures of the optimizers chapter (each takes ax=None, returns the Axes, never shows).

- :data:`SURFACES`: the 2-D test surfaces of the chapter (the stretched bowl
  ``x^2/20 + y^2``, the saddle ``x^2 - y^2``, a surface with a local minimum).
- :func:`optimizer_path`: run a functional update (``utils.nn.UPDATES``) on a surface,
  stopping cleanly when the run diverges.
- :func:`plot_trajectories`: contour lines of a surface and the paths of several optimizers.
- :func:`plot_loss_per_step`: the loss of several runs against the step.

A path may stop early (a diverged run): only its finite prefix is drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

__all__ = [
    "OPTIMIZER_COLORS", "SURFACES", "optimizer_path", "plot_loss_per_step", "plot_trajectories",
]

#: One colour per optimizer name (the keys of ``utils.nn.UPDATES``), the same in every figure.
OPTIMIZER_COLORS = {
    "sgd": "#d62728", "momentum": "#1f77b4", "nesterov": "#17becf",
    "adagrad": "#2ca02c", "rmsprop": "#9467bd", "adam": "#ff7f0e", "newton": "#000000",
}


def _local_min_f(x, y):
    return x**4 / 4 - x**2 + 0.3 * x + y**2 / 2


def _local_min_grad(w):
    return np.array([w[0] ** 3 - 2 * w[0] + 0.3, w[1]])


#: The chapter's surfaces: ``f(x, y)`` (vectorised), ``grad(w) -> (2,)``, start, window,
#: contour levels, and the label used in titles.
SURFACES = {
    "test": {
        "label": "x²/20 + y²",
        "f": lambda x, y: x**2 / 20 + y**2,
        "grad": lambda w: np.array([w[0] / 10, 2 * w[1]]),
        "start": np.array([-7.0, 2.0]),
        "xlim": (-8.0, 8.0), "ylim": (-3.0, 3.0),
        "levels": np.array([0.05, 0.2, 0.5, 1, 2, 3.5, 5.5, 8]),
    },
    "saddle": {
        "label": "x² - y²",
        "f": lambda x, y: x**2 - y**2,
        "grad": lambda w: np.array([2 * w[0], -2 * w[1]]),
        "start": np.array([-1.5, 1e-3]),
        "xlim": (-2.0, 2.0), "ylim": (-2.0, 2.0),
        "levels": np.linspace(-3.5, 3.5, 15),
    },
    "local minimum": {
        "label": "x⁴/4 - x² + 0.3x + y²/2",
        "f": _local_min_f,
        "grad": _local_min_grad,
        "start": np.array([2.6, 1.5]),
        "xlim": (-2.6, 3.0), "ylim": (-2.0, 2.0),
        "levels": np.array([-1.3, -1.0, -0.5, 0, 0.5, 1, 2, 3, 4.5]),
    },
}


def optimizer_path(update: Callable, grad: Callable, w0, steps: int, *,
                   loss: Callable | None = None, bound: float = 1e3, **hyper):
    """Run ``steps`` steps of a functional update from ``w0``; stop when the run blows up.

    Parameters
    ----------
    update : callable
        ``update(w, dw, state, **hyper) -> (w_new, state)``, e.g. ``utils.nn.adam_update``.
    grad : callable
        ``grad(w) -> array like w``.
    w0 : array_like, shape (D,)
    steps : int
    loss : callable, optional
        ``loss(w) -> float``; when given, the losses along the path are returned too.
    bound : float
        The run counts as diverged at the first step where a coordinate is not finite or
        exceeds ``bound`` in absolute value; the path stops before that point.
    **hyper
        Passed to ``update`` (``lr=...``, ``beta=...``).

    Returns
    -------
    path : numpy.ndarray, shape (K + 1, D)
        The points at steps 0..K, all finite (K = steps unless the run diverged).
    losses : numpy.ndarray, shape (K + 1,), or None without ``loss``
    diverged_at : int or None
        The step at which the run left the bound.
    """
    if not callable(update) or not callable(grad):
        raise TypeError("optimizer_path: update and grad must be functions, got "
                        f"{type(update).__name__} and {type(grad).__name__}")
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 0:
        raise ValueError(f"optimizer_path: steps must be an int >= 0, got {steps!r}")
    w = np.array(w0, dtype=np.float64)
    if w.ndim != 1:
        raise ValueError(f"optimizer_path: w0 must have shape (D,), got {w.shape}")
    path, state, diverged_at = [w.copy()], {}, None
    with np.errstate(all="ignore"):
        for k in range(1, int(steps) + 1):
            w, state = update(w, grad(w), state, **hyper)
            if not np.all(np.isfinite(w)) or np.max(np.abs(w)) > bound:
                diverged_at = k
                break
            path.append(np.array(w, dtype=np.float64))
    path = np.array(path)
    losses = None if loss is None else np.array([float(loss(p)) for p in path])
    return path, losses, diverged_at


def _axes(ax: Axes | None, figsize=(7.0, 4.2)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _paths(paths, func: str) -> dict[str, np.ndarray]:
    if not isinstance(paths, Mapping) or not paths:
        raise TypeError(f"{func}: paths must be a non-empty dict name -> array (K, 2), "
                        f"got {type(paths).__name__}")
    out = {}
    for name, p in paths.items():
        try:
            arr = np.asarray(p, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"{func}: path {name!r} must be an array of numbers") from None
        if arr.ndim != 2 or arr.shape[1] != 2 or arr.shape[0] == 0:
            raise ValueError(f"{func}: path {name!r} must have shape (K, 2) with K >= 1, "
                             f"got {arr.shape}")
        ok = np.isfinite(arr).all(axis=1)
        out[str(name)] = arr[: arr.shape[0] if ok.all() else int(np.argmin(ok))]
    return out


def plot_trajectories(f: Callable, paths: Mapping, *, ax: Axes | None = None,
                      xlim=(-8.0, 8.0), ylim=(-3.0, 3.0), levels=12,
                      title: str | None = None, resolution: int = 80,
                      markersize: float = 3.0, legend: bool = True) -> Axes:
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
        raise ValueError(f"plot_trajectories: xlim and ylim must be (low, high) with low < high, "
                         f"got {xlim} and {ylim}")
    ax = _axes(ax)
    xs, ys = np.linspace(x0, x1, int(resolution)), np.linspace(y0, y1, int(resolution))
    X, Y = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        Z = np.asarray(f(X, Y), dtype=np.float64)
    ax.contour(X, Y, Z, levels=levels, colors="0.6", linewidths=0.8)
    first = None
    for i, (name, p) in enumerate(paths.items()):
        color = OPTIMIZER_COLORS.get(name, f"C{i}")
        ax.plot(p[:, 0], p[:, 1], "-o", color=color, ms=markersize, lw=1.6, alpha=0.9,
                label=name, zorder=3)
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


def plot_loss_per_step(losses: Mapping, *, ax: Axes | None = None, title: str | None = None,
                       logy: bool = True, legend: bool = True) -> Axes:
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
        raise TypeError("plot_loss_per_step: losses must be a non-empty dict name -> array (K,), "
                        f"got {type(losses).__name__}")
    ax = _axes(ax, figsize=(6.0, 4.0))
    for i, (name, values) in enumerate(losses.items()):
        arr = np.asarray(values, dtype=np.float64)
        if arr.ndim != 1:
            raise ValueError(f"plot_loss_per_step: losses[{name!r}] must have shape (K,), "
                             f"got {arr.shape}")
        ok = np.isfinite(arr)
        arr = arr[: arr.size if ok.all() else int(np.argmin(ok))]
        ax.plot(np.arange(arr.size), arr, color=OPTIMIZER_COLORS.get(name, f"C{i}"), lw=2,
                label=name)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    if title:
        ax.set_title(title)
    if legend:
        ax.legend()
    return ax
